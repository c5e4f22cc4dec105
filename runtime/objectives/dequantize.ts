// Uniform dequantisation of data on L levels (FlowDecoder; Theis et al. 2016, as f-VAE and Glow use it),
// and the bound it gives on the discrete data. For x = k/(L − 1), k ∈ {0, …, L − 1}^D, and
// x̃ = (k + u)/L, u ~ U(0, 1)^D, the cell of x is the cube [k/L, (k + 1)/L)^D of volume L^−D, so
//   P(x) = ∫_cell p(x̃) dx̃ = E_u[p(x̃)]·L^−D ≥ exp(E_u log p(x̃))·L^−D   (Jensen),
//   −log P(x) ≤ −E_u log p(x̃) + D·log L,
// and any lower bound on log p(x̃) (the ELBO, IWAE) keeps the inequality. Bits per dimension divide
// by D·log 2: −E log p(x̃)/(D·ln 2) + log₂ L (8 for 8-bit data).
import * as tf from "@tensorflow/tfjs";
import { deriveSeed, STREAM } from "../model/random";

/** x̃ = (round((L − 1)·x) + u)/L with u ~ U(0, 1) drawn from deriveSeed(seed, STREAM.dequantize). */
export function dequantize(x: tf.Tensor, levels: number, seed: number): tf.Tensor {
  return tf.tidy(() => {
    const u = tf.randomUniform(x.shape, 0, 1, "float32", deriveSeed(seed, STREAM.dequantize));
    return tf.div(tf.add(tf.round(tf.mul(x, levels - 1)), u), levels);
  });
}

/** The discrete data's bound in bits per dimension from −log p(x̃) in nats per datapoint (an upper
 *  bound on it, such as −ELBO or the IWAE NLL), for data of `dims` values on `levels` levels. */
export function discreteBitsPerDim(nllNats: number, dims: number, levels: number): number {
  return (nllNats + dims * Math.log(levels)) / (dims * Math.LN2);
}
