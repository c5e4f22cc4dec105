// Where one training step's time goes: tf.profile over `intel train`'s step (bench/step.ts's
// interpreter stepper, the MLP VAE, batch 128), kernel time summed by kernel name, and the rest of
// the step's wall time (per-op tfjs bookkeeping, autodiff tape, JS glue, data upload) as "outside
// kernels". One backend per process, like the step benchmark.
//
//   npx tsx bench/profile.ts --backend wasm --threads 1 [--mapping sparse] [--arch conv] [--matmul openblas]
//   or  npm run bench -- --only profile
import * as tf from "@tensorflow/tfjs";
import os from "node:os";
import { selectBackend } from "../runtime/backend/select";
import type { MatmulName } from "../runtime/backend/native-blas";
import type { Arch, BenchMapping } from "./specs";
import { interpreterStepper, type StepConfig } from "./step";

export async function profileStep(backend: "wasm" | "cpu", threads: number, steps = 5, mapping: BenchMapping = "identity", arch: Arch = "mlp", matmul?: MatmulName): Promise<void> {
  const info = await selectBackend(backend, { wasmThreads: threads, matmul });
  const cfg: StepConfig = { arch, backend, threads, impl: "interpreter", batch: 128, latent: 50, warmup: arch === "mlp" ? 3 : 1, steps, mapping };
  const runner = interpreterStepper(cfg);
  for (let i = 0; i < cfg.warmup; i++) runner.step();
  const byKernel = new Map<string, { ms: number; calls: number }>();
  let wall = 0;
  let kernels = 0;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    const p = await tf.profile(() => void runner.step());
    wall += performance.now() - t0;
    for (const k of p.kernels) {
      const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
      // a custom op's scope (runtime/ops) holds kernels profiled on their own: not summed twice
      if (/scope/i.test(k.name)) continue;
      const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
      e.ms += ms;
      e.calls += 1;
      kernels += ms;
      byKernel.set(k.name, e);
    }
  }
  runner.dispose();
  console.log(`${arch === "mlp" ? "MLP" : "conv"} VAE step profile (${mapping} mapping), ${info.name} ${threads}t (${info.detail}), mean of ${steps} profiled steps (profiling adds its own overhead; load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")})`);
  console.log(`  wall ${(wall / steps).toFixed(1)} ms/step, in kernels ${(kernels / steps).toFixed(1)} ms, outside kernels ${((wall - kernels) / steps).toFixed(1)} ms, ${[...byKernel.values()].reduce((a, e) => a + e.calls, 0) / steps} kernel calls/step`);
  const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
  for (const [name, e] of rows.slice(0, 15)) {
    console.log(`  ${name.padEnd(24)} ${(e.ms / steps).toFixed(2).padStart(8)} ms  ${(e.calls / steps).toFixed(0).padStart(4)} calls  ${((100 * e.ms) / kernels).toFixed(1).padStart(5)} %`);
  }
}

if (process.argv[1]?.endsWith("profile.ts")) {
  const a = process.argv.slice(2);
  const flag = (name: string): string | undefined => (a.includes(name) ? a[a.indexOf(name) + 1] : undefined);
  const arch = (flag("--arch") ?? "mlp") as Arch;
  await profileStep((flag("--backend") ?? "wasm") as "wasm" | "cpu", Number(flag("--threads") ?? 1), arch === "mlp" ? 5 : 2, (flag("--mapping") ?? "identity") as BenchMapping, arch, flag("--matmul") as MatmulName | undefined);
}
