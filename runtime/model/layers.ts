// One function per weighted layer kind: the only place that chooses how dense and conv layers are
// computed, so swapping in runtime/ops' fast kernels is a one-line change each.
import * as tf from "@tensorflow/tfjs";
import { conv2d, conv2dTranspose } from "../ops/conv";
import { dense, denseChain, type ChainLayer } from "../ops/dense";
import { addBias } from "../ops/channel";
import { batchNormTrain } from "../ops/norm";

/**
 * relu(x [N, in] · W [in, out] + b [out]) when `relu`; `inputGrad` false when x is data (the
 * encoder's first weighted layer), which lets the op skip the input gradient.
 */
export function denseLayer(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D | null, relu: boolean, inputGrad: boolean): tf.Tensor2D {
  return dense(x, w, b, { activation: relu ? "relu" : "linear", inputGrad });
}

/**
 * A run of dense layers (each with an optional ReLU) on x [N, in]: one op on wasm while training
 * (runtime/ops/dense.ts denseChain), the same as denseLayer after denseLayer elsewhere.
 */
export function denseChainLayer(x: tf.Tensor2D, layers: ChainLayer[], inputGrad: boolean): tf.Tensor2D {
  return layers.length === 1
    ? denseLayer(x, layers[0]!.w, layers[0]!.b ?? null, layers[0]!.activation === "relu", inputGrad)
    : denseChain(x, layers, { inputGrad });
}

/** NHWC x, W [kh, kw, in, out] (tf's layout), b [out] */
export function conv2dLayer(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  b: tf.Tensor1D | null,
  stride: [number, number],
  padding: "same" | "valid",
): tf.Tensor4D {
  const y = conv2d(x, w, stride, padding);
  return b ? (addBias(y, b) as tf.Tensor4D) : y;
}

/** NHWC x, W [kh, kw, out, in] (tf's conv2dTranspose layout), b [out]; `outShape` excludes the batch */
export function conv2dTransposeLayer(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  b: tf.Tensor1D | null,
  outShape: [number, number, number],
  stride: [number, number],
  padding: "same" | "valid",
): tf.Tensor4D {
  const y = conv2dTranspose(x, w, [outShape[0], outShape[1]], stride, padding);
  return b ? (addBias(y, b) as tf.Tensor4D) : y;
}

/** Batch norm with batch statistics (training): the output and the batch mean and biased variance. */
export function batchNormTrainLayer(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
): { y: tf.Tensor; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  return batchNormTrain(x, gamma, beta, eps);
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

/** Max pooling, NHWC. */
export function maxPoolLayer(x: tf.Tensor4D, size: [number, number], stride: [number, number], padding: "same" | "valid"): tf.Tensor4D {
  return tf.maxPool(x, size, stride, padding);
}

/** Nearest-neighbour upsampling, NHWC: with a whole factor, output (i, j) reads input (⌊i/f⌋, ⌊j/f⌋). */
export function upsampleLayer(x: tf.Tensor4D, factor: [number, number]): tf.Tensor4D {
  return tf.image.resizeNearestNeighbor(x, [x.shape[1] * factor[0], x.shape[2] * factor[1]], false, false);
}

/** Layer normalisation over the last axis of each datapoint: (x − mean) / √(var + eps) · γ + β. */
export function layerNormLayer(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
}

/** Softmax over `axis` of each datapoint (negative from the end), as exp(x − logsumexp(x)). */
export function softmaxLayer(x: tf.Tensor, axis: number): tf.Tensor {
  const ax = axis < 0 ? x.rank + axis : axis + 1; // the batch axis comes first
  return tf.exp(tf.sub(x, tf.logSumExp(x, ax, true)));
}
