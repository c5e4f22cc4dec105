// docs/results-family.md §9's table and verdict from the runs of scripts/family/flow-decoder.sh:
// per run the test split's bounds in bits/dim (IWAE K = 50 and ELBO) and nats; per arm the mean; the
// difference d = mean G − mean F of the IWAE bits/dim, its standard error √(s²_F/n_F + s²_G/n_G)
// (sample variances over the seeds), and the rule's verdict (|d| ≥ 2 SE).
import { existsSync, readdirSync, readFileSync } from "node:fs";

const out = process.argv[2];
const runs = readdirSync(out)
  .filter((n) => existsSync(`${out}/${n}/eval.json`))
  .sort()
  .map((n) => ({ name: n, arm: n[0], e: JSON.parse(readFileSync(`${out}/${n}/eval.json`, "utf8")) }));
const f2 = (v) => v.toFixed(2);
const f4 = (v) => v.toFixed(4);
console.log("| run | epoch of best | test IWAE bits/dim (K = 50) | test ELBO bits/dim | test IWAE NLL of x̃ (nats) | test ELBO of x̃ (nats) | KL |");
console.log("|---|---|---|---|---|---|---|");
for (const r of runs) {
  const t = r.e.splits.test;
  console.log(`| ${r.name} | ${r.e.checkpoint.epoch} | ${f4(t.bits_per_dim.iwae)} | ${f4(t.bits_per_dim.elbo)} | ${f2(t.iwae_nll)} | ${f2(t.elbo)} | ${f2(t.kl)} |`);
}
const stats = (arm) => {
  const v = runs.filter((r) => r.arm === arm).map((r) => r.e.splits.test.bits_per_dim.iwae);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const s2 = v.length > 1 ? v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1) : NaN;
  return { n: v.length, mean, s2 };
};
const F = stats("F");
const G = stats("G");
const d = G.mean - F.mean;
const se = Math.sqrt(F.s2 / F.n + G.s2 / G.n);
const verdict = d >= 2 * se ? "supported: the flow decoder's bound is lower by ≥ 2 SE" : -d >= 2 * se ? "contradicted: the Gaussian decoder's bound is lower by ≥ 2 SE" : "no difference at this scale (|d| < 2 SE)";
console.log(`\nmean F ${f4(F.mean)} (n ${F.n}), mean G ${f4(G.mean)} (n ${G.n}); d = G − F = ${f4(d)} bits/dim, SE ${f4(se)}, d/SE ${(d / se).toFixed(1)}: ${verdict}`);
