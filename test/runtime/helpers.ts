// Shared numerics for the runtime op tests (not a test file itself).
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../../runtime/backend/select";

/** Switches backend; wasm single-threaded (deterministic, starts fastest). */
export async function use(name: "cpu" | "wasm"): Promise<void> {
  await selectBackend(name, { wasmThreads: 1 });
}

export function seeded(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.mul(tf.randomNormal(shape, 0, 1, "float32", seed), scale);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Largest |a − b| relative to the largest |b| (scale-free comparison of float32 results). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 1e-12;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  return maxAbsDiff(a, b) / scale;
}

export function values(t: tf.Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

/**
 * Central finite differences of a scalar function, every element of input `which`, with the
 * function evaluated in float32 by tfjs; accumulation of f in float64 is up to f.
 */
export function finiteDiff(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], which: number, h: number): Float64Array {
  const base = Float32Array.from(values(inputs[which]!));
  const shape = inputs[which]!.shape;
  const out = new Float64Array(base.length);
  const at = (i: number, delta: number) => {
    const p = Float32Array.from(base);
    p[i] = p[i]! + delta;
    return tf.tidy(() => {
      const xs = inputs.slice();
      xs[which] = tf.tensor(p, shape);
      return f(...xs).dataSync()[0]!;
    });
  };
  for (let i = 0; i < base.length; i++) out[i] = (at(i, h) - at(i, -h)) / (2 * h);
  return out;
}

/** Gradients of f w.r.t. every input, as arrays. */
export function gradsOf(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): Float32Array[] {
  return tf.tidy(() => tf.grads(f)(inputs)).map((g) => {
    const v = Float32Array.from(values(g));
    g.dispose();
    return v;
  });
}

/** ⟨y, r⟩ for a fixed random r: a linear read-out whose gradient is r, summed in float32. */
export function readout(y: tf.Tensor, r: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(y, r));
}
