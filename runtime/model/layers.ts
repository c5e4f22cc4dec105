// One function per weighted layer kind: the only place that chooses how dense and conv layers are
// computed, so swapping in runtime/ops' fast kernels is a one-line change each.
import * as tf from "@tensorflow/tfjs";
import { conv2d, conv2dTranspose } from "../ops/conv";
import { dense, denseChain, type ChainLayer } from "../ops/dense";
import { batchNormTrain } from "../ops/norm";

/**
 * relu(x [N, in] · W [in, out] + b [out]) when `relu`; `inputGrad` false when x is data (the
 * encoder's first weighted layer), which lets the op skip the input gradient.
 */
export function denseLayer(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, relu: boolean, inputGrad: boolean): tf.Tensor2D {
  return dense(x, w, b, { activation: relu ? "relu" : "linear", inputGrad });
}

/**
 * A run of dense layers (each with an optional ReLU) on x [N, in]: one op on wasm while training
 * (runtime/ops/dense.ts denseChain), the same as denseLayer after denseLayer elsewhere.
 */
export function denseChainLayer(x: tf.Tensor2D, layers: ChainLayer[], inputGrad: boolean): tf.Tensor2D {
  return layers.length === 1
    ? denseLayer(x, layers[0]!.w, layers[0]!.b!, layers[0]!.activation === "relu", inputGrad)
    : denseChain(x, layers, { inputGrad });
}

/** NHWC x, W [kh, kw, in, out] (tf's layout), b [out] */
export function conv2dLayer(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  b: tf.Tensor1D,
  stride: [number, number],
  padding: "same" | "valid",
): tf.Tensor4D {
  return tf.add(conv2d(x, w, stride, padding), b);
}

/** NHWC x, W [kh, kw, out, in] (tf's conv2dTranspose layout), b [out]; `outShape` excludes the batch */
export function conv2dTransposeLayer(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  b: tf.Tensor1D,
  outShape: [number, number, number],
  stride: [number, number],
  padding: "same" | "valid",
): tf.Tensor4D {
  return tf.add(conv2dTranspose(x, w, [outShape[0], outShape[1]], stride, padding), b);
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
