// Training-step benchmark: one configuration per process (the wasm thread count is fixed when the
// backend starts), and a driver that runs every configuration plus the PyTorch reference.
//
// What is timed is what `intel train` runs: the model is compiled from an .intel spec
// (bench/specs.ts → compileSource → lower), built by the IR interpreter (runtime/model/build.ts),
// and one step is runtime/train/loop.ts' own trainStep with the optimizer `intel train` makes
// (makeOptimizer: the fused Adam), plus the loop's per-step batch upload (batchTensor) and its
// noise seed. One step reads the loss terms (one sync point), as the loop does.
// "naive" is the same MLP VAE written with stock tfjs ops, autodiff and tf.train.adam
// (bench/vae_models.ts): the baseline the runtime's ops replace.
//
//   npx tsx bench/step.ts --arch mlp --backend wasm --threads 1       one configuration, JSON out
//     [--matmul openblas] [--routes dense=tfjs,conv=custom]
//   npx tsx bench/run.ts                                              everything (see run.ts)
import * as tf from "@tensorflow/tfjs";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Dataset } from "../runtime/data/dataset";
import type { MatmulName } from "../runtime/backend/native-blas";
import type { KernelRoutes } from "../runtime/backend/routes";
import { selectBackend, type BackendName } from "../runtime/backend/select";
import { buildModel } from "../runtime/model/build";
import { deriveSeed, shuffledIndices } from "../runtime/random/seeds";
import { trainStep } from "../runtime/train/loop";
import { makeOptimizer } from "../runtime/train/optimizer";
import { batchTensor } from "../runtime/train/terms";
import { benchIR, type Arch } from "./specs";
import { buildNaiveVae } from "./vae_models";

export type Impl = "interpreter" | "naive";

export interface StepConfig {
  arch: Arch;
  backend: Exclude<BackendName, "auto">;
  threads: number;
  impl: Impl;
  batch: number;
  latent: number;
  warmup: number;
  steps: number;
  /** the mapping of the bench spec (default identity) */
  mapping?: import("./specs").BenchMapping;
  /** who computes wasm's matrix products (SelectOptions.matmul; default xnnpack) */
  matmul?: MatmulName;
  /** kernel routes forced on the backend (SelectOptions.routes) */
  routes?: Partial<KernelRoutes>;
}

export interface StepResult {
  framework: "tfjs" | "pytorch";
  arch: Arch;
  label: string;
  backend: string;
  threads: number;
  detail: string;
  ms_median: number | null;
  ms_min?: number;
  ms_mean?: number;
  /** median process CPU time per step (steadier than wall time on a shared machine) */
  cpu_ms_median?: number;
  steps?: number;
  final_loss?: number;
  error?: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "..");

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const r3 = (x: number) => Math.round(x * 1000) / 1000;

export const stepLabel = (c: Pick<StepConfig, "backend" | "threads" | "impl" | "matmul" | "routes">) =>
  `tfjs ${c.backend}${c.backend === "wasm" ? ` ${c.threads}t` : ""}${c.matmul === "openblas" ? " + openblas" : ""}${c.impl === "naive" ? " naive" : ""}` +
  (c.routes ? ` (${Object.entries(c.routes).map(([k, v]) => `${k}=${v}`).join(", ")})` : "");

/** A random binary dataset of the spec's data shape, `batches` batches long. */
export function syntheticData(shape: number[], batch: number, batches: number): Dataset {
  const size = shape.reduce((a, b) => a * b, 1);
  const n = batch * batches;
  const x = new Float32Array(n * size);
  let s = 12345;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = s >>> 31;
  }
  return { x, shape, n, labels: null };
}

/** One training step of `intel train`'s model and loop; returns the loss. */
export function interpreterStepper(cfg: StepConfig): { step(): number; dispose(): void } {
  const ir = benchIR(cfg.arch, cfg.batch, cfg.latent, cfg.mapping ?? "identity");
  const runSeed = ir.train.seed;
  const model = buildModel(ir, runSeed);
  const optimizer = makeOptimizer(ir.train.optimizer);
  const vars = [...model.variables.values()];
  const batches = 10;
  const data = syntheticData(ir.data.shape, cfg.batch, batches);
  const order = shuffledIndices(data.n, deriveSeed(runSeed, "shuffle", 0));
  let k = 0;
  return {
    step() {
      const b = k % batches;
      const x = batchTensor(data, order, b * cfg.batch, (b + 1) * cfg.batch);
      try {
        return trainStep(model, optimizer, vars, x, deriveSeed(runSeed, "noise", k++), {}).loss;
      } finally {
        x.dispose();
      }
    },
    dispose() {
      model.dispose();
      optimizer.dispose();
    },
  };
}

