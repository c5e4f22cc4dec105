// The runtime's model: what the IR interpreter builds and what training, evaluation and sampling use.
// Everything here is a contract between runtime/model (the interpreter) and runtime/train, runtime/metrics.
// Built by buildModel (runtime/model/build.ts). encode/map/decode/logLikelihood allocate
// intermediates: call them inside tf.tidy. loss, iwae and sample clean up after themselves and
// return only their results.
import type * as tf from "@tensorflow/tfjs";
import type { ModelIR } from "../../compiler/ir/types";

/** The objective on one batch, each term averaged over the batch (the loss is what is minimised). */
export interface LossTerms {
  loss: tf.Scalar;
  /** −E_q[log p(x | g(y))] */
  recon: tf.Scalar;
  /** KL(q(y|x) ‖ p(y)) on the intermediary y (analytic for N(0, I)), before β */
  kl: tf.Scalar;
  /** each mapping penalty, already multiplied by its weight as the spec writes it */
  penalties: Record<string, tf.Scalar>;
  /** terms the objective estimates for the record (β-TCVAE's MI, TC, dimension-wise KL), already in the loss or not in it at all */
  estimates?: Record<string, tf.Scalar>;
}

export interface LossOptions {
  /**
   * β for this call, overriding ObjectiveIR.beta; the training loop passes betaAt(objective, t)
   * (runtime/objectives/objective.ts) to warm β up. Ignored by the IWAE objective.
   */
  beta?: number;
  /**
   * Fraction of training done, in [0, 1], for schedules inside the objective (the spike-and-slab
   * prior's selection sharpness); undefined outside training, where schedules take their end value.
   */
  progress?: number;
  /** N, the size of the data set the batch comes from, for estimates of the aggregate posterior
   * q(y) = (1/N) Σₙ q(y | xₙ) (tc_elbo); absent: the batch is the whole data set */
  datasetSize?: number;
  /** GECO's λ and schedule state for this call (TrainState.objective); absent: the objective's initial state */
  constraint?: import("../objectives/constraint").ConstraintState;
}

/** Where a NaN or infinity first appears in the forward pass: a stage and its spec line. */
export interface NonFiniteOrigin {
  what: string;
  at: import("../../compiler/ir/types").SourceRef | null;
}

export interface CompiledModel {
  readonly ir: ModelIR;
  /** learnable tensors by ParamIR id, in ModelIR.params order */
  readonly variables: Map<string, tf.Variable>;
  /** non-learnable state (batch-norm moving statistics) by id */
  readonly state: Map<string, tf.Variable>;
  /** dimension D of the intermediary y */
  readonly latentDim: number;
  /**
   * The spec's objective on a batch x: [B, ...data shape]; `seed` (any number, per step) drives the
   * reparameterisation noise and dropout, so the same seed gives the same numbers. With
   * training = true, batch-norm layers also update their moving statistics (in place, once per
   * call). Call it inside tf.tidy / variableGrads: the returned scalars belong to the caller.
   */
  loss(x: tf.Tensor, seed: number, training: boolean, opts?: LossOptions): LossTerms;
  /**
   * q(y|x): mean and log-variance, each [B, D], for the spike-and-slab prior its spike logits, for an
   * amortised encoder flow its parameters per datapoint;
   * `seed` drives dropout (training only)
   */
  encode(x: tf.Tensor, training: boolean, seed?: number): { mean: tf.Tensor2D; logvar: tf.Tensor2D; logits?: tf.Tensor2D; flow?: tf.Tensor2D };
  /**
   * The point estimate of y that representations g(·) are taken at, [B, D], evaluation mode: μ(x),
   * or the prior's posterior mean where that differs (spike-and-slab: γ ⊙ μ), then through the
   * encoder flow if the objective has one (f(μ(x))). Absent: use encode's mean.
   */
  representation?(x: tf.Tensor): tf.Tensor2D;
  /**
   * Before training starts (never on resume): lets a prior set parameters from training points
   * (VampPrior init "data"); `pick(k)` returns k training points [k, ...data shape], seeded by the run.
   */
  initFromData?(pick: (k: number) => tf.Tensor): void;
  /**
   * z = g(y) and the mapping's penalties for this batch (training: batch norm / dropout in `apply`
   * networks). `x`: the datapoints of y's rows, which a mapping conditioned on x (`readsData`) needs.
   */
  map(y: tf.Tensor2D, training?: boolean, seed?: number, x?: tf.Tensor): { z: tf.Tensor; penalties: Record<string, tf.Scalar> };
  /** the mapping reads the data x (IV5090): z needs a datapoint, so the model cannot sample */
  readonly readsData: boolean;
  /** the decoder's output for z: logits (Bernoulli) or means, [B, ...data shape] */
  decode(z: tf.Tensor, training: boolean, seed?: number): tf.Tensor;
  /** log p(x | decoder output) per datapoint, [B]: the likelihood's log-density summed over data axes */
  logLikelihood(x: tf.Tensor, out: tf.Tensor): tf.Tensor1D;
  /**
   * log p(x) estimated with K importance samples on y, per datapoint: [B], evaluation mode, K drawn
   * in chunks so memory stays bounded (chunk 0 uses the same noise as loss() with the same seed).
   */
  iwae(x: tf.Tensor, k: number, seed: number): tf.Tensor1D;
  /** y ~ N(0, I) (or the prior) → z = g(y) → decoder mean, [n, ...data shape] */
  sample(n: number, seed: number): tf.Tensor;
  /** after a loss went bad: the first stage or mapping op whose value is not finite on this batch */
  locateNonFinite?(x: tf.Tensor, seed: number): NonFiniteOrigin | null;
  /** The first mapping node whose value is NaN or infinite for this y (evaluation mode), or null. */
  mappingNonFinite?(y: tf.Tensor2D, x?: tf.Tensor): import("../../compiler/ir/types").NodeIR | null;
  /**
   * The model's stages one by one (encode, prior, map, decode, log-likelihood), for training schemes
   * that compose their own passes (runtime/train/schemes/); absent in test doubles.
   */
  forward?(): import("../objectives/objective").Forward;
  /** every tensor the model owns */
  dispose(): void;
}
