// Batch normalisation in training mode (batch statistics over every axis but the last, NHWC or
// [N, C]) with the closed-form backward pass:
//   x̂ = (x − μ)·r,  r = 1/√(σ² + ε),  y = γ·x̂ + β
//   dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ·r·(dy − dβ/M − x̂·dγ/M)         (M = elements per channel)
// tfjs's autodiff through tf.moments works on wasm but differentiates mean, squared difference,
// rsqrt and every broadcast separately, and its reductions over [N, H, W] are slow there (see
// channel.ts); this is 7 full-size kernels each way with fast channel sums.
import * as tf from "@tensorflow/tfjs";
import { channelMean, channelSum } from "./channel";

export interface BatchNormResult {
  y: tf.Tensor;
  /** Batch mean and biased variance per channel (for running statistics); not differentiated. */
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

export function batchNormTrain(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = 1e-5): BatchNormResult {
  const c = x.shape[x.rank - 1]!;
  if (gamma.shape[0] !== c || beta.shape[0] !== c) {
    throw new Error(`batchNorm: ${c} channels but gamma ${JSON.stringify(gamma.shape)}, beta ${JSON.stringify(beta.shape)}`);
  }
  const m = x.size / c;
  let stats: [tf.Tensor1D, tf.Tensor1D] | null = null;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const mean = channelMean(xi);
    const xc = tf.sub(xi, mean);
    const variance = channelMean(tf.square(xc));
    const r = tf.rsqrt(tf.add(variance, eps)) as tf.Tensor1D;
    const xhat = tf.mul(xc, r);
    save([xhat, tf.mul(g, r)]);
    // Leave the statistics to the caller: kept here so the customGrad scope does not free them.
    stats = [tf.keep(mean), tf.keep(variance)];
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sxhat, k] = saved as [tf.Tensor, tf.Tensor1D];
      const dbeta = channelSum(dy);
      const dgamma = channelSum(tf.mul(dy, sxhat));
      const dx = tf.mul(tf.sub(tf.sub(dy, tf.div(dbeta, m)), tf.mul(sxhat, tf.div(dgamma, m))), k);
      return [dx, dgamma, dbeta];
    };
    return { value: tf.add(tf.mul(xhat, g), b), gradFunc };
  });
  const y = op(x, gamma, beta);
  const [km, kv] = stats as unknown as [tf.Tensor1D, tf.Tensor1D];
  // Hand the kept statistics over to the caller's scope (a clone is tracked, the keep is dropped).
  const mean = km.clone();
  const variance = kv.clone();
  km.dispose();
  kv.dispose();
  return { y, mean, variance };
}
