#!/usr/bin/env node
// The ring-of-Gaussians reading of docs/results-family.md (Soft-IntroVAE section), per run:
//   node scripts/ring-modes.mjs RUN...   (each RUN with samples.csv from `intel sample RUN -n 2000`)
// off_support: the share of samples farther than 3·std from every centre; modes_covered: centres
// holding at least 2% of the samples within 3·std; inactive_prior_modes: learned mixture weights
// below (1/K)² in the last step line of metrics.jsonl (null without a learned mixture prior).
// The data are gaussian_clusters(k: 8, radius: 2, std: 0.1): centres at angles 2πj/8 on radius 2.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const K = 8, RADIUS = 2, STD = 0.1, NEAR = 3 * STD, COVER = 0.02;
const centres = Array.from({ length: K }, (_, j) => [RADIUS * Math.cos((2 * Math.PI * j) / K), RADIUS * Math.sin((2 * Math.PI * j) / K)]);

for (const run of process.argv.slice(2)) {
  const rows = readFileSync(join(run, "samples.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
  const counts = new Array(K).fill(0);
  let off = 0;
  for (const [x, y] of rows) {
    const d = centres.map(([cx, cy]) => Math.hypot(x - cx, y - cy));
    const j = d.indexOf(Math.min(...d));
    if (d[j] > NEAR) off++;
    else counts[j]++;
  }
  const steps = readFileSync(join(run, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l)).filter((r) => r.type === "step");
  const w = steps.at(-1)?.prior_weights ?? null;
  console.log(JSON.stringify({
    run,
    samples: rows.length,
    off_support: off / rows.length,
    modes_covered: counts.filter((c) => c >= COVER * rows.length).length,
    per_mode: counts,
    inactive_prior_modes: w ? w.filter((v) => v < 1 / (w.length * w.length)).length : null,
    prior_weights: w,
  }));
}
