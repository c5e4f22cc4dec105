// The finished runs of a family script's OUT folder (ARM-sSEED/eval.json), by arm, and the statistics
// the tables quote: means, sample std over seeds, the standard error of a difference of means.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** { arm: [{ seed, eval }] }, seeds in folder order. */
export function readRuns(out) {
  const runs = {};
  for (const d of readdirSync(out).sort()) {
    const m = /^(\w+)-s(\d+)$/.exec(d);
    if (!m || !existsSync(join(out, d, "eval.json"))) continue;
    (runs[m[1]] ??= []).push({ seed: Number(m[2]), eval: JSON.parse(readFileSync(join(out, d, "eval.json"), "utf8")) });
  }
  return runs;
}

export const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
export const sd = (xs) => (xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)) : NaN);
export const se = (a, b) => Math.sqrt(sd(a) ** 2 / a.length + sd(b) ** 2 / b.length);
export const fmt = (x, d = 3) => (x === undefined || x === null || Number.isNaN(x) ? "n/a" : x.toFixed(d));
