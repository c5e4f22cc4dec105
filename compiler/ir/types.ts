// The IR: the one contract between the compiler and the runtime (and the TypeScript emitter).
// Plain JSON (no classes, no functions, no AST references), versioned, with source references so
// that a runtime error points back at the spec line. Everything is resolved: shapes are numbers,
// user networks and biases are inlined, `for` loops unrolled, defaults filled in (by the compiler,
// once: the runtime repeats none). compiler/ir/schema.ts is its zod schema, which the runtime checks
// every ir.json against; docs/architecture.md describes the contract.
//
// Shapes never include the batch axis; the runtime adds it in front.

import type { LikelihoodIR } from "../builtins/likelihoods";
import type { PriorIR } from "../builtins/priors";
import type { ObjectiveIR } from "../builtins/objectives";
import type { Player, SchemeIR } from "../builtins/schemes";
import type { Activation, LayerIR } from "../builtins/layers";
import type { OpAttrs } from "./schema";

/** Bumped whenever the JSON shape changes (0.2: typed train settings and optimizer, required
 *  objective options, `sparse`, the new layers; 0.3: optimizer groups and training schemes;
 *  0.4: the categorical prior's `stack` of discrete layers);
 *  a run written by another version is refused. */
export const IR_VERSION = "0.4";

/** Where a piece came from in the spec. */
export interface SourceRef {
  file: string;
  line: number;
  col: number;
}

export interface ModelIR {
  irVersion: typeof IR_VERSION;
  name: string;
  source: { file: string; sha256: string };
  /** "intel-vae": N(0, I) prior on y; "baseline": another prior (MoG, Vamp, Laplace, spike-and-slab) */
  kind: "intel-vae" | "baseline";
  /** the model encourages sparse representations: a sparse prior, a sparsity penalty or metric
   *  (decided by the compiler from the built-ins' descriptors; the report shows its sparsity section) */
  sparse: boolean;
  data: DataIR;
  /**
   * data shape → [2·D]: the mean and the log-variance of q(y|x), concatenated in that order; for a
   * spike_slab prior [3·D]: then the spike logits (log-odds that each coordinate is in the slab)
   */
  encoder: NetworkIR;
  latent: LatentIR;
  /** y: [D] → z: [Dz], with its penalties */
  mapping: GraphIR;
  /** z: [Dz] → data shape (logits for Bernoulli, means otherwise) */
  decoder: NetworkIR;
  likelihood: LikelihoodIR;
  objective: ObjectiveIR;
  train: TrainIR;
  evaluate: MetricIR[];
  /** every learnable tensor, in a stable order; ids are unique paths like "encoder/dense_1/kernel" */
  params: ParamIR[];
  /** non-learnable state updated during training (batch-norm moving statistics) */
  state: ParamIR[];
}

// ---------- data ----------

export interface DataIR {
  name: string; // the spec's name for x
  source: string; // "mnist", "fashion_mnist", "idx", "csv", "npy", "circle", …
  /** the source's arguments with defaults filled in */
  args: Record<string, Value>;
  shape: number[];
  /** the declared or known range of values, for likelihood checks */
  range: [number, number] | null;
  at: SourceRef;
}

export type Value = number | string | boolean | null | Value[];

// ---------- latent and prior ----------

export interface LatentIR {
  name: string; // y
  dim: number;
  prior: PriorIR;
  at: SourceRef;
}

/** The prior's node: one variant per prior descriptor (compiler/builtins/priors/), whose zod schema
 *  defines it: normal (N(0, I), analytic KL), mog, vamp, laplace, spike_slab, … */
export type { PriorIR };
/** One layer of a flow prior (`kind: "flow"`), in the normalising direction y → base. */
export type { FlowLayerIR } from "../builtins/priors";

// ---------- networks ----------

export interface NetworkIR {
  /** the spec's network name (after inlining, the outermost one) */
  name: string;
  input: number[];
  output: number[];
  layers: LayerIR[];
}

