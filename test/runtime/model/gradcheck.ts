// Central finite differences against tfjs autodiff, float32-aware.
import * as tf from "@tensorflow/tfjs";
import { selectBackend, type BackendName } from "../../../runtime/backend/select";

/** cpu unless INTEL_TEST_BACKEND names another (e.g. wasm, to catch kernels missing there). */
export async function useTestBackend(): Promise<void> {
  await selectBackend((process.env.INTEL_TEST_BACKEND ?? "cpu") as BackendName, { wasmThreads: 1 });
}

export interface GradCheckOptions {
  /** step; float32 loses ~7 digits, so the step is large and the truncation error h² small */
  h?: number;
  atol?: number;
  rtol?: number;
  /** which flat entries of each variable to perturb (default all) */
  entries?: (v: tf.Variable) => number[];
}

export interface Mismatch {
  variable: string;
  entry: number;
  autodiff: number;
  numeric: number;
}

const value = (f: () => tf.Scalar): number => tf.tidy(() => f().dataSync()[0]!);

/** Perturbs each chosen entry by ±h and compares (f(+h) − f(−h)) / 2h with autodiff. */
export function gradCheck(f: () => tf.Scalar, vars: tf.Variable[], o: GradCheckOptions = {}): { mismatches: Mismatch[]; checked: number; maxAbs: number } {
  const h = o.h ?? 1e-2;
  const atol = o.atol ?? 2e-3;
  const rtol = o.rtol ?? 1e-2;
  const ad = tf.tidy(() => {
    const { grads } = tf.variableGrads(f, vars);
    return vars.map((v) => (grads[v.name] ? grads[v.name]!.dataSync().slice() : new Float32Array(v.size)));
  });
  const mismatches: Mismatch[] = [];
  let checked = 0;
  let maxAbs = 0;
  vars.forEach((v, vi) => {
    const base = v.dataSync().slice();
    const entries = (o.entries ? o.entries(v) : Array.from({ length: v.size }, (_, i) => i)).filter((i) => i < v.size);
    for (const i of entries) {
      const at = (d: number) => {
        const p = base.slice();
        p[i] = base[i]! + d;
        tf.tidy(() => v.assign(tf.tensor(p, v.shape)));
        return value(f);
      };
      const numeric = (at(h) - at(-h)) / (2 * h);
      const a = ad[vi]![i]!;
      checked++;
      if (!Number.isFinite(a)) mismatches.push({ variable: v.name, entry: i, autodiff: a, numeric });
      const err = Math.abs(a - numeric);
      maxAbs = Math.max(maxAbs, err);
      if (err > atol + rtol * Math.max(Math.abs(a), Math.abs(numeric))) mismatches.push({ variable: v.name, entry: i, autodiff: a, numeric });
    }
    tf.tidy(() => v.assign(tf.tensor(base, v.shape)));
  });
  return { mismatches, checked, maxAbs };
}

/** deterministic pseudo-random numbers in [0, 1) (mulberry32), so failures reproduce */
export { mulberry32 as rng } from "../../../runtime/random/seeds";

/** n values uniform in ±[lo, hi] (magnitudes away from 0, for ops with a kink there). */
export function awayFromZero(r: () => number, n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, () => (r() < 0.5 ? -1 : 1) * (lo + (hi - lo) * r()));
}
