// Runs a NetworkIR (a flat list of layers with concrete shapes) on a batch: x [B, ...net.input].
import * as tf from "@tensorflow/tfjs";
import type { Activation, LayerIR, NetworkIR } from "../../compiler/ir/types";
import "./gradients";
import { batchNormTrainLayer, conv2dLayer, conv2dTransposeLayer, denseChainLayer, denseLayer, layerNormLayer, maxPoolLayer, softmaxLayer, upsampleLayer } from "./layers";
import { deriveSeed } from "./random";

export interface NetContext {
  params: Map<string, tf.Variable>;
  state: Map<string, tf.Variable>;
  /** batch statistics + moving-average updates for batch_norm, dropout on */
  training: boolean;
  /** dropout seed base (already derived); layer i uses deriveSeed(seed, i) */
  seed: number;
  /** the input is data, never differentiated (lets the first dense layer skip dx) */
  inputIsData?: boolean;
  /** the mapping's: the datapoints x of y's rows, for a mapping conditioned on x (its `data` node) */
  data?: tf.Tensor;
}

function lookup(m: Map<string, tf.Variable>, id: string, what: string): tf.Variable {
  const v = m.get(id);
  if (!v) throw new Error(`internal error: ${what} '${id}' is used by a layer but not declared in the IR`);
  return v;
}

export function activate(x: tf.Tensor, fn: Activation, alpha?: number): tf.Tensor {
  switch (fn) {
    case "relu":
      return tf.relu(x);
    case "leaky_relu":
      return tf.leakyRelu(x, alpha ?? 0.2);
    case "sigmoid":
      return tf.sigmoid(x);
    case "tanh":
      return tf.tanh(x);
    case "softplus":
      return tf.softplus(x);
    case "elu":
      // tf.elu has no alpha; alpha·(eˣ − 1) below 0 (alpha 1 = tf.elu)
      return alpha === undefined || alpha === 1 ? tf.elu(x) : elu(x, alpha);
    case "linear":
      return x;
    default: {
      const bad: never = fn;
      throw new Error(`internal error: unknown activation '${String(bad)}'`);
    }
  }
}

/** alpha·(eˣ − 1) below 0, x above (the where form: tf.elu has no alpha) */
export function elu(x: tf.Tensor, alpha: number): tf.Tensor {
  return tf.where(tf.greater(x, 0), x, tf.mul(tf.expm1(tf.minimum(x, 0)), alpha));
}

function batchNorm(x: tf.Tensor, l: Extract<LayerIR, { kind: "batch_norm" }>, ctx: NetContext): tf.Tensor {
  const gamma = lookup(ctx.params, l.gamma, "parameter");
  const beta = lookup(ctx.params, l.beta, "parameter");
  const mm = lookup(ctx.state, l.movingMean, "state");
  const mv = lookup(ctx.state, l.movingVar, "state");
  return batchNormLayer(x, gamma, beta, mm, mv, ctx.training, l.momentum, l.epsilon);
}

/**
 * Batch norm over the last axis: batch statistics and a moving-average update of (mm, mv) in
 * training, the moving statistics otherwise.
 */
export function batchNormLayer(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, mm: tf.Variable, mv: tf.Variable, training: boolean, momentum: number, epsilon: number): tf.Tensor {
  if (!training) return tf.add(tf.mul(tf.div(tf.sub(x, mm), tf.sqrt(tf.add(mv, epsilon))), gamma), beta);
  const { y, mean, variance } = batchNormTrainLayer(x, gamma as tf.Tensor1D, beta as tf.Tensor1D, epsilon);
  // Keras' convention: moving = momentum·moving + (1 − momentum)·batch; like PyTorch, the moving
  // variance takes the unbiased batch variance. assign() holds its own reference, so the
  // enclosing tidy may dispose these tensors.
  const n = x.size / x.shape[x.rank - 1]!;
  const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
  const m = momentum;
  mm.assign(tf.add(tf.mul(mm, m), tf.mul(mean, 1 - m)));
  mv.assign(tf.add(tf.mul(mv, m), tf.mul(unbiased, 1 - m)));
  return y;
}

