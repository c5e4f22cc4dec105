// Independent Laplace(loc, scale) coordinates: log p(y) = Σ −|y − loc|/b − log 2b. Monte Carlo KL.
import * as tf from "@tensorflow/tfjs";
import { deriveSeed, STREAM } from "../model/random";
import { MonteCarloPrior } from "./gaussian";

export class LaplacePrior extends MonteCarloPrior {
  readonly kind = "laplace";

  constructor(
    private readonly loc: number,
    private readonly scale: number,
    private readonly dim: number,
  ) {
    super();
  }

  logDensity(y: tf.Tensor2D): tf.Tensor1D {
    return tf.sub(tf.div(tf.sum(tf.abs(tf.sub(y, this.loc)), -1), -this.scale), Math.log(2 * this.scale) * y.shape[1]) as tf.Tensor1D;
  }

  /** inverse CDF: u ~ U(−½, ½), y = loc − b·sign(u)·log(1 − 2|u|) */
  sample(n: number, seed: number): tf.Tensor2D {
    return tf.tidy(() => {
      const u = tf.randomUniform([n, this.dim], -0.5, 0.5, "float32", deriveSeed(seed, STREAM.prior));
      // 1 − 2|u| ∈ (0, 1]; the floor keeps log finite should u hit −½ exactly
      const t = tf.log(tf.maximum(tf.sub(1, tf.mul(tf.abs(u), 2)), 1e-12));
      return tf.sub(this.loc, tf.mul(tf.mul(tf.sign(u), t), this.scale)) as tf.Tensor2D;
    });
  }
}
