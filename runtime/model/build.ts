// ModelIR → CompiledModel: the prior, encoder flow, likelihood and objectives around a model's
// stages (stages.ts): the IR interpreter's, or a program's emitted by `intel compile`.
import * as tf from "@tensorflow/tfjs";
import { IR_VERSION, mappingReadsData, type ModelIR, type NetworkIR, type NodeIR, type SourceRef } from "../../compiler/ir/types";
import { MappingNeedsDataError, type MapResult } from "../mapping/graph";
import { disposeLikelihood, likelihoodData, likelihoodMean, logLikelihood } from "../objectives/likelihood";
import { iwaeEstimate, reparam, type Forward, type StageSeeds } from "../objectives/objective";
import { makeQFlow, type QFlow } from "../objectives/q-flow";
import { objectiveLoss } from "../objectives/registry";
import { makePrior, type Posterior, type Prior } from "../priors";
import type { CompiledModel, LossOptions, LossTerms, NonFiniteOrigin } from "./compiled";
import { interpreterStages, type ModelStages } from "./stages";
import { deriveSeed, reparamNoise, standardNormal, STREAM } from "./random";

const asFloat = (x: tf.Tensor): tf.Tensor => (x.dtype === "float32" ? x : tf.cast(x, "float32"));

/** `heads`: encoder values per coordinate of y, as the prior needs them (2, 3 with spike logits, 1: class logits) */
function checkIR(ir: ModelIR, heads: 1 | 2 | 3, units = heads * ir.latent.dim): void {
  if (ir.irVersion !== IR_VERSION) throw new Error(`IR version ${ir.irVersion} is not the runtime's ${IR_VERSION}: recompile the spec`);
  const d = ir.latent.dim;
  const encOut = ir.encoder.output.reduce((a, b) => a * b, 1);
  if (encOut !== units) {
    throw new Error(`internal error: the encoder emits ${encOut} values per datapoint, not ${units === heads * d ? `${heads}·${d}` : units} (${heads === 1 ? "class logits" : `mean, log-variance${heads === 3 ? ", spike logits" : ""}`})`);
  }
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  if (size(ir.decoder.output) !== size(ir.data.shape)) {
    throw new Error(`internal error: the decoder emits [${ir.decoder.output}] for data [${ir.data.shape}]`);
  }
}

/** The seeds of one call's stages: noise from the call seed itself, the rest derived. */
export function stageSeeds(seed: number): StageSeeds {
  return {
    call: seed,
    encoder: deriveSeed(seed, STREAM.encoder),
    mapping: deriveSeed(seed, STREAM.mapping),
    decoder: deriveSeed(seed, STREAM.decoder),
  };
}

class Model implements CompiledModel, Forward {
  readonly variables: Map<string, tf.Variable>;
  readonly state: Map<string, tf.Variable>;
  readonly latentDim: number;
  /** a baseline's prior; null for N(0, I) */
  readonly prior: Prior | null;
  /** the encoder flow of ObjectiveIR.qFlow; null: q(y|x) is the encoder's Gaussian */
  readonly qFlow: QFlow | null;
  readonly initFromData?: (pick: (k: number) => tf.Tensor) => void;
  readonly readsData: boolean;
  /** seeds for calls that gave none (dropout in training without a seed): deterministic per model */
  private autoSeed = 0;

  constructor(
    readonly ir: ModelIR,
    private readonly seed: number,
    private readonly stages: ModelStages,
  ) {
    this.latentDim = ir.latent.dim;
    this.variables = stages.params;
    this.state = stages.state;
    this.qFlow = makeQFlow(ir.objective.qFlow, this.variables);
    this.readsData = mappingReadsData(ir.mapping);
    // The VampPrior encodes its pseudo-inputs in evaluation mode (see runtime/priors/vamp.ts).
    // Its pseudo-inputs are learnable, so the encoder must pass gradients back to its input for them.
    this.prior = makePrior(ir.latent.prior, { latentDim: this.latentDim, params: this.variables, state: this.state, encode: (u) => this.encodeInput(u, false, 1, false) });
    const heads = this.prior?.heads ?? 2;
    checkIR(ir, heads, (this.prior?.encoderUnits ?? heads * this.latentDim) + (this.qFlow?.units ?? 0));
    const init = this.prior?.initFromData;
    if (init) this.initFromData = (pick) => init(pick);
  }

