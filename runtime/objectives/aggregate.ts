// The aggregate posterior q(y) = (1/N) Σₙ q(y | xₙ) of the training set, estimated on a minibatch of
// M of its N points (Chen et al. 2018, "Isolating Sources of Disentanglement in VAEs"), and the
// decomposition of the KL term it gives (docs/language.md, "Total correlation"):
//   E_x KL(q(y|x) ‖ p(y)) = I(x; y) + TC(q(y)) + Σ_d KL(q(y_d) ‖ p(y_d))
//   index-code MI = E log q(y|x) − log q(y);  TC = E log q(y) − Σ_d log q(y_d);
//   dimension-wise KL = E Σ_d log q(y_d) − log p(y),
// each an average over the batch's samples y_i ~ q(y | x_i). The three telescope: per sample they sum
// to log q(y_i|x_i) − log p(y_i), a one-sample Monte Carlo KL. Grouped TC (β-STCVAE's granularity)
// replaces the per-dimension marginals by those of groups of dimensions: E log q(y) − Σ_g log q(y_g),
// the dependence between groups, none of that within them. Densities are on y, p(y) = N(0, I).
import * as tf from "@tensorflow/tfjs";
import { gatherAxis } from "../ops/gather";

export type Sampling = "mws" | "mss";

export interface AggregateOptions {
  /** N, the size of the data set the batch was drawn from */
  datasetSize: number;
  /**
   * "mws": minibatch-weighted sampling as published, q(y_i) ≈ (1/(N·M)) Σ_j q(y_i | x_j); its log
   * densities are biased by up to log N each (so TC by (D − 1)·log N) where the posteriors overlap.
   * "mss": stratified, q(y_i) ≈ (1/N) q(y_i | x_i) + (N − 1)/(N·(M − 1)) Σ_{j≠i} q(y_i | x_j), an
   * unbiased estimate of q(y_i) when the other M − 1 points are drawn from the other N − 1.
   */
  sampling: Sampling;
  /** groups of coordinates of y for the grouped TC; null: none */
  groups: readonly (readonly number[])[] | null;
}

export interface AggregateTerms {
  /** index-code mutual information I(x; y) */
  mi: tf.Scalar;
  /** total correlation of q(y) */
  tc: tf.Scalar;
  /** Σ_d KL(q(y_d) ‖ p(y_d)) */
  dimKl: tf.Scalar;
  /** KL(q(y) ‖ Π_g q(y_g)), with groups */
  tcGroups?: tf.Scalar;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** log N(y_i,d; μ_j,d, σ²_j,d) for every pair (i, j): [M, M, D]. */
export function pairwiseLogDensity(y: tf.Tensor2D, mean: tf.Tensor2D, logvar: tf.Tensor2D): tf.Tensor3D {
  const diff = tf.sub(tf.expandDims(y, 1), tf.expandDims(mean, 0)); // [i, j, d]
  const lv = tf.expandDims(logvar, 0);
  return tf.mul(tf.add(tf.add(tf.mul(tf.square(diff), tf.exp(tf.neg(lv))), lv), LOG_2PI), -0.5) as tf.Tensor3D;
}

/** log of the weight of pair (i, j) in the estimate of q(y_i): [M, M]. */
export function logWeights(m: number, n: number, sampling: Sampling): tf.Tensor2D {
  if (!(Number.isFinite(n) && n >= m && m >= 1)) throw new Error(`the aggregate posterior needs a data set of N ≥ M = ${m} points, got N = ${n}`);
  if (sampling === "mws" || m === 1) return tf.fill([m, m], -Math.log(n * m)) as tf.Tensor2D;
  const self = -Math.log(n);
  const other = Math.log((n - 1) / (n * (m - 1)));
  const eye = tf.eye(m);
  return tf.add(tf.mul(eye, self - other), other) as tf.Tensor2D;
}

/** log q(y_i) of the coordinates in `cols` (all when null), [M], from pairwise densities [M, M, D]. */
function logMarginal(lp: tf.Tensor3D, lw: tf.Tensor2D, cols: readonly number[] | null): tf.Tensor1D {
  const part = cols === null ? lp : gatherAxis(lp, 2, cols); // tf.gather has no gradient on wasm
  return tf.logSumExp(tf.add(tf.sum(part, 2), lw), 1) as tf.Tensor1D;
}

/**
 * The decomposition's terms on a batch: y [M, D] with y_i ~ q(y | x_i) = N(mean_i, diag e^{logvar_i}).
 * Differentiable in y, mean and logvar (y's reparameterisation carries the gradient to the encoder).
 */
export function aggregateTerms(y: tf.Tensor2D, mean: tf.Tensor2D, logvar: tf.Tensor2D, o: AggregateOptions): AggregateTerms {
  const [m, d] = y.shape;
  const lp = pairwiseLogDensity(y, mean, logvar);
  const lw = logWeights(m, o.datasetSize, o.sampling);
  // log q(y_i | x_i): the diagonal of the pairwise densities
  const logQyx = tf.sum(tf.mul(lp, tf.expandDims(tf.eye(m), 2)), [1, 2]) as tf.Tensor1D;
  const logQy = logMarginal(lp, lw, null);
  // Σ_d log q(y_i,d): logsumexp over j of each coordinate separately
  const logProd = tf.sum(tf.logSumExp(tf.add(lp, tf.expandDims(lw, 2)), 1), 1) as tf.Tensor1D;
  const logPy = tf.mul(tf.add(tf.sum(tf.square(y), 1), d * LOG_2PI), -0.5) as tf.Tensor1D;
  const out: AggregateTerms = {
    mi: tf.mean(tf.sub(logQyx, logQy)) as tf.Scalar,
    tc: tf.mean(tf.sub(logQy, logProd)) as tf.Scalar,
    dimKl: tf.mean(tf.sub(logProd, logPy)) as tf.Scalar,
  };
  if (o.groups) {
    const groups = o.groups.map((g) => logMarginal(lp, lw, g));
    out.tcGroups = tf.mean(tf.sub(logQy, groups.length === 1 ? groups[0]! : tf.addN(groups))) as tf.Scalar;
  }
  return out;
}
