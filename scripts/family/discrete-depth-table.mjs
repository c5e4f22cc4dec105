// Prints docs/results-family.md §8's table and verdict from scripts/family/discrete-depth.sh's runs:
//   node scripts/family/discrete-depth-table.mjs OUT
// bits/dim = NLL / (784 · ln 2); a difference "resolves" when it is at least max(2 SE, 0.5 nats).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fmt as f, mean, readRuns, sd, se } from "./runs.mjs";

const out = process.argv[2];
if (!out) throw new Error("usage: node scripts/family/discrete-depth-table.mjs OUT");
const BITS = 784 * Math.log(2);
const times = Object.fromEntries(
  readFileSync(join(out, "times.txt"), "utf8")
    .trim()
    .split("\n")
    .map((l) => /^(L\d) seed (\d+): train (\d+) s, eval (\d+) s$/.exec(l))
    .filter(Boolean)
    .map((m) => [`${m[1]}-s${m[2]}`, { train: Number(m[3]), eval: Number(m[4]) }]),
);
const runs = readRuns(out);
const nll = (arm) => (runs[arm] ?? []).map((r) => r.eval.splits.test.iwae_nll);
for (const arm of ["L1", "L2", "L4"]) {
  for (const { seed, eval: e } of runs[arm] ?? []) {
    const t = e.splits.test;
    const w = times[`${arm}-s${seed}`] ?? {};
    console.log(`| ${arm} | ${seed} | ${e.checkpoint.step} | ${f(t.iwae_nll, 2)} | ${f(t.iwae_nll / BITS, 4)} | ${f(-t.elbo, 2)} | ${f(t.kl, 2)} | ${w.train ?? "?"} | ${w.eval ?? "?"} | ${out}/${arm}-s${seed}/samples.png |`);
  }
}
for (const arm of ["L1", "L2", "L4"]) console.log(`${arm}: NLL mean ${f(mean(nll(arm)), 2)} (sd ${f(sd(nll(arm)), 2)}), bits/dim ${f(mean(nll(arm)) / BITS, 4)}`);
const compare = (a, b) => {
  const d = mean(nll(a)) - mean(nll(b));
  const margin = Math.max(2 * se(nll(a), nll(b)), 0.5);
  const word = Number.isNaN(d) || Number.isNaN(margin) ? "n/a" : d <= -margin ? "better" : d >= margin ? "worse" : "no difference resolved";
  console.log(`${a} − ${b}: ${f(d, 2)} nats (SE ${f(se(nll(a), nll(b)), 2)}, margin ${f(margin, 2)}): ${a} ${word}`);
  return word;
};
const w21 = compare("L2", "L1");
const w42 = compare("L4", "L2");
const w41 = compare("L4", "L1");
console.log(`claim (1 → 2 → 4 improves): ${w21 === "better" && w42 === "better" ? "holds" : "does not hold"}; deeper helps (L4 vs L1): ${w41 === "better" ? "yes" : w41 === "worse" ? "no, deeper hurts" : "not resolved"}`);
