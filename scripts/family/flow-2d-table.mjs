// Prints docs/results-family.md §7's table and verdict inputs from scripts/family/flow-2d.sh's runs:
//   node scripts/family/flow-2d-table.mjs OUT
import { fmt as f, mean, readRuns, se } from "./runs.mjs";

const out = process.argv[2];
if (!out) throw new Error("usage: node scripts/family/flow-2d-table.mjs OUT");
const runs = {};
for (const [arm, rs] of Object.entries(readRuns(out))) runs[arm] = rs.map(({ seed, eval: e }) => ({ seed, step: e.checkpoint.step, elbo: -e.splits.test.elbo, m: e.metrics }));
const KEYS = ["iwae_nll", "region_mass", "sample_uncertainty"];
const col = (arm, k) => (runs[arm] ?? []).map((r) => r.m[k]?.value).filter((v) => typeof v === "number");
for (const [arm, rs] of Object.entries(runs)) for (const r of rs) console.log(`| ${arm} | ${r.seed} | ${r.step} | ${f(r.m.iwae_nll?.value)} | ${f(r.elbo)} | ${f(r.m.region_mass?.value, 4)} | ${f(r.m.sample_uncertainty?.value, 4)} |`);
for (const arm of Object.keys(runs)) console.log(`${arm}: ${KEYS.map((k) => `${k} ${f(mean(col(arm, k)), 4)}`).join(", ")}`);
for (const [a, b, k] of [["SB", "SA", "iwae_nll"], ["SB", "SA", "region_mass"], ["SB", "SC", "region_mass"], ["MB", "MA", "iwae_nll"], ["MB", "MA", "sample_uncertainty"]]) {
  const [xa, xb] = [col(a, k), col(b, k)];
  if (xa.length && xb.length) console.log(`${k}: ${a} − ${b} = ${f(mean(xa) - mean(xb), 4)} (SE ${f(se(xa, xb), 4)})`);
}
