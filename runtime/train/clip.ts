// Global gradient-norm clipping (as torch.nn.utils.clip_grad_norm_): when ‖g‖ over all gradients
// together exceeds `maxNorm`, every gradient is scaled by maxNorm/‖g‖.
import * as tf from "@tensorflow/tfjs";

const FLOOR = Math.fround(1e-30);

/**
 * ‖g‖ over all `grads`. Computed as m·‖g/m‖ with m = max|g|, so that gradients whose squares
 * overflow float32 (|g| > ~1e19) still give a finite norm; NaN or ±Inf anywhere gives a
 * non-finite result (NaN propagates through the sum and tf.max).
 */
export function globalNorm(grads: readonly tf.Tensor[]): number {
  if (grads.length === 0) return 0;
  const [m, scaled] = tf.tidy(() => {
    const m = tf.max(tf.stack(grads.map((g) => tf.max(tf.abs(g)))));
    // m = 0 (all gradients zero) must not divide by zero: any tiny floor gives g/floor = 0.
    const d = tf.maximum(m, FLOOR);
    const sq = tf.addN(grads.map((g) => tf.sum(tf.square(tf.div(g, d)))));
    return Array.from(tf.stack([m, tf.sqrt(sq)]).dataSync());
  }) as [number, number];
  if (Number.isNaN(m) || m === Infinity) return m;
  if (!Number.isFinite(scaled)) return NaN; // a NaN that tf.max skipped (backends differ)
  return m === 0 ? 0 : Math.max(m, FLOOR) * scaled;
}

/**
 * Scales `grads` so that their global norm is at most `maxNorm`: new tensors when scaled (the inputs
 * are not disposed), the same ones when within the bound or when the norm is not finite — the
 * caller must check `norm` and refuse such a step rather than write NaN into every weight.
 */
export function clipByGlobalNorm(grads: readonly tf.Tensor[], maxNorm: number): { grads: tf.Tensor[]; norm: number } {
  const norm = globalNorm(grads);
  if (!Number.isFinite(norm) || norm <= maxNorm) return { grads: grads.slice(), norm };
  const scale = maxNorm / norm;
  return { grads: grads.map((g) => tf.mul(g, scale)), norm };
}
