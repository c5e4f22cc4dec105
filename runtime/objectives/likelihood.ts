// Log-densities of the data under the decoder's output, summed over the data axes: [B].
import * as tf from "@tensorflow/tfjs";
import type { LikelihoodIR } from "../../compiler/ir/types";
import { bernoulliLogLik, gaussianKlStdNormal } from "../ops/losses";
import { studentTLogNorm, studentTTail } from "../ops/student-t";
import { dequantize } from "./dequantize";
import { disposeFlowDecoder, generateData, normalizeData } from "./flow-decoder";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

function rowSum(t: tf.Tensor): tf.Tensor1D {
  return tf.sum(tf.reshape(t, [t.shape[0]!, -1]), 1) as tf.Tensor1D;
}

function learned(params: Map<string, tf.Variable>, id: string | undefined, what: string): tf.Tensor {
  const v = id === undefined ? undefined : params.get(id);
  if (!v) throw new Error(`internal error: the ${what} is learned but its parameter ${JSON.stringify(id)} is not in the IR`);
  return v;
}

type Of<K extends LikelihoodIR["kind"]> = Extract<LikelihoodIR, { kind: K }>;

type Params = Map<string, tf.Variable>;

/** One implementation per IR kind: log p(x | o) per datapoint for o reshaped to x's shape, the
 *  mean the decoder's output stands for, and the data's dequantisation (before the encoder sees
 *  them) for a density on dequantised data. A kind missing here is a type error. */
const LIKELIHOODS: {
  [K in LikelihoodIR["kind"]]: {
    logLik(lik: Of<K>, x: tf.Tensor, o: tf.Tensor, params: Params): tf.Tensor1D;
    mean?(out: tf.Tensor, lik: Of<K>, params: Params): tf.Tensor;
    dequantize?(lik: Of<K>, x: tf.Tensor, seed: number): tf.Tensor;
    dispose?(lik: Of<K>, params: Params): void;
  };
} = {
  bernoulli: { logLik: (_lik, x, o) => bernoulliLogLik(o, x), mean: (out) => tf.sigmoid(out) },
  gaussian: {
    logLik(lik, x, o, params) {
      if (lik.sigma === "learned") {
        // −½((x − μ)/σ)² − log σ − ½ log 2π with σ = e^{logσ}
        const logSigma = learned(params, lik.logSigma, "Gaussian σ");
        const r = tf.mul(tf.sub(x, o), tf.exp(tf.neg(logSigma)));
        return rowSum(tf.sub(tf.mul(tf.square(r), -0.5), tf.add(logSigma, HALF_LOG_2PI)));
      }
      const s = lik.sigma;
      const c = Math.log(s) + HALF_LOG_2PI;
      return tf.sub(tf.mul(rowSum(tf.squaredDifference(x, o)), -0.5 / (s * s)), c * (x.size / x.shape[0]!)) as tf.Tensor1D;
    },
  },
  laplace: {
    logLik(lik, x, o, params) {
      if (lik.scale === "learned") {
        // −|x − μ|/b − log 2b with b = e^{log b}
        const logB = learned(params, lik.logScale, "Laplace scale");
        return rowSum(tf.sub(tf.mul(tf.neg(tf.abs(tf.sub(x, o))), tf.exp(tf.neg(logB))), tf.add(logB, Math.LN2)));
      }
      const b = lik.scale;
      return tf.sub(tf.div(rowSum(tf.abs(tf.sub(x, o))), -b), Math.log(2 * b) * (x.size / x.shape[0]!)) as tf.Tensor1D;
    },
  },
  student_t: {
    logLik(lik, x, o, params) {
      const norm = studentTLogNorm(lik.df);
      if (lik.scale === "learned") {
        const logS = learned(params, lik.logScale, "Student-t scale");
        return rowSum(tf.sub(studentTTail(tf.mul(tf.sub(x, o), tf.exp(tf.neg(logS))), lik.df), tf.sub(logS, norm)));
      }
      const s = lik.scale;
      return tf.add(rowSum(studentTTail(tf.div(tf.sub(x, o), s), lik.df)), (norm - Math.log(s)) * (x.size / x.shape[0]!)) as tf.Tensor1D;
    },
  },
  flow_decoder: {
    // log N(f(x̃; μ); μ, σ²) + log |det ∂f/∂x̃|: the Gaussian entry's math on u = f(x̃; μ)
    logLik(lik, x, o, params) {
      const { u, logDet } = normalizeData(lik, x, o, params);
      const base = LIKELIHOODS.gaussian.logLik({ kind: "gaussian", sigma: lik.sigma, ...(lik.logSigma ? { logSigma: lik.logSigma } : {}) }, u, o, params);
      return tf.add(base, logDet) as tf.Tensor1D;
    },
    mean: (out, lik, params) => generateData(lik, out, params),
    dequantize: (lik, x, seed) => dequantize(x, lik.levels, seed),
    dispose: (lik, params) => disposeFlowDecoder(lik, params),
  },
};

/**
 * log p(x | out) per datapoint. `out`: logits (Bernoulli) or means, with x's size (reshaped to x's
 * shape). Learned σ or b is a parameter holding its log, broadcast against one datapoint's shape.
 */
export function logLikelihood(lik: LikelihoodIR, x: tf.Tensor, out: tf.Tensor, params: Map<string, tf.Variable>): tf.Tensor1D {
  const o = tf.util.arraysEqual(out.shape, x.shape) ? out : tf.reshape(out, x.shape);
  const impl = LIKELIHOODS[lik.kind] as (typeof LIKELIHOODS)[LikelihoodIR["kind"]] | undefined;
  if (!impl) throw new Error(`internal error: unknown likelihood ${JSON.stringify(lik)}`);
  return impl.logLik(lik as never, x, o, params);
}

/** The decoder's output as the likelihood's mean: sigmoid of Bernoulli logits, a FlowDecoder's
 *  f⁻¹(μ(z); z), the output otherwise. `params`: the model's variables (a flow's layers read them). */
export function likelihoodMean(lik: LikelihoodIR, out: tf.Tensor, params: Params): tf.Tensor {
  const mean = LIKELIHOODS[lik.kind].mean as ((out: tf.Tensor, lik: LikelihoodIR, params: Params) => tf.Tensor) | undefined;
  return mean ? mean(out, lik, params) : out;
}

/** The data as the likelihood models them: a FlowDecoder's dequantised x̃ (noise from `seed`, a
 *  loss or IWAE call's seed), x itself for the others. */
export function likelihoodData(lik: LikelihoodIR, x: tf.Tensor, seed: number): tf.Tensor {
  const dq = LIKELIHOODS[lik.kind].dequantize as ((lik: LikelihoodIR, x: tf.Tensor, seed: number) => tf.Tensor) | undefined;
  return dq ? dq(lik, x, seed) : x;
}

/** The data's levels when the likelihood is a density on dequantised data (the discrete bound adds D·log L), else null. */
export function dequantizedLevels(lik: LikelihoodIR): number | null {
  return lik.kind === "flow_decoder" ? lik.levels : null;
}

/** Releases tensors a likelihood holds for a model (a flow's permutation matrices). */
export function disposeLikelihood(lik: LikelihoodIR, params: Params): void {
  (LIKELIHOODS[lik.kind].dispose as ((lik: LikelihoodIR, params: Params) => void) | undefined)?.(lik, params);
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
