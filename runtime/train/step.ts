// Applying one player's gradients: every variable gets one (zeros where it had none), in a fixed
// order (tfjs optimizers index their slots by position), clipped to a global norm when asked.
import * as tf from "@tensorflow/tfjs";
import { clipByGlobalNorm } from "./clip";
import type { TermValues } from "./divergence";

/** A step's terms, and the global gradient norm before clipping (only when clipping). */
export type StepValues = TermValues & { gradNorm?: number };

/**
 * Applies `grads` to `vars` and disposes them; returns the global norm before clipping (null without
 * clipping). A non-finite norm (NaN or ±Inf in a gradient) leaves the weights untouched.
 */
export function applyGradients(optimizer: tf.Optimizer, vars: readonly tf.Variable[], grads: tf.NamedTensorMap, clipNorm: number | null): number | null {
  const named = vars.map((v) => ({ name: v.name, tensor: grads[v.name] ?? tf.zerosLike(v) }));
  try {
    if (clipNorm === null) {
      optimizer.applyGradients(named);
      return null;
    }
    const clipped = clipByGlobalNorm(named.map((n) => n.tensor), clipNorm);
    if (Number.isFinite(clipped.norm)) optimizer.applyGradients(named.map((n, i) => ({ name: n.name, tensor: clipped.grads[i]! })));
    tf.dispose(clipped.grads.filter((g, i) => g !== named[i]!.tensor));
    return clipped.norm;
  } finally {
    tf.dispose(named.map((n) => n.tensor));
  }
}
