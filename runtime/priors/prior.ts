// The interface every non-normal prior on the intermediary y implements. N(0, I) has no Prior object:
// the objectives keep their own analytic path for it, so the InteL-VAE numerics never change.
import type * as tf from "@tensorflow/tfjs";

/** q(y|x) as the encoder gives it, rows aligned with y; `logits` for spike-and-slab (spike logits) and
 *  the categorical prior (class logits; its mean and logvar are then q's probabilities and variances). */
export interface Posterior {
  mean: tf.Tensor2D;
  logvar: tf.Tensor2D;
  /** spike logits: γ = sigmoid(logits) is the probability that a coordinate is active */
  logits?: tf.Tensor2D;
  /** an amortised encoder flow's parameters per datapoint (runtime/objectives/q-flow-amortised.ts) */
  flow?: tf.Tensor2D;
}

export interface DrawOptions {
  /** the call's noise seed (StageSeeds.call): extra noise (spike selection) derives from it */
  seed: number;
  /** the IWAE chunk, so every chunk draws fresh selection noise */
  chunk: number;
  /** fraction of training done, in [0, 1]; undefined outside training (validation, evaluation) */
  progress?: number;
}

export interface Prior {
  readonly kind: string;
  /** encoder values per latent coordinate: 2 (μ, log σ²), 3 (plus spike logits) or 1 (class logits) */
  readonly heads: 1 | 2 | 3;
  /** the encoder head's size when it is not heads·D (the relaxed-responsibility features) */
  readonly encoderUnits?: number;
  /** q from the encoder's output [N, heads·D] when it is not (μ, log σ², …) sliced in that order */
  posterior?(out: tf.Tensor2D): Posterior;
  /**
   * The ELBO's y on the reparameterisation noise `eps` [B, D] and the KL term per datapoint [B]:
   * analytic where it exists, else log q(y|x) − log p(y) on that same y (gradients flow through y).
   */
  elbo(q: Posterior, eps: tf.Tensor2D, o: DrawOptions): { y: tf.Tensor2D; kl: tf.Tensor1D };
  /** Importance samples: q already tiled to the rows of `eps`; y and log p(y) − log q(y|x) per row. */
  importance(q: Posterior, eps: tf.Tensor2D, o: DrawOptions): { y: tf.Tensor2D; logRatio: tf.Tensor1D };
  /** y ~ p(y): [n, D] */
  sample(n: number, seed: number): tf.Tensor2D;
  /** log p(y) per row, where p has a density */
  logDensity?(y: tf.Tensor2D): tf.Tensor1D;
  /** the point estimate of y that representations use (default: μ) */
  representation?(q: Posterior): tf.Tensor2D;
  /** overwrites data-shaped parameters with training points (VampPrior init "data") */
  initFromData?(pick: (k: number) => tf.Tensor): void;
  /** tensors the prior owns (not the model's variables) */
  dispose?(): void;
}

/** What a prior may need from its model. */
export interface PriorContext {
  latentDim: number;
  params: Map<string, tf.Variable>;
  /** the model's non-learnable state (ModelIR.state): the mixture's clip range */
  state?: Map<string, tf.Variable>;
  /** q(y|u) for data-shaped inputs u, evaluation mode (the VampPrior's pseudo-inputs) */
  encode(u: tf.Tensor): Posterior;
}
