// Independent Student-t(ν, 0, s) coordinates:
//   log p(y) = Σ_d lnΓ((ν+1)/2) − lnΓ(ν/2) − ½ ln(νπs²) − (ν+1)/2 · ln(1 + (y_d/s)²/ν).
// Samples are s·ε/√(g/ν), ε ~ N(0, 1), g ~ χ²_ν = 2·Gamma(ν/2, 1). Monte Carlo KL.
import * as tf from "@tensorflow/tfjs";
import { deriveSeed, standardNormal, STREAM } from "../model/random";
import { studentTLogNorm, studentTTail } from "../ops/student-t";
import { MonteCarloPrior } from "./gaussian";

export class StudentTPrior extends MonteCarloPrior {
  readonly kind = "student_t";
  /** the per-coordinate normaliser lnΓ((ν+1)/2) − lnΓ(ν/2) − ½ ln(νπ) − ln s */
  private readonly logNorm: number;

  constructor(
    private readonly df: number,
    private readonly scale: number,
    private readonly dim: number,
  ) {
    super();
    this.logNorm = studentTLogNorm(df) - Math.log(scale);
  }

  logDensity(y: tf.Tensor2D): tf.Tensor1D {
    return tf.add(tf.sum(studentTTail(tf.div(y, this.scale), this.df), -1), this.logNorm * y.shape[1]) as tf.Tensor1D;
  }

  sample(n: number, seed: number): tf.Tensor2D {
    return tf.tidy(() => {
      const eps = standardNormal([n, this.dim], deriveSeed(seed, STREAM.prior));
      const g = tf.mul(tf.randomGamma([n, this.dim], this.df / 2, 1, "float32", deriveSeed(seed, STREAM.prior, 1)), 2);
      return tf.mul(tf.div(eps, tf.sqrt(tf.div(g, this.df))), this.scale) as tf.Tensor2D;
    });
  }
}