/** A weighted layer's bias, null for `use_bias: false`. */
function bias(ctx: NetContext, id: string | undefined): tf.Tensor1D | null {
  return id === undefined ? null : (lookup(ctx.params, id, "parameter") as tf.Tensor as tf.Tensor1D);
}

function asShape(x: tf.Tensor, shape: number[]): tf.Tensor {
  const want = [x.shape[0]!, ...shape];
  return tf.util.arraysEqual(x.shape, want) ? x : tf.reshape(x, want);
}

/** The network's output, [B, ...net.output]. */
export function runNetwork(net: NetworkIR, input: tf.Tensor, ctx: NetContext): tf.Tensor {
  let x = asShape(input, net.input);
  let dataInput = ctx.inputIsData ?? false;
  const layers = net.layers;
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    x = asShape(x, l.in);
    switch (l.kind) {
      case "dense": {
        const w = lookup(ctx.params, l.kernel, "parameter") as tf.Tensor as tf.Tensor2D;
        const b = bias(ctx, l.bias);
        const next = layers[i + 1];
        const fuseRelu = next?.kind === "activation" && next.fn === "relu";
        if (l.in.length === 1 && x.rank === 2) {
          // A run of dense layers on vectors, each optionally followed by a ReLU: one op.
          const run = [{ w, b, activation: fuseRelu ? ("relu" as const) : ("linear" as const) }];
          let j = i + (fuseRelu ? 2 : 1);
          for (;;) {
            const d = layers[j];
            if (d?.kind !== "dense" || d.in.length !== 1) break;
            const a = layers[j + 1];
            const relu = a?.kind === "activation" && a.fn === "relu";
            run.push({
              w: lookup(ctx.params, d.kernel, "parameter") as tf.Tensor as tf.Tensor2D,
              b: bias(ctx, d.bias),
              activation: relu ? "relu" : "linear",
            });
            j += relu ? 2 : 1;
          }
          x = asShape(denseChainLayer(x as tf.Tensor2D, run, !dataInput), layers[j - 1]!.out);
          i = j - 1;
          dataInput = false;
          break;
        }
        const flat = x.rank === 2 ? (x as tf.Tensor2D) : (tf.reshape(x, [-1, l.in[l.in.length - 1]!]) as tf.Tensor2D);
        x = asShape(denseLayer(flat, w, b, fuseRelu, !dataInput), l.out);
        if (fuseRelu) i++;
        dataInput = false;
        break;
      }
      case "conv2d":
      case "conv2d_transpose": {
        const w = lookup(ctx.params, l.weights, "parameter") as tf.Tensor as tf.Tensor4D;
        const b = bias(ctx, l.bias);
        x =
          l.kind === "conv2d"
            ? conv2dLayer(x as tf.Tensor4D, w, b, l.stride, l.padding)
            : conv2dTransposeLayer(x as tf.Tensor4D, w, b, l.out as [number, number, number], l.stride, l.padding);
        dataInput = false;
        break;
      }
      case "batch_norm":
        x = batchNorm(x, l, ctx);
        break;
      case "activation":
        x = activate(x, l.fn, l.alpha);
        break;
      case "reshape":
      case "flatten":
        x = asShape(x, l.out);
        break;
      case "dropout":
        if (ctx.training && l.rate > 0) x = tf.dropout(x, l.rate, undefined, deriveSeed(ctx.seed, i));
        break;
      case "max_pool2d":
        x = maxPoolLayer(x as tf.Tensor4D, l.size, l.stride, l.padding);
        break;
      case "upsample2d":
        x = upsampleLayer(x as tf.Tensor4D, l.factor);
        break;
      case "layer_norm":
        x = layerNormLayer(x, lookup(ctx.params, l.gamma, "parameter") as tf.Tensor as tf.Tensor1D, lookup(ctx.params, l.beta, "parameter") as tf.Tensor as tf.Tensor1D, l.epsilon);
        break;
      case "softmax":
        x = softmaxLayer(x, l.axis);
        break;
      default: {
        const bad: never = l;
        throw new Error(`internal error: unknown layer ${JSON.stringify(bad)}`);
      }
    }
  }
  return asShape(x, net.output);
}
