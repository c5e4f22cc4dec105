// The interpreter's layers: one implementation per IR layer kind (compiler/builtins/layers/ describes
// each; a kind missing here is a type error). runNetwork (network.ts) calls them step by step; the
// math is in layers.ts, which emitted programs call too (through runtime/support).
import * as tf from "@tensorflow/tfjs";
import type { LayerIR } from "../../compiler/ir/types";
import { activate } from "./activations";
import { batchNormLayer, conv2dLayer, conv2dTransposeLayer, denseLayer, layerNormLayer, maxPoolLayer, softmaxLayer, upsampleLayer } from "./layers";
import type { NetContext } from "./network";
import { deriveSeed } from "./random";

/** What a layer sees besides its node and the running value. */
export interface LayerRun {
  ctx: NetContext;
  /** its index in the network (dropout's seed) */
  index: number;
  /** false when the op may skip its input's gradient (network-plan.ts) */
  inputGrad: boolean;
  /** a dense layer computes the ReLU after it too */
  relu: boolean;
  /** the parameter or state tensor `id` */
  param(id: string): tf.Tensor;
  state(id: string): tf.Variable;
}

type Impl<K extends LayerIR["kind"]> = (x: tf.Tensor, l: Extract<LayerIR, { kind: K }>, r: LayerRun) => tf.Tensor;

/** A weighted layer's bias, null for `use_bias: false`. */
const bias = (r: LayerRun, id: string | undefined): tf.Tensor1D | null => (id === undefined ? null : (r.param(id) as tf.Tensor1D));

export const LAYER_IMPLS: { readonly [K in LayerIR["kind"]]: Impl<K> } = {
  // dense on vectors runs as a dense run (network.ts); this is one on a higher-rank input, over its last axis
  dense: (x, l, r) => denseLayer(tf.reshape(x, [-1, l.in[l.in.length - 1]!]) as tf.Tensor2D, r.param(l.kernel) as tf.Tensor2D, bias(r, l.bias), r.relu, r.inputGrad),
  conv2d: (x, l, r) => conv2dLayer(x as tf.Tensor4D, r.param(l.weights) as tf.Tensor4D, bias(r, l.bias), l.stride, l.padding),
  conv2d_transpose: (x, l, r) =>
    conv2dTransposeLayer(x as tf.Tensor4D, r.param(l.weights) as tf.Tensor4D, bias(r, l.bias), l.out as [number, number, number], l.stride, l.padding),
  max_pool2d: (x, l) => maxPoolLayer(x as tf.Tensor4D, l.size, l.stride, l.padding),
  upsample2d: (x, l) => upsampleLayer(x as tf.Tensor4D, l.factor),
  layer_norm: (x, l, r) => layerNormLayer(x, r.param(l.gamma) as tf.Tensor1D, r.param(l.beta) as tf.Tensor1D, l.epsilon),
  softmax: (x, l) => softmaxLayer(x, l.axis),
  batch_norm: (x, l, r) => batchNormLayer(x, r.param(l.gamma), r.param(l.beta), r.state(l.movingMean), r.state(l.movingVar), r.ctx.training, l.momentum, l.epsilon),
  activation: (x, l) => activate(x, l.fn, l.alpha),
  reshape: (x) => x, // runNetwork reshapes every layer's output to its `out`
  flatten: (x) => x,
  dropout: (x, l, r) => (r.ctx.training && l.rate > 0 ? tf.dropout(x, l.rate, undefined, deriveSeed(r.ctx.seed, r.index)) : x),
};
