// `npm run bench`: every benchmark of the project. For now the training step (bench/step.ts) of
// the MLP and conv VAEs on wasm and cpu against the PyTorch reference, and the front end.
//
//   npm run bench                         all of it
//   npm run bench -- --arch mlp           one architecture (mlp | conv)
//   npm run bench -- --only step          only the step benchmark (step | frontend | emit)
//   npm run bench -- --quick              fewer steps, skips the slow baselines
//   npm run bench -- --cpu-conv           also the conv VAE on tfjs's cpu backend (minutes per step)
//   npm run bench -- --json out.json      also write the raw results
import fs from "node:fs";
import os from "node:os";
import { runStepIsolated, runTorch, type StepConfig, type StepResult } from "./step";
import type { Arch } from "./vae_models";

interface Opts { arch: Arch[]; only: string | null; quick: boolean; cpuConv: boolean; json: string | null }

function parse(argv: string[]): Opts {
  const o: Opts = { arch: ["mlp", "conv"], only: null, quick: false, cpuConv: false, json: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--quick") o.quick = true;
    else if (a === "--cpu-conv") o.cpuConv = true;
    else if (a === "--arch") o.arch = [argv[++i] as Arch];
    else if (a === "--only") o.only = argv[++i] ?? null;
    else if (a === "--json") o.json = argv[++i] ?? null;
    else throw new Error(`bench: unknown option ${a}`);
  }
  return o;
}

const fmt = (x: number | null | undefined) => (x == null ? "—" : x >= 100 ? x.toFixed(0) : x.toFixed(1));

// Every ratio is against the reference command (PyTorch, 1 thread); on the 2-core test machine
// PyTorch with 2 threads was consistently slower than with 1, so it is shown but not used.
function table(rows: StepResult[]): void {
  const ref = rows.find((r) => r.framework === "pytorch" && r.label === "pytorch 1t");
  const lines = [["config", "ms/step median", "min", "tfjs/pytorch-1t", "detail"]];
  for (const r of rows) {
    let ratio = "";
    if (r.ms_median != null && ref?.ms_median) ratio = `${(r.ms_median / ref.ms_median).toFixed(2)}×`;
    lines.push([r.label, r.error ? "failed" : fmt(r.ms_median), fmt(r.ms_min), ratio, r.error ? `${r.error} (${r.detail})` : r.detail]);
  }
  const w = lines[0]!.map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
  for (const l of lines) console.log("  " + l.map((s, c) => (c === 4 ? s : s.padEnd(w[c]!))).join("  "));
}

async function stepBench(o: Opts): Promise<StepResult[]> {
  const all: StepResult[] = [];
  const cores = os.availableParallelism();
  for (const arch of o.arch) {
    const mlp = arch === "mlp";
    const steps = o.quick ? (mlp ? 15 : 3) : mlp ? 50 : 8;
    const base: StepConfig = { arch, backend: "wasm", threads: 1, impl: "fast", batch: 128, latent: 50, warmup: mlp ? 5 : 2, steps };
    const configs: StepConfig[] = [base];
    if (cores > 1) configs.push({ ...base, threads: cores });
    if (!o.quick) {
      if (mlp) configs.push({ ...base, impl: "tfjs", warmup: 2, steps: 5 }); // stock tfjs ops, the baseline
      else configs.push({ ...base, impl: "tfjs", warmup: 0, steps: 1 }); // shows the missing wasm kernel
      if (mlp || o.cpuConv) configs.push({ ...base, backend: "cpu", warmup: mlp ? 1 : 0, steps: mlp ? 3 : 1 });
    }
    console.log(`\n${arch} VAE, batch 128, latent 50, Adam 1e-3 (load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}, ${cores} cores)`);
    const rows: StepResult[] = [];
    for (const c of configs) {
      const r = runStepIsolated(c, c.backend === "cpu" && !mlp ? 1_800_000 : 600_000);
      rows.push(r);
      console.log(`  ran ${r.label}: ${r.error ? "failed: " + r.error : fmt(r.ms_median) + " ms"}`);
    }
    const torchSteps = mlp ? 50 : 10;
    const repeats = o.quick ? 1 : 3;
    const t1 = runTorch(arch, 128, 50, torchSteps, 1, repeats);
    if (t1 == null) {
      console.log("  PyTorch reference skipped: torch is not installed for /usr/bin/python3 (apt-get install -y python3-torch libopenblas0-pthread)");
    } else {
      rows.push(t1);
      if (cores > 1) {
        const tn = runTorch(arch, 128, 50, torchSteps, cores, repeats);
        if (tn) rows.push(tn);
      }
    }
    console.log(`  (load average after: ${os.loadavg().map((x) => x.toFixed(1)).join(" ")})`);
    table(rows);
    all.push(...rows);
  }
  return all;
}

const o = parse(process.argv.slice(2));
const results: Record<string, unknown> = {};
if (!o.only || o.only === "step") results.step = await stepBench(o);
if (!o.only || o.only === "frontend") {
  try {
    const { benchFrontend } = await import("./frontend");
    console.log("\nfront end");
    benchFrontend();
  } catch (e) {
    console.log(`front-end benchmark failed: ${String(e).split("\n")[0]}`);
  }
}
if (!o.only || o.only === "emit") {
  const { benchEmit } = await import("./emit");
  console.log("\nemitter");
  benchEmit();
}
if (o.json) fs.writeFileSync(o.json, JSON.stringify(results, null, 2) + "\n");
