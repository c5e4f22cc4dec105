import * as tf from "@tensorflow/tfjs";
import os from "node:os";
import { describe, expect, it } from "vitest";
import { BackendUnavailableError, defaultWasmThreads, selectBackend } from "../../runtime/backend/select";
import { installed } from "../installed";


describe("selectBackend", () => {
  it("selects cpu and wasm and reports what it chose", async () => {
    const handlers = () => process.listenerCount("uncaughtException") + process.listenerCount("unhandledRejection");
    const before = handlers();
    const cpu = await selectBackend("cpu");
    expect(cpu).toMatchObject({ name: "cpu", tfjsVersion: tf.version_core });
    expect(tf.getBackend()).toBe("cpu");
    const wasm = await selectBackend("wasm", { wasmThreads: 1 });
    expect(wasm.name).toBe("wasm");
    expect(wasm.detail).toMatch(/tfjs-backend-wasm (simd|plain), 1 thread/);
    expect(tf.getBackend()).toBe("wasm");
    expect(handlers(), "Emscripten's process handlers were left installed").toBe(before);
    expect(Array.from(tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync())).toEqual([11]);
    // Switching back and forth keeps the same wasm module.
    await selectBackend("cpu");
    expect((await selectBackend("wasm", { wasmThreads: 1 })).detail).toBe(wasm.detail);
  });

  it.skipIf(installed("@tensorflow/tfjs-node-gpu"))("explains how to get tensorflow-gpu", async () => {
    const err = await selectBackend("tensorflow-gpu").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/tensorflow-gpu/);
    expect(msg).toMatch(/npm install @tensorflow\/tfjs-node-gpu/);
    expect(msg).toMatch(/libtensorflow/);
  });

  it.skipIf(installed("@tensorflow/tfjs-node"))("explains how to get tensorflow", async () => {
    const err = await selectBackend("tensorflow").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toMatch(/npm install @tensorflow\/tfjs-node@/);
  });

  it.skipIf(installed("@tensorflow/tfjs-node") || installed("@tensorflow/tfjs-node-gpu"))(
    "auto falls through to wasm and says why",
    async () => {
      const info = await selectBackend("auto", { wasmThreads: 1 });
      expect(info.name).toBe("wasm");
      expect(info.detail).toMatch(/skipped: tensorflow-gpu: .*not installed; tensorflow: .*not installed/);
    },
  );

  it("takes the default wasm thread count from INTEL_WASM_THREADS, else from the machine", () => {
    const saved = process.env.INTEL_WASM_THREADS;
    try {
      process.env.INTEL_WASM_THREADS = "3";
      expect(defaultWasmThreads()).toBe(3);
      delete process.env.INTEL_WASM_THREADS;
      expect([1, os.availableParallelism()]).toContain(defaultWasmThreads());
    } finally {
      if (saved === undefined) delete process.env.INTEL_WASM_THREADS;
      else process.env.INTEL_WASM_THREADS = saved;
    }
  });

  it("rejects unknown names", async () => {
    await expect(selectBackend("webgl" as never)).rejects.toThrow(/unknown backend 'webgl' \(expected auto, tensorflow-gpu, tensorflow, webgpu, wasm, cpu\)/);
  });
});
