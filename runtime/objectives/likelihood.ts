// Log-densities of the data under the decoder's output, summed over the data axes: [B].
import * as tf from "@tensorflow/tfjs";
import type { LikelihoodIR } from "../../compiler/ir/types";
import { bernoulliLogLik, gaussianKlStdNormal } from "../ops/losses";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

function rowSum(t: tf.Tensor): tf.Tensor1D {
  return tf.sum(tf.reshape(t, [t.shape[0]!, -1]), 1) as tf.Tensor1D;
}

function learned(params: Map<string, tf.Variable>, id: string | undefined, what: string): tf.Tensor {
  const v = id === undefined ? undefined : params.get(id);
  if (!v) throw new Error(`internal error: the ${what} is learned but its parameter ${JSON.stringify(id)} is not in the IR`);
  return v;
}

/**
 * log p(x | out) per datapoint. `out`: logits (Bernoulli) or means, with x's size (reshaped to x's
 * shape). Learned σ or b is a parameter holding its log, broadcast against one datapoint's shape.
 */
export function logLikelihood(lik: LikelihoodIR, x: tf.Tensor, out: tf.Tensor, params: Map<string, tf.Variable>): tf.Tensor1D {
  const o = tf.util.arraysEqual(out.shape, x.shape) ? out : tf.reshape(out, x.shape);
  switch (lik.kind) {
    case "bernoulli":
      return bernoulliLogLik(o, x);
    case "gaussian": {
      if (lik.sigma === "learned") {
        // −½((x − μ)/σ)² − log σ − ½ log 2π with σ = e^{logσ}
        const logSigma = learned(params, lik.logSigma, "Gaussian σ");
        const r = tf.mul(tf.sub(x, o), tf.exp(tf.neg(logSigma)));
        return rowSum(tf.sub(tf.mul(tf.square(r), -0.5), tf.add(logSigma, HALF_LOG_2PI)));
      }
      const s = lik.sigma;
      const c = Math.log(s) + HALF_LOG_2PI;
      return tf.sub(tf.mul(rowSum(tf.squaredDifference(x, o)), -0.5 / (s * s)), c * (x.size / x.shape[0]!)) as tf.Tensor1D;
    }
    case "laplace": {
      if (lik.scale === "learned") {
        // −|x − μ|/b − log 2b with b = e^{log b}
        const logB = learned(params, lik.logScale, "Laplace scale");
        return rowSum(tf.sub(tf.mul(tf.neg(tf.abs(tf.sub(x, o))), tf.exp(tf.neg(logB))), tf.add(logB, Math.LN2)));
      }
      const b = lik.scale;
      return tf.sub(tf.div(rowSum(tf.abs(tf.sub(x, o))), -b), Math.log(2 * b) * (x.size / x.shape[0]!)) as tf.Tensor1D;
    }
    default: {
      const bad: never = lik;
      throw new Error(`internal error: unknown likelihood ${JSON.stringify(bad)}`);
    }
  }
}

/** The decoder's output as the likelihood's mean: sigmoid of Bernoulli logits, the output otherwise. */
export function likelihoodMean(lik: LikelihoodIR, out: tf.Tensor): tf.Tensor {
  return lik.kind === "bernoulli" ? tf.sigmoid(out) : out;
}

/** KL(N(μ, diag e^{logvar}) ‖ N(0, I)) per datapoint, analytic: [B]. */
export function klStdNormal(mean: tf.Tensor2D, logvar: tf.Tensor2D): tf.Tensor1D {
  return gaussianKlStdNormal(mean, logvar);
}

/**
 * log N(y; 0, I) − log q(y | x) per datapoint for y = μ + σ·ε, written with ε (exact, no division
 * by σ): Σ ½(ε² − y² + logvar). The 2π terms cancel.
 */
export function logPriorMinusLogQ(y: tf.Tensor2D, eps: tf.Tensor2D, logvar: tf.Tensor2D): tf.Tensor1D {
  return tf.mul(tf.sum(tf.add(tf.sub(tf.square(eps), tf.square(y)), logvar), -1), 0.5) as tf.Tensor1D;
}
