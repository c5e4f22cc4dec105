// Table 1's FID: 2000 samples of each finished table1 arm vs 2000 MNIST test digits, on the
// penultimate-layer features of the project's own conv classifier (runtime/metrics/conv-classifier.ts).
// The classifier is trained once, from seed 1 on the bundled training digits, and kept as
// RUNS/table1/classifier.json with its test accuracy, so every arm is measured by the same network.
// Each arm's FID is added to its reproduce.json as metrics.fid_conv; an arm that has one is skipped,
// so the step resumes like the rest of the driver.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadMnist } from "../../runtime/data/mnist";
import { buildModel } from "../../runtime/model/build";
import { convAccuracy, convApply, trainConvClassifier, FEATURE_DIM, type ConvWeights } from "../../runtime/metrics/conv-classifier";
import { frechetDistance } from "../../runtime/metrics/fid";
import { drawSamples, loadTrainedRun } from "../../runtime/run/inference";
import { deriveSeed } from "../../runtime/random/seeds";
import { saveArm } from "./ledger";
import type { ArmResult } from "./run-arm";

export const FID_SAMPLES = 2000;
const CLASSIFIER = { seed: 1, epochs: 2, batch: 64, lr: 1e-3 };

interface SavedClassifier {
  accuracy: number;
  testImages: number;
  trainImages: number;
  trainSeconds: number;
  settings: typeof CLASSIFIER;
  weights: ConvWeights;
}

const mnist = (split: "train" | "test") => loadMnist({ split, classes: null, multipliers: null, binarize: false, limit: null, flatten: true, seed: 1 });

/** The saved classifier, trained (and saved) first when there is none. */
export function fidClassifier(dir: string, log: (s: string) => void): SavedClassifier {
  const path = join(dir, "classifier.json");
  if (existsSync(path)) return JSON.parse(readFileSync(path, "utf8")) as SavedClassifier;
  const train = mnist("train");
  const test = mnist("test");
  log(`table1: training the FID's conv classifier on ${train.n} MNIST digits (seed ${CLASSIFIER.seed}, ${CLASSIFIER.epochs} epochs)\n`);
  const t0 = Date.now();
  const weights = trainConvClassifier(train.x, train.n, train.labels!, CLASSIFIER);
  const saved: SavedClassifier = { accuracy: convAccuracy(weights, test.x, test.n, test.labels!), testImages: test.n, trainImages: train.n, trainSeconds: (Date.now() - t0) / 1000, settings: CLASSIFIER, weights };
  log(`table1: classifier test accuracy ${saved.accuracy.toFixed(4)} on ${test.n} digits (${saved.trainSeconds.toFixed(0)} s)\n`);
  writeFileSync(path, JSON.stringify(saved) + "\n");
  return saved;
}

/** The classifier on FID_SAMPLES samples of a trained run (decoder means, its best or last checkpoint) and on
 * the first m = FID_SAMPLES test digits (their features). */
export async function classifiedSamples(runDir: string, clf: SavedClassifier, seed: number, checkpoint: "best" | "last" = "best"): Promise<{ gen: ReturnType<typeof convApply>; real: Float32Array; m: number }> {
  const run = await loadTrainedRun(runDir, buildModel, checkpoint);
  try {
    const test = mnist("test");
    const m = Math.min(FID_SAMPLES, test.n);
    const real = convApply(clf.weights, test.x.subarray(0, m * 784), m).features;
    const gen = convApply(clf.weights, drawSamples(run.model, FID_SAMPLES, deriveSeed(seed, "sample", 5)), FID_SAMPLES);
    return { gen, real, m };
  } finally {
    run.model.dispose();
  }
}

/** FID of one trained run: its FID_SAMPLES samples against the first FID_SAMPLES test digits. */
export async function fidOfRun(runDir: string, clf: SavedClassifier, seed: number): Promise<number> {
  const { gen, real, m } = await classifiedSamples(runDir, clf, seed);
  return frechetDistance(gen.features, FID_SAMPLES, real, m, FEATURE_DIM);
}

/** Adds metrics.fid_conv to every finished arm given that lacks one; the classifier lives in classifierDir. */
export async function addFids(classifierDir: string, arms: { dir: string; result: ArmResult }[], log: (s: string) => void, ledger?: string): Promise<void> {
  // an arm known only from the ledger has no checkpoint here to sample from
  const todo = arms.filter((a) => !a.result.metrics.fid_conv && existsSync(join(a.dir, "ir.json")));
  if (!todo.length) return;
  const clf = fidClassifier(classifierDir, log);
  for (const { dir, result } of todo) {
    const t0 = Date.now();
    const value = await fidOfRun(dir, clf, result.seed);
    result.metrics.fid_conv = { value, classifier_accuracy: clf.accuracy, samples: FID_SAMPLES, features: `${FEATURE_DIM} penultimate-layer features of the project's conv classifier (test accuracy ${clf.accuracy.toFixed(4)})` };
    result.evalSeconds += (Date.now() - t0) / 1000;
    saveArm(dir, result, ledger);
    log(`${dir}: FID ${value.toFixed(2)} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
}
