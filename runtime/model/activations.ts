// The activation functions of `activation` layer nodes, one entry per IR `fn`
// (compiler/builtins/layers/activations.ts describes them); a missing one is a type error.
import * as tf from "@tensorflow/tfjs";
import type { Activation } from "../../compiler/ir/types";

/** alpha·(eˣ − 1) below 0, x above (the where form: tf.elu has no alpha) */
export function elu(x: tf.Tensor, alpha: number): tf.Tensor {
  return tf.where(tf.greater(x, 0), x, tf.mul(tf.expm1(tf.minimum(x, 0)), alpha));
}

/** x·Φ(x) = x · (1 + erf(x / √2)) / 2, the Gaussian error linear unit (Hendrycks and Gimpel 2016),
 *  exact as PyTorch's and Keras' default; tf.erf has a gradient on every backend. */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

const ACTIVATION_IMPLS: Record<Activation, (x: tf.Tensor, alpha?: number) => tf.Tensor> = {
  relu: (x) => tf.relu(x),
  leaky_relu: (x, alpha) => tf.leakyRelu(x, alpha ?? 0.2),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  softplus: (x) => tf.softplus(x),
  // tf.elu has no alpha; alpha 1 is tf.elu
  elu: (x, alpha) => (alpha === undefined || alpha === 1 ? tf.elu(x) : elu(x, alpha)),
  gelu: (x) => gelu(x),
  linear: (x) => x,
};

export function activate(x: tf.Tensor, fn: Activation, alpha?: number): tf.Tensor {
  const impl = ACTIVATION_IMPLS[fn];
  if (!impl) throw new Error(`internal error: unknown activation '${String(fn)}'`);
  return impl(x, alpha);
}