  private nextSeed(seed: number | undefined, stream: number): number {
    return seed ?? deriveSeed(this.seed, STREAM.auto, stream, ++this.autoSeed);
  }

  encode(x: tf.Tensor, training: boolean, seed?: number, inputIsData = true): Posterior {
    return this.encodeInput(x, training, seed, inputIsData);
  }

  /** q(·|x); `inputIsData`: x needs no gradient (data), so the fast dense chain may skip it. */
  private encodeInput(x: tf.Tensor, training: boolean, seed: number | undefined, inputIsData: boolean): Posterior {
    const d = this.latentDim;
    const heads = this.prior?.heads ?? 2;
    let out = this.stages.encoder(x, { params: this.variables, state: this.state, training, seed: this.nextSeed(seed, STREAM.encoder), inputIsData });
    const flowUnits = this.qFlow?.units ?? 0;
    if (out.rank !== 2) out = tf.reshape(out, [-1, (this.prior?.encoderUnits ?? heads * d) + flowUnits]);
    if (this.prior?.posterior) return this.prior.posterior(out as tf.Tensor2D);
    const q: Posterior = { mean: tf.slice(out, [0, 0], [-1, d]) as tf.Tensor2D, logvar: tf.slice(out, [0, d], [-1, d]) as tf.Tensor2D };
    if (heads === 3) q.logits = tf.slice(out, [0, 2 * d], [-1, d]) as tf.Tensor2D;
    // an amortised encoder flow's parameters follow (μ, log σ²): the compiler allows it with 2 heads only
    if (flowUnits > 0) q.flow = tf.slice(out, [0, heads * d], [-1, flowUnits]) as tf.Tensor2D;
    return q;
  }

  representation(x: tf.Tensor): tf.Tensor2D {
    const q = this.encode(x, false);
    const y0 = this.prior?.representation ? this.prior.representation(q) : q.mean;
    return this.qFlow ? this.qFlow.apply(y0, q.flow) : y0; // f(μ(x)) with an encoder flow
  }

  map(y: tf.Tensor2D, training = false, seed?: number, x?: tf.Tensor): MapResult {
    const data = x && asFloat(x);
    return this.stages.mapping(this.mappingInput(y), { params: this.variables, state: this.state, training, seed: this.nextSeed(seed, STREAM.mapping), ...(data ? { data } : {}) });
  }

  decode(z: tf.Tensor, training: boolean, seed?: number): tf.Tensor {
    return this.stages.decoder(z, { params: this.variables, state: this.state, training, seed: this.nextSeed(seed, STREAM.decoder) });
  }

  logLik(x: tf.Tensor, out: tf.Tensor): tf.Tensor1D {
    return logLikelihood(this.ir.likelihood, x, out, this.variables);
  }

  logLikelihood(x: tf.Tensor, out: tf.Tensor): tf.Tensor1D {
    return this.logLik(x, out);
  }

  loss(x: tf.Tensor, seed: number, training: boolean, opts: LossOptions = {}): LossTerms {
    const obj = this.ir.objective;
    const s = stageSeeds(seed);
    const terms = tf.tidy(() => {
      // a FlowDecoder's dequantised x̃, seeded by the call: IWAE with the same seed sees the same x̃
      x = likelihoodData(this.ir.likelihood, asFloat(x), seed);
      const t = objectiveLoss(obj)(this, x, obj, s, training, opts);
      return t as unknown as tf.TensorContainer;
    });
    return terms as unknown as LossTerms;
  }

  /** y's rows are flat [B, D]; a OneHot[G, K] latent is [B, G, K] to the mapping */
  private mappingInput(y: tf.Tensor2D): tf.Tensor2D {
    const shape = this.ir.mapping.input.shape;
    return shape.length > 1 ? (tf.reshape<tf.Rank>(y, [-1, ...shape]) as tf.Tensor2D) : y;
  }

