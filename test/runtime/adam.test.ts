import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../runtime/backend/select";
import type { KernelRoutes } from "../../runtime/backend/routes";
import { Adam } from "../../runtime/ops/adam";
import { adamKernelFor, type WasmMemory } from "../../runtime/ops/adam_kernel";
import { maxAbsDiff, relErr, seeded, use, values } from "./helpers";

const SHAPES = [[7, 5], [5], [3, 2, 4]];

// A few steps of Adam on a fixed quadratic, with gradients from tfjs.
function train(opt: "ours" | "tfjs", steps: number): Float32Array[] {
  const vars = SHAPES.map((s, i) => tf.variable(seeded(s, 10 + i)));
  const targets = SHAPES.map((s, i) => seeded(s, 20 + i));
  const ours = new Adam({ lr: 0.05 });
  const theirs = tf.train.adam(0.05, 0.9, 0.999, 1e-8);
  for (let t = 0; t < steps; t++) {
    tf.tidy(() => {
      const { grads } = tf.variableGrads(
        () => tf.addN(vars.map((v, i) => tf.sum(tf.mul(tf.square(tf.sub(v, targets[i]!)), i + 1)))) as tf.Scalar,
        vars,
      );
      if (opt === "ours") ours.apply(vars, grads);
      else theirs.applyGradients(grads as Parameters<typeof theirs.applyGradients>[0]);
    });
  }
  const out = vars.map((v) => Float32Array.from(values(v)));
  tf.dispose([...vars, ...targets]);
  ours.dispose();
  theirs.dispose();
  return out;
}

// The same problem with our Adam, `before(t)` awaited before step t (to switch backend or route).
async function trainOursWith(steps: number, before: (t: number) => Promise<void>): Promise<Float32Array[]> {
  const vars = SHAPES.map((s, i) => tf.variable(seeded(s, 10 + i)));
  const targets = SHAPES.map((s, i) => seeded(s, 20 + i));
  const ours = new Adam({ lr: 0.05 });
  for (let t = 0; t < steps; t++) {
    await before(t);
    tf.tidy(() => {
      const { grads } = tf.variableGrads(
        () => tf.addN(vars.map((v, i) => tf.sum(tf.mul(tf.square(tf.sub(v, targets[i]!)), i + 1)))) as tf.Scalar,
        vars,
      );
      ours.apply(vars, grads);
    });
  }
  const out = vars.map((v) => Float32Array.from(values(v)));
  tf.dispose([...vars, ...targets]);
  ours.dispose();
  return out;
}

describe("Adam", () => {
  it("follows tf.train.adam (same formula as PyTorch) on cpu and wasm", async () => {
    await use("cpu");
    const ref = train("tfjs", 6);
    const cpu = train("ours", 6);
    ref.forEach((r, i) => expect(relErr(cpu[i]!, r)).toBeLessThan(1e-5));
    await use("wasm");
    const wasm = train("ours", 6);
    ref.forEach((r, i) => expect(relErr(wasm[i]!, r)).toBeLessThan(1e-5));
  });

  it("each route (wasm heap, host loop, tfjs ops) follows tf.train.adam, also when the route changes mid-run", async () => {
    await use("cpu");
    const ref = train("tfjs", 6);
    const on = (backend: "cpu" | "wasm", adam?: KernelRoutes["adam"]) => () => selectBackend(backend, { wasmThreads: 1, routes: adam ? { adam } : {} }).then(() => undefined);
    const runs: [string, (t: number) => Promise<void>][] = [
      ["cpu host", on("cpu")],
      ["cpu ops", on("cpu", "ops")],
      ["wasm heap", on("wasm")],
      ["wasm host", on("wasm", "host")],
      ["wasm ops", on("wasm", "ops")],
      // the moments move heap → tensors → host arrays → heap → tensors → host (and between backends)
      ["every step another route", (t) => [on("wasm"), on("wasm", "ops"), on("cpu"), on("wasm"), on("cpu", "ops"), on("wasm", "host")][t]!()],
    ];
    for (const [name, before] of runs) {
      const got = await trainOursWith(6, before);
      ref.forEach((r, i) => expect(relErr(got[i]!, r), name).toBeLessThan(1e-5));
    }
    await use("cpu");
  });

  it("the SIMD kernel computes PyTorch's update on plain and shared memory", () => {
    for (const shared of [false, true]) {
      const WA = (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => WasmMemory } }).WebAssembly;
      const memory = new WA.Memory(shared ? { initial: 1, maximum: 65536, shared: true } : { initial: 1 });
      const kernel = adamKernelFor(memory);
      expect(kernel, `kernel for ${shared ? "shared" : "plain"} memory`).not.toBeNull();
      const n = 8;
      const f = new Float32Array(memory.buffer);
      const [w, g, m, v, out] = [0, 1, 2, 3, 4].map((k) => k * n); // element offsets
      for (let i = 0; i < n; i++) [f[w + i], f[g + i], f[m + i], f[v + i]] = [i - 3, 0.5 - i / 7, 0.1 * i, 0.01 * i];
      const expected = Array.from({ length: n }, (_, i) => {
        const mi = 0.9 * 0.1 * i + 0.1 * (0.5 - i / 7);
        const vi = 0.999 * 0.01 * i + 0.001 * (0.5 - i / 7) ** 2;
        return [mi, vi, i - 3 - (0.01 * mi) / (Math.sqrt(vi) * 1.5 + 1e-8)];
      });
      kernel!(w * 4, g * 4, m * 4, v * 4, out * 4, n * 4, 0.9, 0.999, 0.1, 0.001, 0.01, 1.5, 1e-8);
      for (let i = 0; i < n; i++) {
        const [mi, vi, oi] = expected[i]!;
        expect(f[m + i]).toBeCloseTo(mi!, 6);
        expect(f[v + i]).toBeCloseTo(vi!, 6);
        expect(f[out + i]).toBeCloseTo(oi!, 5);
      }
    }
  });

  it("replaces each weight with a new tensor and leaks nothing", async () => {
    await use("wasm");
    const v = tf.variable(seeded([4, 3], 1));
    const opt = new Adam({ lr: 0.1 });
    const g = seeded([4, 3], 2);
    const before = tf.memory().numTensors;
    const id0 = v.dataId;
    opt.apply([v], [g]);
    expect(v.dataId).not.toBe(id0); // no in-place write: wasm caches packed weights by tensor id
    expect(tf.memory().numTensors).toBe(before);
    expect(opt.step).toBe(1);
  });

  it("exports and restores its state exactly", async () => {
    await use("cpu");
    const run = (restoreAfter: number | null) => {
      const v = tf.variable(seeded([6], 3));
      let opt = new Adam({ lr: 0.1 });
      for (let t = 0; t < 5; t++) {
        if (t === restoreAfter) {
          const s = opt.exportState();
          opt = new Adam({ lr: 0.1 });
          opt.importState(s);
        }
        tf.tidy(() => opt.apply([v], tf.variableGrads(() => tf.sum(tf.square(tf.sub(v, 1))), [v]).grads));
      }
      return Float32Array.from(values(v));
    };
    expect(maxAbsDiff(run(3), run(null))).toBe(0);
  });

  it("rejects mismatched gradients and bad settings", async () => {
    await use("cpu");
    expect(() => new Adam({ lr: 0 })).toThrow(/lr/);
    const v = tf.variable(tf.zeros([3]));
    expect(() => new Adam({ lr: 0.1 }).apply([v], [tf.zeros([4])])).toThrow(/gradient/);
    expect(() => new Adam({ lr: 0.1 }).apply([v], {})).toThrow(/no gradient/);
  });
});
