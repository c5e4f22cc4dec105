// A model's three stages (encoder network, mapping g, decoder network) and the tensors they read,
// apart from what is built around them (prior, encoder flow, likelihood, objectives: build.ts).
// The IR interpreter supplies stages that read the IR; a program emitted by `intel compile`
// supplies its own written-out functions, so both share every line of the objective's math.
import type * as tf from "@tensorflow/tfjs";
import type { ModelIR, NodeIR } from "../../compiler/ir/types";
import { GraphEvaluator, type MapResult } from "../mapping/graph";
import { runNetwork, type NetContext } from "./network";
import { makeVariables } from "./params";
import { deriveSeed } from "./random";

export interface ModelStages {
  /** learnable tensors by ParamIR id, in ModelIR.params order */
  readonly params: Map<string, tf.Variable>;
  /** batch-norm moving statistics by id */
  readonly state: Map<string, tf.Variable>;
  /** the encoder network's output for x, [B, ...encoder output]; `c.inputIsData`: x needs no gradient */
  encoder(x: tf.Tensor, c: NetContext): tf.Tensor;
  /** z = g(y) and the penalties; an `apply` node i runs its network with seed deriveSeed(c.seed, i) */
  mapping(y: tf.Tensor2D, c: NetContext): MapResult;
  /** the decoder network's output for z */
  decoder(z: tf.Tensor, c: NetContext): tf.Tensor;
  /** the first mapping node whose value is not finite (a diagnostic); absent: not located per node */
  firstNonFinite?(y: tf.Tensor2D, c: NetContext): NodeIR | null;
  /** tensors the stages own besides params and state (the mapping's constants) */
  dispose(): void;
}

/**
 * The interpreter's stages: parameter i of ir.params initialised with seed
 * deriveSeed(seed, STREAM.param, i), state j with deriveSeed(seed, STREAM.param, params.length + j).
 */
export function interpreterStages(ir: ModelIR, seed: number): ModelStages {
  const params = makeVariables(ir.params, seed, true);
  const state = makeVariables(ir.state, seed, false, ir.params.length);
  const graph = new GraphEvaluator(ir.mapping);
  const mapContext = (c: NetContext) => ({
    params,
    training: c.training,
    seed: c.seed,
    ...(c.data ? { data: c.data } : {}),
    apply: (net: Parameters<typeof runNetwork>[0], x: tf.Tensor, node: number) => runNetwork(net, x, { params, state, training: c.training, seed: deriveSeed(c.seed, node) }),
  });
  return {
    params,
    state,
    encoder: (x, c) => runNetwork(ir.encoder, x, c),
    mapping: (y, c) => graph.run(y, mapContext(c)),
    decoder: (z, c) => runNetwork(ir.decoder, z, c),
    firstNonFinite: (y, c) => graph.firstNonFinite(y, mapContext(c)),
    dispose: () => graph.dispose(),
  };
}
