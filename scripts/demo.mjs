#!/usr/bin/env node
// The README's main job: train the quickstart InteL-VAE on the bundled MNIST digits with the
// embedded wasm backend, evaluate it, and write its HTML report. Each run gets its own folder.
import { spawnSync } from "node:child_process";

const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-");
const run = `runs/quickstart-${stamp}`;
const steps = [
  ["train", "specs/examples/quickstart.intel", "--backend", "wasm", "--out", run, ...process.argv.slice(2)],
  ["eval", run, "--backend", "wasm", "--k", "50"], // the splits' IWAE with K = 50: K = 500 would triple the wait
  ["report", run],
];
for (const args of steps) {
  console.log(`\n$ intel ${args.join(" ")}`);
  const r = spawnSync(process.execPath, ["bin/intel.js", ...args], { stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`demo: 'intel ${args[0]}' failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}
console.log(`\nreport: ${run}/report.html`);
