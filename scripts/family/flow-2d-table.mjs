// Prints docs/results-family.md §7's table and verdict inputs from scripts/family/flow-2d.sh's runs:
//   node scripts/family/flow-2d-table.mjs OUT
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const out = process.argv[2];
if (!out) throw new Error("usage: node scripts/family/flow-2d-table.mjs OUT");
const runs = {};
for (const d of readdirSync(out).sort()) {
  const m = /^(\w+)-s(\d+)$/.exec(d);
  if (!m || !existsSync(join(out, d, "eval.json"))) continue;
  const e = JSON.parse(readFileSync(join(out, d, "eval.json"), "utf8"));
  (runs[m[1]] ??= []).push({ seed: Number(m[2]), step: e.checkpoint.step, elbo: -e.splits.test.elbo, m: e.metrics });
}
const KEYS = ["iwae_nll", "region_mass", "sample_uncertainty"];
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
const se = (a, b) => Math.sqrt(sd(a) ** 2 / a.length + sd(b) ** 2 / b.length);
const f = (x, d = 3) => (x === undefined || x === null || Number.isNaN(x) ? "n/a" : x.toFixed(d));
const col = (arm, k) => (runs[arm] ?? []).map((r) => r.m[k]?.value).filter((v) => typeof v === "number");
for (const [arm, rs] of Object.entries(runs)) for (const r of rs) console.log(`| ${arm} | ${r.seed} | ${r.step} | ${f(r.m.iwae_nll?.value)} | ${f(r.elbo)} | ${f(r.m.region_mass?.value, 4)} | ${f(r.m.sample_uncertainty?.value, 4)} |`);
for (const arm of Object.keys(runs)) console.log(`${arm}: ${KEYS.map((k) => `${k} ${f(mean(col(arm, k)), 4)}`).join(", ")}`);
for (const [a, b, k] of [["SB", "SA", "iwae_nll"], ["SB", "SA", "region_mass"], ["SB", "SC", "region_mass"], ["MB", "MA", "iwae_nll"], ["MB", "MA", "sample_uncertainty"]]) {
  const [xa, xb] = [col(a, k), col(b, k)];
  if (xa.length && xb.length) console.log(`${k}: ${a} − ${b} = ${f(mean(xa) - mean(xb), 4)} (SE ${f(se(xa, xb), 4)})`);
}
