// Evaluation benchmark: the IWAE estimate of −log p(x) with K importance samples (runtime/metrics/iwae.ts
// iwaeNll, what `intel eval` and the iwae_nll metric run) on the benchmark's MLP VAE (bench/specs.ts,
// 784-512-256-z50, Bernoulli), built by the IR interpreter, on random binary points in batches of
// 100. The PyTorch reference of the same computation is bench/torch-iwae-cpu.py. One backend per process.
//
//   npx tsx bench/iwae.ts --points 2000 --k 500 --backend wasm --threads 1 [--matmul openblas]   JSON out
import * as tf from "@tensorflow/tfjs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { MatmulName } from "../runtime/backend/native-blas";
import { selectBackend } from "../runtime/backend/select";
import { iwaeNll } from "../runtime/metrics/iwae";
import { buildModel } from "../runtime/model/build";
import { benchIR } from "./specs";
import { syntheticData } from "./step";

export interface IwaeConfig {
  points: number;
  k: number;
  backend: "wasm" | "cpu";
  threads: number;
  /** who computes wasm's matrix products (SelectOptions.matmul; default xnnpack) */
  matmul?: MatmulName;
}

export async function runIwae(cfg: IwaeConfig): Promise<Record<string, unknown>> {
  const info = await selectBackend(cfg.backend, { wasmThreads: cfg.threads, matmul: cfg.matmul });
  const ir = benchIR("mlp", 100, 50);
  const model = buildModel(ir, ir.train.seed);
  const ds = syntheticData(ir.data.shape, 100, Math.ceil(cfg.points / 100));
  iwaeNll(model, ds, { k: cfg.k, points: 100, batch: 100, seed: 2 }); // warm-up: XNNPACK packs the weights once
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = iwaeNll(model, ds, { k: cfg.k, points: cfg.points, batch: 100, seed: 1 });
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  model.dispose();
  return { framework: "tfjs", backend: info.name, threads: cfg.threads, detail: info.detail, points: cfg.points, k: cfg.k,
    wall_s: Math.round(wall * 1000) / 1000, cpu_s: Math.round((c.user + c.system) / 1000) / 1000, nll: Math.round(r.nll * 1000) / 1000,
    tensors_left: tf.memory().numTensors };
}

export interface IwaeResult {
  framework: "tfjs" | "pytorch";
  label: string;
  threads: number;
  wall_s: number | null;
  cpu_s?: number;
  nll?: number;
  detail: string;
  error?: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));

function lastJson(out: string | null): Record<string, unknown> | null {
  const line = (out ?? "").trim().split("\n").reverse().find((l) => l.startsWith("{"));
  return line ? (JSON.parse(line) as Record<string, unknown>) : null;
}

/** Ours in a child process (its own backend and thread count). */
export function runIwaeIsolated(cfg: IwaeConfig): IwaeResult {
  const args = ["--import", "tsx", path.join(here, "iwae.ts"), "--points", String(cfg.points), "--k", String(cfg.k), "--backend", cfg.backend, "--threads", String(cfg.threads), ...(cfg.matmul ? ["--matmul", cfg.matmul] : [])];
  const p = spawnSync(process.execPath, args, { cwd: path.resolve(here, ".."), encoding: "utf8", timeout: 1_800_000 });
  const label = `tfjs ${cfg.backend}${cfg.backend === "wasm" ? ` ${cfg.threads}t` : ""}${cfg.matmul === "openblas" ? " + openblas" : ""}`;
  const j = lastJson(p.stdout);
  if (!j) return { framework: "tfjs", label, threads: cfg.threads, wall_s: null, detail: "", error: (p.stderr ?? String(p.error)).trim().split("\n").slice(-1)[0] ?? "" };
  return { framework: "tfjs", label, threads: cfg.threads, wall_s: j.wall_s as number, cpu_s: j.cpu_s as number, nll: j.nll as number, detail: String(j.detail) };
}

/** bench/torch-iwae-cpu.py with `threads` threads (BLAS pinned to as many); null when torch is missing. */
export function runTorchIwae(cfg: Omit<IwaeConfig, "backend">): IwaeResult | null {
  const script = path.join(here, "torch-iwae-cpu.py");
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(cfg.threads), OMP_NUM_THREADS: String(cfg.threads) };
  const p = spawnSync("/usr/bin/python3", [script, String(cfg.points), String(cfg.k), String(cfg.threads)], { encoding: "utf8", timeout: 1_800_000, env });
  if (p.status !== 0 && /No module named 'torch'|ENOENT/.test((p.stderr ?? "") + String(p.error ?? ""))) return null;
  const label = `pytorch ${cfg.threads}t`;
  const j = lastJson(p.stdout);
  if (!j) return { framework: "pytorch", label, threads: cfg.threads, wall_s: null, detail: "", error: (p.stderr ?? "").trim().split("\n").slice(-1)[0] ?? "" };
  return { framework: "pytorch", label, threads: cfg.threads, wall_s: j.wall_s as number, cpu_s: j.cpu_s as number, nll: j.nll as number,
    detail: `torch ${j.version}, \`OPENBLAS_NUM_THREADS=${cfg.threads} /usr/bin/python3 bench/torch-iwae-cpu.py ${cfg.points} ${cfg.k} ${cfg.threads}\`` };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const a = process.argv.slice(2);
  const flag = (n: string, d: string) => (a.includes(n) ? a[a.indexOf(n) + 1]! : d);
  const res = await runIwae({ points: Number(flag("--points", "2000")), k: Number(flag("--k", "500")),
    backend: flag("--backend", "wasm") as "wasm" | "cpu", threads: Number(flag("--threads", "1")), matmul: flag("--matmul", "xnnpack") as MatmulName });
  process.stdout.write(JSON.stringify(res) + "\n");
}
