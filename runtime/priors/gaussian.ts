// Shared pieces: log-densities of diagonal Gaussians and the Monte Carlo KL for priors without an
// analytic one, written with ε so that log q(y|x) is exact (no division by σ).
import * as tf from "@tensorflow/tfjs";
import type { DrawOptions, Posterior, Prior } from "./prior";

export const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** y = μ + σ·ε (rows of q and eps aligned). */
export function reparamRows(q: Posterior, eps: tf.Tensor2D): tf.Tensor2D {
  return tf.add(q.mean, tf.mul(tf.exp(tf.mul(q.logvar, 0.5)), eps));
}

/** log q(y|x) per row for y = μ + σ·ε: Σ −½ε² − ½ log σ² − ½ log 2π. */
export function logQ(eps: tf.Tensor2D, logvar: tf.Tensor2D): tf.Tensor1D {
  return tf.sub(tf.mul(tf.sum(tf.add(tf.square(eps), logvar), -1), -0.5), HALF_LOG_2PI * eps.shape[1]) as tf.Tensor1D;
}

/**
 * log Σ_k w_k N(y; m_k, diag e^{2·logSd_k}) per row of y [N, D]: means [K, D], logSd [K, D] (or
 * broadcastable, e.g. [K, 1]), logW [K] normalised log-weights.
 */
export function logMixture(y: tf.Tensor2D, means: tf.Tensor2D, logSd: tf.Tensor, logW: tf.Tensor1D): tf.Tensor1D {
  const d = y.shape[1];
  const k = means.shape[0];
  const lsd = tf.broadcastTo(logSd, [k, d]);
  const r = tf.mul(tf.sub(tf.expandDims(y, 1), tf.expandDims(means, 0)), tf.expandDims(tf.exp(tf.neg(lsd)), 0)); // [N, K, D]
  const comp = tf.sub(tf.mul(tf.sum(tf.square(r), -1), -0.5), tf.add(tf.sum(lsd, -1), HALF_LOG_2PI * d)); // [N, K]
  return tf.logSumExp(tf.add(comp, logW), 1) as tf.Tensor1D;
}

/** A prior with a density and a Gaussian q: single-sample Monte Carlo KL on the reparameterised y. */
export abstract class MonteCarloPrior implements Prior {
  abstract readonly kind: string;
  readonly heads = 2 as const;
  abstract logDensity(y: tf.Tensor2D): tf.Tensor1D;
  abstract sample(n: number, seed: number): tf.Tensor2D;

  elbo(q: Posterior, eps: tf.Tensor2D, _o: DrawOptions): { y: tf.Tensor2D; kl: tf.Tensor1D } {
    const y = reparamRows(q, eps);
    return { y, kl: tf.sub(logQ(eps, q.logvar), this.logDensity(y)) };
  }

  importance(q: Posterior, eps: tf.Tensor2D, _o: DrawOptions): { y: tf.Tensor2D; logRatio: tf.Tensor1D } {
    const y = reparamRows(q, eps);
    return { y, logRatio: tf.sub(this.logDensity(y), logQ(eps, q.logvar)) };
  }
}