/** One layer node: one variant per IR layer kind, whose zod schema its descriptor owns
 *  (compiler/builtins/layers/): dense, conv2d, conv2d_transpose, max_pool2d, upsample2d,
 *  layer_norm (per datapoint over the last axis: (x − mean) / √(var + epsilon) · gamma + beta),
 *  softmax (over `axis` of the datapoint, negative from the end), batch_norm (its moving
 *  statistics are state ids), activation (`fn`), reshape, flatten, dropout. Weighted layers'
 *  `bias` is absent for `use_bias: false`. */
export type { LayerIR, Activation };

// ---------- the mapping: an SSA graph ----------

/**
 * Nodes in topological order; `inputs` index earlier nodes. Values are per datapoint (the runtime
 * vectorises over the batch) except where an op says it reduces over the batch (`entropy_spread`).
 */
export interface GraphIR {
  input: { name: string; shape: number[] };
  nodes: NodeIR[];
  output: number;
  penalties: PenaltyIR[];
}

/** Does the mapping read the data x (a `data` node, IV5090)? Such a model has no z without a datapoint. */
export const mappingReadsData = (g: GraphIR): boolean => g.nodes.some((n) => n.op === "data");

export interface NodeIR {
  op: OpName;
  inputs: number[];
  /** op-specific attributes: constant values, axes, slice bounds, the network of an `apply` */
  attrs?: Record<string, Value | NetworkIR>;
  shape: number[];
  at: SourceRef;
  /** the bias this node was inlined from, for readable emitted code and error messages */
  bias?: string;
}

/** A node whose attrs are typed by its op (compiler/ir/schema.ts OP_ATTRS, z.infer); ops without a
 *  schema keep the bag. Made from a NodeIR by `typedNode` (schema.ts). */
export type TypedNodeIR = {
  [O in OpName]: Omit<NodeIR, "op" | "attrs"> & { op: O; attrs: O extends keyof OpAttrs ? OpAttrs[O] : NonNullable<NodeIR["attrs"]> };
}[OpName];

export type OpName =
  | "input" // the intermediary y
  | "data" // the datapoint x of y's row (a mapping conditioned on x: IV5090; no prior samples then)
  | "const" // attrs.value: number | number[] (nested), broadcastable; ±1e39 is ±∞ (JSON has no ∞)
  | "param" // attrs.id: a learnable tensor from ModelIR.params
  | "apply" // attrs.network: NetworkIR, applied to inputs[0]
  // elementwise, broadcasting like numpy over the trailing axes
  | "add" | "sub" | "mul" | "div" | "pow" | "neg"
  | "abs" | "sqrt" | "log" | "exp" | "sin" | "cos" | "tan" | "asin" | "acos" | "atan" | "atan2" | "tanh"
  | "sigmoid" | "softplus" | "relu" | "leaky_relu" | "sign" | "floor" | "round" | "min" | "max" | "clip"
  | "where" | "normal_cdf"
  | "eq" | "ne" | "lt" | "le" | "gt" | "ge"
  // structure
  | "sum" | "mean" | "norm" | "softmax" // attrs.axis (default: last), keepdims as typed
  | "matmul" | "concat" | "slice" | "index" | "reshape" | "stack"
  // batch statistics: reduce over the batch axis too
  | "entropy_spread"
  // library mappings the language cannot express (attrs say how)
  | "builtin";

export interface PenaltyIR {
  name: string;
  /** a scalar node; per-datapoint scalars are averaged over the batch */
  node: number;
  at: SourceRef;
}

// ---------- likelihood, objective, training, evaluation ----------

/** `ir.likelihood`: its node per likelihood, described in compiler/builtins/likelihoods/ (one schema). */
export type { LikelihoodIR };

/** `ir.objective`: its node per objective, described in compiler/builtins/objectives.ts (one schema). */
export type { ObjectiveIR };

