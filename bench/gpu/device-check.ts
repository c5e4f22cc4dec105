// The GPU device check (issue #21, item 4), run by bench/gpu/device-check.sh: on every backend that
// starts (tensorflow-gpu, webgpu, and wasm and cpu for comparison), the quickstart model and the
// benchmark's MLP and conv VAEs for a few training steps each (ms/step), and the quickstart's losses
// over 20 steps against the cpu backend's. One JSON file out.
//
//   npx tsx bench/gpu/device-check.ts --emit-irs FILE           here: compile the specs once
//   node device-check.mjs --irs FILE --out DIR [--backends a,b] there: measure (bundled by the .sh)
//
// The steps are `intel train`'s model (the IR interpreter), optimizer (the fused Adam, on each
// backend's kernel route) and data upload, but the loss is read with `await data()`: tfjs-webgpu has
// no synchronous read in Node (runtime/backend/webgpu.ts), and trainStep reads synchronously.
// Data: fixed pseudo-random 0/1 pixels, made in JavaScript (the same on every backend).
import * as tf from "@tensorflow/tfjs";
import fs from "node:fs";
import path from "node:path";
import type { ModelIR } from "../../compiler/ir/types";
import { selectBackend, selectWebgpu, type BackendInfo, type BackendName } from "../../runtime/backend/select";
import type { WebgpuModules } from "../../runtime/backend/webgpu";
import { activeRoutes } from "../../runtime/backend/routes";
import { buildModel } from "../../runtime/model/build";
import { makeOptimizer } from "../../runtime/train/optimizer";

type Job = "quickstart" | "mlp" | "conv";
const JOBS: { job: Job; warmup: number; steps: number }[] = [
  { job: "quickstart", warmup: 0, steps: 20 }, // also the losses compared with cpu
  { job: "mlp", warmup: 5, steps: 30 },
  { job: "conv", warmup: 2, steps: 8 },
];

async function emitIRs(file: string): Promise<void> {
  const { compileFile } = await import("../../compiler/compile");
  const { benchIR } = await import("../specs");
  const quick = compileFile("specs/examples/quickstart.intel").ir;
  if (!quick) throw new Error("specs/examples/quickstart.intel did not compile");
  const irs: Record<Job, ModelIR> = { quickstart: quick, mlp: benchIR("mlp"), conv: benchIR("conv") };
  fs.writeFileSync(file, JSON.stringify(irs));
}

async function webgpuModules(): Promise<WebgpuModules> {
  try {
    return { backend: (await import("@tensorflow/tfjs-backend-webgpu")) as unknown as WebgpuModules["backend"] };
  } catch {
    return {}; // not installed: selectWebgpu says so
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};

/** n pseudo-random 0/1 pixels (a JavaScript LCG: the same numbers whatever the backend). */
function pixels(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let st = seed >>> 0;
  for (let i = 0; i < n; i++) {
    st = (Math.imul(st, 1103515245) + 12345) >>> 0;
    x[i] = st >>> 31;
  }
  return x;
}

/** `warmup + steps` training steps; ms of each timed step (upload, step, read) and every loss. */
async function steps(ir: ModelIR, warmup: number, n: number): Promise<{ ms: number[]; losses: number[] }> {
  const model = buildModel(ir, ir.train.seed);
  const opt = makeOptimizer(ir.train.optimizer);
  const vars = [...model.variables.values()];
  const ms: number[] = [];
  const losses: number[] = [];
  try {
    for (let s = 0; s < warmup + n; s++) {
      const host = pixels(ir.train.batch * ir.data.shape.reduce((a, b) => a * b, 1), 100 + s);
      const t0 = performance.now();
      const x = tf.tensor(host, [ir.train.batch, ...ir.data.shape], "float32");
      const { value, grads } = tf.variableGrads(() => model.loss(x, 1000 + s, true, {}).loss, vars);
      opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name] ?? tf.zerosLike(v) })));
      const loss = (await value.data())[0]!;
      if (s >= warmup) ms.push(performance.now() - t0);
      losses.push(loss);
      tf.dispose([x, value, ...Object.values(grads)]);
    }
    return { ms, losses };
  } finally {
    opt.dispose();
    model.dispose();
  }
}

interface BackendReport {
  backend: string;
  started: boolean;
  info?: BackendInfo;
  routes?: ReturnType<typeof activeRoutes>;
  error?: string;
  jobs: Record<string, { ms_median?: number; ms_min?: number; steps?: number; final_loss?: number; losses?: number[]; error?: string }>;
  /** quickstart: largest |loss − cpu's| / |cpu's| over the 20 steps */
  quickstart_loss_gap_vs_cpu?: number;
}

async function measure(irFile: string, out: string, backends: BackendName[]): Promise<void> {
  const irs = JSON.parse(fs.readFileSync(irFile, "utf8")) as Record<Job, ModelIR>;
  const report: { at: string; node: string; tfjs: string; backends: BackendReport[] } = { at: new Date().toISOString(), node: process.version, tfjs: tf.version_core, backends: [] };
  const save = () => fs.writeFileSync(path.join(out, "device-check.json"), JSON.stringify(report, null, 2));
  // cpu first: the reference losses. cpu is slow, so only the quickstart runs there.
  const order: BackendName[] = ["cpu", ...backends.filter((b) => b !== "cpu")];
  let cpuLosses: number[] | null = null;
  for (const b of order) {
    const r: BackendReport = { backend: b, started: false, jobs: {} };
    report.backends.push(r);
    try {
      // webgpu: tfjs-backend-webgpu imported by name here, so that a bundle holds it (beside the
      // bundle's own tfjs-core, not a second copy from node_modules); Dawn stays an external package.
      r.info = b === "webgpu" ? await selectWebgpu(await webgpuModules()) : await selectBackend(b, { wasmThreads: 1 });
      r.started = true;
      r.routes = activeRoutes();
    } catch (e) {
      r.error = String(e).split("\n")[0];
      save();
      continue;
    }
    for (const j of b === "cpu" ? JOBS.slice(0, 1) : JOBS) {
      const t0 = performance.now();
      try {
        const { ms, losses } = await steps(irs[j.job], j.warmup, j.steps);
        r.jobs[j.job] = { ms_median: median(ms), ms_min: Math.min(...ms), steps: ms.length, final_loss: losses.at(-1), ...(j.job === "quickstart" ? { losses } : {}) };
        if (j.job === "quickstart") {
          if (b === "cpu") cpuLosses = losses;
          else if (cpuLosses) r.quickstart_loss_gap_vs_cpu = Math.max(...losses.map((l, i) => Math.abs(l - cpuLosses![i]!) / Math.abs(cpuLosses![i]!)));
        }
      } catch (e) {
        r.jobs[j.job] = { error: String(e).split("\n")[0] };
      }
      process.stderr.write(`${b} ${j.job}: ${JSON.stringify(r.jobs[j.job]?.ms_median ?? r.jobs[j.job]?.error)} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
      save();
    }
  }
  save();
}

const argv = process.argv.slice(2);
const flag = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const emit = flag("emit-irs");
if (emit) await emitIRs(emit);
else {
  const irs = flag("irs"), out = flag("out");
  if (!irs || !out) {
    process.stderr.write("usage: device-check --emit-irs FILE | --irs FILE --out DIR [--backends tensorflow-gpu,webgpu,wasm]\n");
    process.exit(2);
  }
  fs.mkdirSync(out, { recursive: true });
  await measure(irs, out, (flag("backends") ?? "tensorflow-gpu,webgpu,wasm").split(",") as BackendName[]);
}
