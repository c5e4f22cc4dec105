// The threaded wasm build (own file: the wasm module is created once per process).
import * as tf from "@tensorflow/tfjs";
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../runtime/backend/select";
import { dense } from "../../runtime/ops/dense";
import { seeded, values } from "./helpers";

const root = path.resolve(import.meta.dirname, "../..");

describe("wasm with threads", () => {
  it("starts with one thread per core and computes what cpu computes", async () => {
    const cores = Math.min(os.availableParallelism(), 8);
    const info = await selectBackend("wasm", { wasmThreads: 2 });
    expect(info.name).toBe("wasm");
    if (cores >= 2) expect(info.detail).toMatch(/threaded-simd, 2 threads$/);
    const run = () => {
      const x = seeded([64, 96], 1) as tf.Tensor2D;
      const w = seeded([96, 80], 2, 0.1) as tf.Tensor2D;
      return Float32Array.from(values(tf.tidy(() => tf.grad((ww: tf.Tensor) => tf.sum(dense(x, ww as tf.Tensor2D, null, { impl: "custom" })))(w))));
    };
    const got = run();
    await selectBackend("cpu");
    const ref = run();
    let err = 0;
    for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs(got[i]! - ref[i]!));
    expect(err).toBeLessThan(1e-4);
  });

  it("does not keep the process alive", () => {
    // tsx -e compiles to CommonJS: no top-level await.
    const code = `import { selectBackend } from "./runtime/backend/select";
      import * as tf from "@tensorflow/tfjs";
      void (async () => {
        const info = await selectBackend("wasm", { wasmThreads: 2 });
        tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])).dataSync();
        console.log(info.detail);
      })();`;
    const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
    const p = spawnSync(process.execPath, [tsx, "-e", code], { cwd: root, encoding: "utf8", timeout: 30_000 });
    expect(p.error, "the process did not exit on its own").toBeUndefined();
    expect(p.status).toBe(0);
    expect(p.stdout).toMatch(/tfjs-backend-wasm/);
  });
});
