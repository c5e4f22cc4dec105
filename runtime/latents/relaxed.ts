// The math of categorical latents, on rows of G groups of K classes held flat ([N, G·K], group-major):
// Gumbel noise, the relaxed one-hot sample (concrete / Gumbel-softmax: Maddison et al. 2017, Jang et
// al. 2017), the hard sample (Gumbel-max: an exact draw from q), straight-through, the analytic KL
// and log q of a hard sample. runtime/latents/categorical.ts uses them as the prior of a OneHot latent.
import * as tf from "@tensorflow/tfjs";
import { stopGradient } from "../mapping/builtins";

/** u is kept in [U_MIN, 1 − U_MIN] so that −log(−log u) stays finite (float32: 1 − 1e-6 < 1). */
const U_MIN = 1e-6;

/** Gumbel(0, 1) noise [rows, dim]: −log(−log u), u ~ U(0, 1), reproducible from `seed`. */
export function gumbelNoise(rows: number, dim: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const u = tf.clipByValue(tf.randomUniform([rows, dim], 0, 1, "float32", seed), U_MIN, 1 - U_MIN);
    return tf.neg(tf.log(tf.neg(tf.log(u)))) as tf.Tensor2D;
  });
}

/** [N, G·K] → [N, G, K] */
const groupsOf = (t: tf.Tensor, k: number): tf.Tensor3D => tf.reshape(t, [t.shape[0]!, -1, k]) as tf.Tensor3D;
const flat = (t: tf.Tensor): tf.Tensor2D => tf.reshape(t, [t.shape[0]!, -1]) as tf.Tensor2D;

/** The relaxed one-hot sample softmax((logits + g) / τ) per group: [N, G·K], each group on the simplex. */
export function relaxedOneHot(logits: tf.Tensor2D, gumbel: tf.Tensor2D, tau: number, k: number): tf.Tensor2D {
  return flat(tf.softmax(groupsOf(tf.div(tf.add(logits, gumbel), tau), k)));
}

/**
 * The hard sample one_hot(argmax(logits + g)) per group: exactly distributed as q (Gumbel-max). Written
 * as "equals the group's max" (ties have probability 0): tf.oneHot with a float dtype gives all zeros
 * on the wasm backend (tfjs 4).
 */
export function hardOneHot(logits: tf.Tensor2D, gumbel: tf.Tensor2D, k: number): tf.Tensor2D {
  const s = groupsOf(tf.add(logits, gumbel), k);
  return flat(tf.cast(tf.equal(s, tf.max(s, -1, true)), "float32"));
}

/** Forward `hard`, backward `soft`'s gradient: hard + (soft − stop(soft)); soft − stop(soft) is exactly 0. */
export function straightThrough(hard: tf.Tensor2D, soft: tf.Tensor2D): tf.Tensor2D {
  return tf.add(hard, tf.sub(soft, stopGradient(soft))) as tf.Tensor2D;
}

/** log q(k) per class, normalised within each group: [N, G·K] */
export function logProbs(logits: tf.Tensor2D, k: number): tf.Tensor2D {
  return flat(tf.logSoftmax(groupsOf(logits, k)));
}

/**
 * KL(q ‖ p) = Σ_g Σ_k q_k (log q_k − log p_k) per row; `logPrior` normalised log-probabilities, [K]
 * (one prior for every row) or [N, G·K] (a stacked layer's p(c_l | c_{l+1}) of each row's parent).
 */
export function categoricalKl(logits: tf.Tensor2D, logPrior: tf.Tensor, k: number): tf.Tensor1D {
  const lq = groupsOf(logProbs(logits, k), k);
  return tf.sum(tf.mul(tf.exp(lq), tf.sub(lq, logPrior.rank === 1 ? logPrior : groupsOf(logPrior, k))), [1, 2]) as tf.Tensor1D;
}

/** Σ_g log p(c_g) for one-hot rows c [N, G·K] under per-class log-probabilities `logp` ([N, G·K] or [K]) */
export function logCategorical(c: tf.Tensor2D, logp: tf.Tensor, k: number): tf.Tensor1D {
  return tf.sum(tf.mul(groupsOf(c, k), logp.rank === 1 ? logp : groupsOf(logp, k)), [1, 2]) as tf.Tensor1D;
}

/** τ after a fraction `progress` of training: geometric from τ₀ to τ₁; τ₁ outside training. */
export function temperatureAt([t0, t1]: readonly [number, number], progress: number | undefined): number {
  if (progress === undefined) return t1;
  return t0 * Math.pow(t1 / t0, Math.min(1, Math.max(0, progress)));
}

/**
 * Relaxed-responsibility logits (Willetts et al. 2020): log π_k − ‖h_g − e_k‖² / (2σ²) per group,
 * from features h [N, G·E], a codebook e [K, E] and normalised log-weights logW [K]: [N, G·K].
 */
export function responsibilityLogits(h: tf.Tensor2D, codebook: tf.Tensor2D, logW: tf.Tensor1D, sigma: number): tf.Tensor2D {
  return withLogPrior(distanceScores(h, codebook, sigma), logW, codebook.shape[0]);
}

/** scores + log p per group: `logPrior` [K] (every row) or [N, G·K] (per row), scores [N, G·K]. */
export function withLogPrior(scores: tf.Tensor2D, logPrior: tf.Tensor, k: number): tf.Tensor2D {
  return flat(tf.add(logPrior.rank === 1 ? logPrior : groupsOf(logPrior, k), groupsOf(scores, k)));
}

/** The responsibilities' Gaussian part −‖h_g − e_k‖² / (2σ²) per group: h [N, G·E], e [K, E] → [N, G·K]. */
export function distanceScores(h: tf.Tensor2D, codebook: tf.Tensor2D, sigma: number): tf.Tensor2D {
  const [k, e] = codebook.shape;
  const hg = tf.reshape(h, [h.shape[0], -1, 1, e]); // [N, G, 1, E]
  const d2 = tf.sum(tf.square(tf.sub(hg, tf.reshape(codebook, [1, 1, k, e]))), -1); // [N, G, K]
  return flat(tf.div(d2, -2 * sigma * sigma));
}