/**
 * An encoder flow: q(y|x) is y = f(y₀), y₀ ~ N(μ(x), σ²(x)), f = f_L ∘ … ∘ f_1;
 * log q(y|x) = log N(y₀; μ, σ²) − log|det ∂f/∂y₀|, so the KL is Monte Carlo.
 * Global kinds, param ids per layer l, each list of length `layers`:
 *  - planar: u [D], w [D], b [] (runtime/mapping/planar.ts);
 *  - sylvester: q [D, D] Householder vectors (Q orthonormal, rank M = D), r1, r2 [D, D] raw R, R̃,
 *    b [D] (runtime/mapping/sylvester.ts, the "orthogonal" kind).
 * Amortised kinds (van den Berg et al. 2018): no params; the encoder's output has `units` more
 * columns after (μ, log σ²), the flow's parameters per datapoint, laid out layer after layer as
 * runtime/objectives/q-flow-amortised.ts reads them:
 *  - amortised_planar: u [D], w [D], b [1] per layer (units = L·(2D + 1));
 *  - amortised_sylvester: H = `reflections` vectors [H, D], a full [D, D] whose strict upper
 *    triangle is R's and strict lower triangle R̃'s (transposed; its diagonal is unused, as in the
 *    paper's code), R's raw diagonal [D], R̃'s [D], b [D] per layer (units = L·(H·D + D² + 3D)).
 */
export type QFlowIR =
  | { kind: "planar"; layers: number; params: { u: string[]; w: string[]; b: string[] } }
  | { kind: "sylvester"; layers: number; params: { q: string[]; r1: string[]; r2: string[]; b: string[] } }
  | { kind: "amortised_planar"; layers: number; units: number }
  | { kind: "amortised_sylvester"; layers: number; reflections: number; units: number };

/**
 * The optimizer and its settings (compiler/builtins/optimizers.ts). `epsilon` only when the spec
 * gives `eps`, so that the backend's own default applies otherwise; Bools are 0/1.
 */
export type OptimizerIR =
  | { kind: "adam"; lr: number; beta1: number; beta2: number; epsilon?: number }
  | { kind: "sgd"; lr: number; momentum: number; nesterov: 0 | 1 }
  | { kind: "rmsprop"; lr: number; decay: number; momentum: number; epsilon?: number };

/** The `train { … }` settings without a TrainIR field of their own, defaults filled in
 *  (compiler/builtins/train-settings.ts documents each; null = none). */
export interface TrainSettingsIR {
  min_epochs: number;
  monitor: "validation_loss" | "train_loss";
  validation_every: number;
  checkpoint_steps: number | null;
  checkpoint_minutes: number;
  keep_checkpoints: number;
  log_every: number;
  clip_norm: number | null;
  lr_schedule: "constant" | "cosine" | "exponential";
  lr_decay: number;
  lr_warmup: number;
  shuffle: boolean;
  max_steps: number | null;
  backend: string;
}

/** One optimizer group (`optimizers: groups(encoder: adam(…), …)`): its own optimizer over the
 *  parameters the compiler put in it (every ParamIR in exactly one group). */
export interface OptimizerGroupIR {
  /** as the spec names it: a part (encoder, decoder, prior, mapping) or a network's name */
  name: string;
  optimizer: OptimizerIR;
  /** ParamIR ids, in ModelIR.params order */
  params: string[];
  /** whose loss trains it under a scheme (the encoder's group: "encoder"; the rest: "decoder") */
  player: Player;
}

/** A training scheme with several players (compiler/builtins/schemes.ts). */
export type { SchemeIR };

export interface TrainIR {
  /** the one optimizer; with groups, the first group's (its rate is the schedule's reference) */
  optimizer: OptimizerIR;
  /** null: one optimizer for every parameter */
  groups: OptimizerGroupIR[] | null;
  /** null: every group steps on the objective's loss */
  scheme: SchemeIR | null;
  batch: number;
  epochs: number;
  /** patience in epochs on the validation loss; 0 = off */
  earlyStop: number;
  seed: number;
  /** number of training examples held out for validation */
  validation: number;
  checkpointEvery: number;
  /** every other setting of the spec's `train { … }` block */
  settings: TrainSettingsIR;
}

export interface MetricIR {
  name: string; // hoyer, iwae_nll, fewshot, …
  args: Record<string, Value>;
  at: SourceRef;
}

// ---------- parameters ----------

export type InitIR =
  | { kind: "glorot_uniform"; fanIn: number; fanOut: number }
  | { kind: "he_normal"; fanIn: number }
  | { kind: "zeros" }
  | { kind: "ones" }
  | { kind: "constant"; value: number }
  | { kind: "normal"; mean: number; std: number }
  | { kind: "uniform"; low: number; high: number };

export interface ParamIR {
  id: string;
  shape: number[];
  init: InitIR;
  at: SourceRef;
}