  mappingNonFinite(y: tf.Tensor2D, x?: tf.Tensor): NodeIR | null {
    // a scope, not tf.tidy: the result is plain data, and every tensor made here is dropped at the end
    tf.engine().startScope();
    try {
      return this.stages.firstNonFinite?.(this.mappingInput(y), { params: this.variables, state: this.state, training: false, seed: 0, ...(x ? { data: x } : {}) }) ?? null;
    } finally {
      tf.engine().endScope();
    }
  }

  locateNonFinite(x: tf.Tensor, seed: number): NonFiniteOrigin | null {
    // Replays the ELBO's forward pass on the same noise, stage by stage (a diagnostic, off the hot path).
    const s = stageSeeds(seed);
    const finite = (t: tf.Tensor): boolean => tf.tidy(() => tf.all(tf.isFinite(t)).dataSync()[0] === 1);
    const lastLayer = (net: NetworkIR): SourceRef | null => net.layers.at(-1)?.at ?? null;
    // A scope, not tf.tidy: the result is plain data, and every tensor made here is dropped at the end.
    tf.engine().startScope();
    try {
      const xf = asFloat(x);
      const q = this.encode(xf, true, s.encoder);
      const { mean, logvar } = q;
      if (!finite(mean) || !finite(logvar) || (q.logits && !finite(q.logits)) || (q.flow && !finite(q.flow))) return { what: "the encoder's output", at: lastLayer(this.ir.encoder) };
      const eps = reparamNoise(s.call, xf.shape[0]!, this.latentDim, 0);
      // the prior's y is the ELBO's (spike-and-slab: at its final sharpness, the replay has no schedule)
      const p = this.prior?.elbo(q, eps, { seed: s.call, chunk: 0 });
      if (p && !finite(p.kl)) return { what: `the ${this.prior!.kind} prior's KL term`, at: this.ir.latent.at };
      const y0 = p ? p.y : reparam(mean, logvar, eps);
      const y = this.qFlow ? this.qFlow.apply(y0, q.flow) : y0;
      if (this.qFlow && !finite(y)) return { what: "the encoder flow's output", at: null };
      const ms = s.mapping;
      const node = this.stages.firstNonFinite?.(this.mappingInput(y), { params: this.variables, state: this.state, training: true, seed: ms, data: xf }) ?? null;
      if (node) return { what: `the mapping's '${node.op}'${node.bias ? ` in bias '${node.bias}'` : ""}`, at: node.at };
      const { z } = this.map(y, true, ms, xf);
      if (!finite(this.decode(z, true, s.decoder))) return { what: "the decoder's output", at: lastLayer(this.ir.decoder) };
      return null;
    } finally {
      tf.engine().endScope();
    }
  }

  iwae(x: tf.Tensor, k: number, seed: number): tf.Tensor1D {
    return tf.tidy(() => iwaeEstimate(this, likelihoodData(this.ir.likelihood, asFloat(x), seed), k, stageSeeds(seed)));
  }

  sample(n: number, seed: number): tf.Tensor {
    if (this.readsData) throw new MappingNeedsDataError();
    return tf.tidy(() => {
      const y = this.prior ? this.prior.sample(n, seed) : (standardNormal([n, this.latentDim], deriveSeed(seed, STREAM.prior)) as tf.Tensor2D);
      const { z } = this.map(y, false, deriveSeed(seed, STREAM.mapping));
      return likelihoodMean(this.ir.likelihood, this.decode(z, false, deriveSeed(seed, STREAM.decoder)), this.variables);
    });
  }

  forward(): Forward {
    return this;
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    for (const v of this.state.values()) v.dispose();
    this.prior?.dispose?.();
    disposeLikelihood(this.ir.likelihood, this.variables);
    this.stages.dispose();
  }
}

/**
 * Builds the runnable model of an IR. Parameter i of ir.params is initialised with seed
 * deriveSeed(seed, STREAM.param, i), state j with deriveSeed(seed, STREAM.param, params.length + j).
 */
export function buildModel(ir: ModelIR, seed: number): CompiledModel {
  return new Model(ir, seed, interpreterStages(ir, seed));
}

/** The model of an IR whose stages are given (an emitted program's); the stages' tensors become the model's. */
export function assembleModel(ir: ModelIR, seed: number, stages: ModelStages): CompiledModel {
  return new Model(ir, seed, stages);
}
