// Adaptive variance clipping of a learned mixture's modes (Athanasiadis et al. 2025, after Chang et
// al.'s soft clip; their code, athaioan/intro_prior, `get_prior_params`). With the range [lo, hi] the
// modes' log-variances spanned when the introspective game began, each log-variance v becomes
//   v − softplus_β(v − hi) + softplus_β(lo − v),   softplus_β(u) = log(1 + exp(β·u)) / β,
//   β = 10 / (|hi − lo| + 1e-8),
// a smooth clamp to [lo, hi] whose sharpness adapts to the range; when lo = hi, v becomes hi.
// Their modes have a log-variance per coordinate and a range per coordinate; ours are isotropic (one
// log σ per mode, runtime/priors/mog.ts), so the range is one pair over the modes.
// The state [on, lo, hi] is ModelIR state (checkpointed, never trained): off (on = 0) it is the identity.
import * as tf from "@tensorflow/tfjs";

const softplusBeta = (u: tf.Tensor, beta: tf.Tensor): tf.Tensor => tf.div(tf.softplus(tf.mul(u, beta)), beta);

/** The clipped log-variances (any shape) under the clip state [on, lo, hi]. */
export function clipLogvar(v: tf.Tensor, clip: tf.Tensor1D): tf.Tensor {
  return tf.tidy(() => {
    const [on, lo, hi] = tf.unstack(clip) as [tf.Scalar, tf.Scalar, tf.Scalar];
    const beta = tf.div(10, tf.add(tf.abs(tf.sub(hi, lo)), 1e-8));
    const soft = tf.add(tf.sub(v, softplusBeta(tf.sub(v, hi), beta)), softplusBeta(tf.sub(lo, v), beta));
    const clipped = tf.where(tf.broadcastTo(tf.equal(hi, lo), v.shape), tf.broadcastTo(hi, v.shape), soft);
    return tf.where(tf.broadcastTo(tf.greater(on, 0.5), v.shape), clipped, v);
  });
}

/** The state that switches the clip on with the range of `v` (the modes' current log-variances). */
export function clipRangeOf(v: ArrayLike<number>): [number, number, number] {
  const a = Array.from(v);
  return [1, Math.min(...a), Math.max(...a)];
}
