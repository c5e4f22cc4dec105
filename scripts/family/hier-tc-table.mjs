// Prints docs/results-family.md §5–§6's tables from the runs of scripts/family/hier-tc.sh:
//   node scripts/family/hier-tc-table.mjs OUT
// Per run: the test metrics of eval.json; per arm: means over seeds, and the verdicts' differences
// with the standard error of the difference of means (sample std over seeds).
import { fmt as f, mean, readRuns, se } from "./runs.mjs";

const out = process.argv[2];
if (!out) throw new Error("usage: node scripts/family/hier-tc-table.mjs OUT");
const runs = {};
for (const [arm, rs] of Object.entries(readRuns(out))) runs[arm] = rs.map(({ seed, eval: e }) => ({ seed, steps: e.checkpoint.step, m: e.metrics, split: e.splits.test }));
// a metric the spec's evaluate block names, else the test split's own number (every eval.json has them)
const SPLIT = { kl: (t) => t.kl, recon_error: (t) => t.recon, elbo: (t) => -t.elbo, iwae_nll: (t) => t.iwae_nll };
const val = (r, k) => r.m[k]?.value ?? (SPLIT[k] && r.split ? SPLIT[k](r.split) ?? null : null);
const col = (arm, k) => (runs[arm] ?? []).map((r) => val(r, k)).filter((v) => v !== null);
const diff = (a, b, k) => {
  const xa = col(a, k), xb = col(b, k);
  return `${k}: ${a} − ${b} = ${f(mean(xa) - mean(xb))} (SE ${f(se(xa, xb))})`;
};
for (const [arm, rs] of Object.entries(runs)) {
  for (const r of rs) {
    const mig = r.m.mig;
    const factors = mig?.factors ? mig.factors.map((x) => `${x.factor ?? x.name}: ${f(x.gap ?? x.mig ?? x.value)}`).join(", ") : "";
    console.log(`| ${arm} | ${r.seed} | ${r.steps} | ${["kl", "recon_error", "elbo", "iwae_nll", "mig"].map((k) => f(val(r, k))).join(" | ")} | ${r.m.active_dims?.value ?? "n/a"} | ${factors} |`);
  }
}
for (const [a, b, k] of [["H", "N", "kl"], ["H", "N", "recon_error"], ["T", "B", "mig"], ["T", "B", "recon_error"], ["G2", "G3", "mig"]]) if (runs[a] && runs[b]) console.log(diff(a, b, k));
for (const arm of Object.keys(runs)) console.log(`${arm}: mean recon ${f(mean(col(arm, "recon_error")))}, mean kl ${f(mean(col(arm, "kl")))}, mean mig ${f(mean(col(arm, "mig")))}`);
