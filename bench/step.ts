// Training-step benchmark: one configuration per process (the wasm thread count is fixed when the
// backend starts), and a driver that runs every configuration plus the PyTorch reference.
//
//   npx tsx bench/step.ts --arch mlp --backend wasm --threads 1       one configuration, JSON out
//   npx tsx bench/run.ts                                              everything (see run.ts)
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { selectBackend, type BackendName } from "../runtime/backend/select";
import { buildVae, type Arch, type Impl } from "./vae_models";

export interface StepConfig {
  arch: Arch;
  backend: Exclude<BackendName, "auto">;
  threads: number;
  impl: Impl;
  batch: number;
  latent: number;
  warmup: number;
  steps: number;
}

export interface StepResult {
  framework: "tfjs" | "pytorch";
  arch: Arch;
  label: string;
  detail: string;
  ms_median: number | null;
  ms_min?: number;
  ms_mean?: number;
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

/** Runs in this process. The backend must not have been selected differently before. */
export async function runStep(cfg: StepConfig): Promise<StepResult> {
  const label = `tfjs ${cfg.backend}${cfg.backend === "wasm" ? ` ${cfg.threads}t` : ""}${cfg.impl === "tfjs" ? " stock-ops" : ""}`;
  const info = await selectBackend(cfg.backend, { wasmThreads: cfg.threads });
  const vae = buildVae({ arch: cfg.arch, impl: cfg.impl, batch: cfg.batch, latent: cfg.latent, seed: 1 });
  try {
    for (let i = 0; i < cfg.warmup; i++) vae.step();
    const ts: number[] = [];
    let loss = NaN;
    for (let i = 0; i < cfg.steps; i++) {
      const t0 = performance.now();
      loss = vae.step();
      ts.push(performance.now() - t0);
    }
    return {
      framework: "tfjs", arch: cfg.arch, label, detail: info.detail,
      ms_median: r3(median(ts)), ms_min: r3(Math.min(...ts)), ms_mean: r3(ts.reduce((a, b) => a + b, 0) / ts.length),
      final_loss: r3(loss),
    };
  } catch (e) {
    return { framework: "tfjs", arch: cfg.arch, label, detail: info.detail, ms_median: null, error: String(e).split("\n")[0] };
  } finally {
    vae.dispose();
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
  return { framework: "tfjs", arch: cfg.arch, label: `tfjs ${cfg.backend}`, detail: "", ms_median: null, error: why };
}

/**
 * The PyTorch reference (../shared/reference/torch_vae.py), run `repeats` times; it reports the
 * mean ms/step of its timed steps, we report the median of those means. Null if torch is missing.
 */
export function runTorch(arch: Arch, batch: number, latent: number, steps: number, threads: number, repeats: number): StepResult | null {
  const script = path.resolve(repoRoot, "..", "shared", "reference", "torch_vae.py");
  const label = `pytorch ${threads}t`;
  if (!fs.existsSync(script)) {
    return { framework: "pytorch", arch, label, detail: `${script} not found`, ms_median: null, error: "reference script missing" };
  }
  const args = [script, "--arch", arch, "--batch", String(batch), "--latent", String(latent), "--steps", String(steps), "--threads", String(threads)];
  const means: number[] = [];
  let last: Record<string, unknown> = {};
  for (let i = 0; i < repeats; i++) {
    const p = spawnSync("/usr/bin/python3", args, { encoding: "utf8", timeout: 900_000 });
    if (p.status !== 0) {
      const err = (p.stderr ?? "") + String(p.error ?? "");
      if (/No module named 'torch'|ENOENT/.test(err)) return null;
      return { framework: "pytorch", arch, label, detail: "", ms_median: null, error: err.trim().split("\n").slice(-1)[0] };
    }
    last = JSON.parse(p.stdout.trim().split("\n").slice(-1)[0]!) as Record<string, unknown>;
    means.push(last.ms_per_step as number);
  }
  return {
    framework: "pytorch", arch, label,
    detail: `torch ${last.version}, \`/usr/bin/python3 ${path.relative(repoRoot, script)} ${args.slice(1).join(" ")}\` ×${repeats}`,
    ms_median: r3(median(means)), ms_min: r3(Math.min(...means)), final_loss: last.final_loss as number,
  };
}

function parseArgs(argv: string[]): StepConfig {
  const cfg: StepConfig = { arch: "mlp", backend: "wasm", threads: 1, impl: "fast", batch: 128, latent: 50, warmup: 5, steps: 30 };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i]!.replace(/^--/, ""), argv[i + 1]!];
    if (k === "json") return { ...cfg, ...(JSON.parse(v) as Partial<StepConfig>) };
    if (k === "arch") cfg.arch = v as Arch;
    else if (k === "backend") cfg.backend = v as StepConfig["backend"];
    else if (k === "impl") cfg.impl = v as Impl;
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
