// docs/results-family.md §3: the conv classifier of Table 1 (bench/reproduce/fid-conv.ts, trained
// once from seed 1 and kept as OUT/classifier.json) on 2 000 samples of each run: FID on its
// features against 2 000 test digits, its mean max-probability and entropy, and the predicted
// class shares. One JSON line per run to stdout and OUT/quality.jsonl (OUT/quality-last.jsonl with
// --checkpoint last: each run's last checkpoint instead of its best by validation loss).
//   npx tsx scripts/family/mnist-quality.ts [--checkpoint last] OUT RUN...
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { classifiedSamples, fidClassifier, FID_SAMPLES } from "../../bench/reproduce/fid-conv";
import { selectBackend } from "../../runtime/backend/select";
import { FEATURE_DIM } from "../../runtime/metrics/conv-classifier";
import { frechetDistance } from "../../runtime/metrics/fid";
import { predictiveConfidence } from "../../runtime/metrics/samples";

const args = process.argv.slice(2);
const last = args[0] === "--checkpoint" && args[1] === "last";
const [out, ...runs] = last ? args.slice(2) : args;
if (!out || runs.length === 0) throw new Error("usage: mnist-quality.ts [--checkpoint last] OUT RUN...");
await selectBackend("wasm");
const clf = fidClassifier(out, (s) => process.stderr.write(s));
for (const run of runs) {
  const t0 = Date.now();
  const { gen, real, m } = await classifiedSamples(run, clf, 1, last ? "last" : "best");
  const conf = predictiveConfidence(gen.probs, FID_SAMPLES, clf.weights.classes);
  const line = {
    run,
    checkpoint: last ? "last" : "best",
    fid_conv: frechetDistance(gen.features, FID_SAMPLES, real, m, FEATURE_DIM),
    mean_max_prob: conf.maxProb,
    mean_entropy: conf.entropy,
    class_shares: conf.shares,
    classes_at_2pct: conf.shares.filter((s) => s >= 0.02).length,
    samples: FID_SAMPLES,
    classifier_accuracy: clf.accuracy,
    seconds: (Date.now() - t0) / 1000,
  };
  console.log(JSON.stringify(line));
  appendFileSync(join(out, last ? "quality-last.jsonl" : "quality.jsonl"), JSON.stringify(line) + "\n");
}
