// The IR interpreter: ModelIR → CompiledModel (variables, networks, mapping, likelihood, objective).
import * as tf from "@tensorflow/tfjs";
import { IR_VERSION, type ModelIR, type NetworkIR, type SourceRef } from "../../compiler/ir/types";
import { GraphEvaluator, type MapResult } from "../mapping/graph";
import { likelihoodMean, logLikelihood } from "../objectives/likelihood";
import { elboTerms, iwaeEstimate, iwaeTerms, reparam, type Forward, type StageSeeds } from "../objectives/objective";
import type { CompiledModel, LossOptions, LossTerms, NonFiniteOrigin } from "./compiled";
import { runNetwork } from "./network";
import { makeVariables } from "./params";
import { deriveSeed, reparamNoise, standardNormal, STREAM } from "./random";

const asFloat = (x: tf.Tensor): tf.Tensor => (x.dtype === "float32" ? x : tf.cast(x, "float32"));

function checkIR(ir: ModelIR): void {
  if (ir.irVersion !== IR_VERSION) throw new Error(`IR version ${ir.irVersion} is not the runtime's ${IR_VERSION}: recompile the spec`);
  if (ir.latent.prior.kind !== "normal") {
    throw new Error(`the runtime does not implement the '${ir.latent.prior.kind}' prior yet (only N(0, I))`);
  }
  const d = ir.latent.dim;
  const encOut = ir.encoder.output.reduce((a, b) => a * b, 1);
  if (encOut !== 2 * d) throw new Error(`internal error: the encoder emits ${encOut} values per datapoint, not 2·${d} (mean, log-variance)`);
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
  private readonly graph: GraphEvaluator;
  /** seeds for calls that gave none (dropout in training without a seed): deterministic per model */
  private autoSeed = 0;

  constructor(
    readonly ir: ModelIR,
    private readonly seed: number,
  ) {
    checkIR(ir);
    this.latentDim = ir.latent.dim;
    this.variables = makeVariables(ir.params, seed, true);
    this.state = makeVariables(ir.state, seed, false, ir.params.length);
    this.graph = new GraphEvaluator(ir.mapping);
  }

  private nextSeed(seed: number | undefined, stream: number): number {
    return seed ?? deriveSeed(this.seed, STREAM.auto, stream, ++this.autoSeed);
  }

  private net(net: NetworkIR, x: tf.Tensor, training: boolean, seed: number, inputIsData = false): tf.Tensor {
    return runNetwork(net, x, { params: this.variables, state: this.state, training, seed, inputIsData });
  }

  encode(x: tf.Tensor, training: boolean, seed?: number): { mean: tf.Tensor2D; logvar: tf.Tensor2D } {
    const d = this.latentDim;
    let out = this.net(this.ir.encoder, x, training, this.nextSeed(seed, STREAM.encoder), true);
    if (out.rank !== 2) out = tf.reshape(out, [-1, 2 * d]);
    return { mean: tf.slice(out, [0, 0], [-1, d]) as tf.Tensor2D, logvar: tf.slice(out, [0, d], [-1, d]) as tf.Tensor2D };
  }

  map(y: tf.Tensor2D, training = false, seed?: number): MapResult {
    const s = this.nextSeed(seed, STREAM.mapping);
    return this.graph.run(y, {
      params: this.variables,
      training,
      seed: s,
      apply: (net, x, node) => this.net(net, x, training, deriveSeed(s, node)),
    });
  }

  decode(z: tf.Tensor, training: boolean, seed?: number): tf.Tensor {
    return this.net(this.ir.decoder, z, training, this.nextSeed(seed, STREAM.decoder));
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
      x = asFloat(x);
      const t = obj.kind === "iwae" ? iwaeTerms(this, x, obj.k, s, training) : elboTerms(this, x, s, training, opts.beta ?? obj.beta);
      return t as unknown as tf.TensorContainer;
    });
    return terms as unknown as LossTerms;
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
      const { mean, logvar } = this.encode(xf, true, s.encoder);
      if (!finite(mean) || !finite(logvar)) return { what: "the encoder's output", at: lastLayer(this.ir.encoder) };
      const y = reparam(mean, logvar, reparamNoise(s.call, xf.shape[0]!, this.latentDim, 0));
      const ms = s.mapping;
      const node = this.graph.firstNonFinite(y, {
        params: this.variables,
        training: true,
        seed: ms,
        apply: (net, v, i) => this.net(net, v, true, deriveSeed(ms, i)),
      });
      if (node) return { what: `the mapping's '${node.op}'${node.bias ? ` in bias '${node.bias}'` : ""}`, at: node.at };
      const { z } = this.map(y, true, ms);
      if (!finite(this.decode(z, true, s.decoder))) return { what: "the decoder's output", at: lastLayer(this.ir.decoder) };
      return null;
    } finally {
      tf.engine().endScope();
    }
  }

  iwae(x: tf.Tensor, k: number, seed: number): tf.Tensor1D {
    return tf.tidy(() => iwaeEstimate(this, asFloat(x), k, stageSeeds(seed)));
  }

  sample(n: number, seed: number): tf.Tensor {
    return tf.tidy(() => {
      const y = standardNormal([n, this.latentDim], deriveSeed(seed, STREAM.prior)) as tf.Tensor2D;
      const { z } = this.map(y, false, deriveSeed(seed, STREAM.mapping));
      return likelihoodMean(this.ir.likelihood, this.decode(z, false, deriveSeed(seed, STREAM.decoder)));
    });
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    for (const v of this.state.values()) v.dispose();
    this.graph.dispose();
  }
}

/**
 * Builds the runnable model of an IR. Parameter i of ir.params is initialised with seed
 * deriveSeed(seed, STREAM.param, i), state j with deriveSeed(seed, STREAM.param, params.length + j).
 */
export function buildModel(ir: ModelIR, seed: number): CompiledModel {
  return new Model(ir, seed);
}