/** Runs in this process. The backend must not have been selected differently before. */
export async function runStep(cfg: StepConfig): Promise<StepResult> {
  const label = stepLabel(cfg);
  const info = await selectBackend(cfg.backend, { wasmThreads: cfg.threads, matmul: cfg.matmul, routes: cfg.routes });
  const threads = cfg.backend === "wasm" ? cfg.threads : 1;
  const base = { framework: "tfjs" as const, arch: cfg.arch, label, backend: info.name, threads, detail: info.detail };
  let runner: { step(): number; dispose(): void } | null = null;
  try {
    runner = cfg.impl === "naive" ? buildNaiveVae({ arch: cfg.arch, batch: cfg.batch, latent: cfg.latent, seed: 1 }) : interpreterStepper(cfg);
    for (let i = 0; i < cfg.warmup; i++) runner.step();
    const ts: number[] = [];
    const cs: number[] = [];
    let loss = NaN;
    for (let i = 0; i < cfg.steps; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      loss = runner.step();
      ts.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cs.push((c.user + c.system) / 1000);
    }
    return {
      ...base,
      ms_median: r3(median(ts)), ms_min: r3(Math.min(...ts)), ms_mean: r3(ts.reduce((a, b) => a + b, 0) / ts.length),
      cpu_ms_median: r3(median(cs)), steps: cfg.steps, final_loss: r3(loss),
    };
  } catch (e) {
    return { ...base, ms_median: null, error: String(e).split("\n")[0] };
  } finally {
    runner?.dispose();
    if (tf.memory().numTensors > 0 && process.env.BENCH_DEBUG) console.error(`tensors left: ${tf.memory().numTensors}`);
  }
}

/** Runs one configuration in a child process (fresh backend) and parses its JSON line. */
export function runStepIsolated(cfg: StepConfig, timeoutMs = 600_000): StepResult {
  // One process (node with tsx's loader), so the timeout's SIGTERM reaches the benchmark itself;
  // through npx/tsx's CLI a timed-out child kept running.
  const args = ["--import", "tsx", path.join(here, "step.ts"), "--json", JSON.stringify(cfg)];
  const p = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: "utf8", timeout: timeoutMs, maxBuffer: 1 << 24 });
  const line = (p.stdout ?? "").split("\n").find((l) => l.startsWith("{"));
  if (line) return JSON.parse(line) as StepResult;
  const why = p.error ? String(p.error) : (p.stderr ?? "").trim().split("\n").slice(-1)[0]?.slice(0, 300) ?? `exit ${p.status}`;
  return { framework: "tfjs", arch: cfg.arch, label: stepLabel(cfg), backend: cfg.backend, threads: cfg.threads, detail: "", ms_median: null, error: why };
}

/**
 * The PyTorch reference (../shared/reference/torch_vae.py), run `repeats` times; it reports the
 * mean ms/step of its timed steps, we report the median of those means. Null if torch is missing.
 * torch.set_num_threads does not bound Debian's libopenblas0-pthread, which otherwise starts its
 * own threads (CPU time ≈ 2× wall on 2 cores): OPENBLAS_NUM_THREADS is set to `threads` too, so
 * "1 thread" is one core, like tfjs wasm 1t.
 */
export function runTorch(arch: Arch, batch: number, latent: number, steps: number, threads: number, repeats: number): StepResult | null {
  const script = path.resolve(repoRoot, "..", "shared", "reference", "torch_vae.py");
  const label = `pytorch ${threads}t`;
  const base = { framework: "pytorch" as const, arch, label, backend: "cpu", threads };
  if (!fs.existsSync(script)) {
    return { ...base, detail: `${script} not found`, ms_median: null, error: "reference script missing" };
  }
  const args = [script, "--arch", arch, "--batch", String(batch), "--latent", String(latent), "--steps", String(steps), "--threads", String(threads)];
  const means: number[] = [];
  let last: Record<string, unknown> = {};
  for (let i = 0; i < repeats; i++) {
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
    const p = spawnSync("/usr/bin/python3", args, { encoding: "utf8", timeout: 900_000, env });
    if (p.status !== 0) {
      const err = (p.stderr ?? "") + String(p.error ?? "");
      if (/No module named 'torch'|ENOENT/.test(err)) return null;
      return { ...base, detail: "", ms_median: null, error: err.trim().split("\n").slice(-1)[0] };
    }
    last = JSON.parse(p.stdout.trim().split("\n").slice(-1)[0]!) as Record<string, unknown>;
    means.push(last.ms_per_step as number);
  }
  return {
    ...base,
    detail: `torch ${last.version}, \`OPENBLAS_NUM_THREADS=${threads} /usr/bin/python3 ${path.relative(repoRoot, script)} ${args.slice(1).join(" ")}\` ×${repeats}`,
    ms_median: r3(median(means)), ms_min: r3(Math.min(...means)), steps, final_loss: last.final_loss as number,
  };
}

function parseArgs(argv: string[]): StepConfig {
  const cfg: StepConfig = { arch: "mlp", backend: "wasm", threads: 1, impl: "interpreter", batch: 128, latent: 50, warmup: 5, steps: 30 };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i]!.replace(/^--/, ""), argv[i + 1]!];
    if (k === "json") return { ...cfg, ...(JSON.parse(v) as Partial<StepConfig>) };
    if (k === "arch") cfg.arch = v as Arch;
    else if (k === "backend") cfg.backend = v as StepConfig["backend"];
    else if (k === "impl") cfg.impl = v as Impl;
    else if (k === "matmul") cfg.matmul = v as MatmulName;
    else if (k === "routes") cfg.routes = Object.fromEntries(v.split(",").map((kv) => kv.split("="))) as Partial<KernelRoutes>;
    else if (k in cfg) (cfg as unknown as Record<string, number>)[k] = Number(v);
    else throw new Error(`unknown option --${k}`);
  }
  return cfg;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cfg = parseArgs(process.argv.slice(2));
  const res = await runStep(cfg);
  process.stdout.write(JSON.stringify(res) + "\n");
}
