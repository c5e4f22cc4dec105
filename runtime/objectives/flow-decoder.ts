// The FlowDecoder's conditional flow x̃ → base (compiler/builtins/likelihoods/flow-decoder.ts): the
// flow prior's layers (runtime/flows/) on the flattened datapoint, every coupling conditioned on the
// decoder's output μ(z) of its row. The Gaussian base is the Gaussian likelihood's math
// (likelihood.ts), so with no layers the FlowDecoder is the Gaussian likelihood exactly.
import type * as tf from "@tensorflow/tfjs";
import type { LikelihoodIR } from "../../compiler/ir/types";
import { generateThrough, makeFlowLayer, normalizeThrough, type FlowLayer } from "../flows";

export type FlowDecoderIR = Extract<LikelihoodIR, { kind: "flow_decoder" }>;

// Layers are built once per (model variables, IR): permutations keep their matrices as tensors.
const BUILT = new WeakMap<Map<string, tf.Variable>, WeakMap<FlowDecoderIR, FlowLayer[]>>();

function layersOf(lik: FlowDecoderIR, params: Map<string, tf.Variable>, dim: number): FlowLayer[] {
  let byIr = BUILT.get(params);
  if (!byIr) BUILT.set(params, (byIr = new WeakMap()));
  let layers = byIr.get(lik);
  if (!layers) byIr.set(lik, (layers = lik.layers.map((l) => makeFlowLayer(l, params, dim))));
  return layers;
}

const flat = (t: tf.Tensor): tf.Tensor2D => t.reshape([t.shape[0]!, -1]) as tf.Tensor2D;

/** f(x̃; μ) in x's shape and log |det ∂f/∂x̃| per row; `mean`: the decoder's output, in x's shape. */
export function normalizeData(lik: FlowDecoderIR, x: tf.Tensor, mean: tf.Tensor, params: Map<string, tf.Variable>): { u: tf.Tensor; logDet: tf.Tensor1D } {
  const h = flat(mean);
  const { u, logDet } = normalizeThrough(layersOf(lik, params, h.shape[1]), flat(x), h);
  return { u: u.reshape(x.shape), logDet };
}

/** f⁻¹(u; μ) in u's shape: the inverse of normalizeData for the same decoder output. */
export function invertData(lik: FlowDecoderIR, u: tf.Tensor, mean: tf.Tensor, params: Map<string, tf.Variable>): tf.Tensor {
  const h = flat(mean);
  return generateThrough(layersOf(lik, params, h.shape[1]), flat(u), h).reshape(u.shape);
}

/** f⁻¹(μ; μ): the base's mode pushed back to data space, in `mean`'s shape (the decoder's point output). */
export function generateData(lik: FlowDecoderIR, mean: tf.Tensor, params: Map<string, tf.Variable>): tf.Tensor {
  return invertData(lik, mean, mean, params);
}

/** Releases the tensors the layers own (a model's dispose). */
export function disposeFlowDecoder(lik: FlowDecoderIR, params: Map<string, tf.Variable>): void {
  const byIr = BUILT.get(params);
  for (const l of byIr?.get(lik) ?? []) l.dispose?.();
  byIr?.delete(lik);
}
