// The prior of a OneHot latent: G independent categoricals of K classes, rows [N, G·K] (group-major).
// The encoder's head gives the logits. The ELBO's sample is the relaxed one-hot (or straight-through:
// the hard one-hot forward, the relaxed gradient) at the annealed temperature, with the analytic
// categorical KL. Importance weights use HARD samples (Gumbel-max, exactly q) and the exact
// categorical densities, log p(c) − log q(c|x), so IWAE is a bound on the discrete model's log p(x)
// (its gradient does not reach the logits through c). The posterior's `mean` is q's probabilities
// (E_q[c]) and `logvar` each coordinate's Bernoulli log-variance, so code reading them stays meaningful.
import * as tf from "@tensorflow/tfjs";
import type { PriorIR } from "../../compiler/ir/types";
import { deriveSeed, STREAM } from "../model/random";
import type { DrawOptions, Posterior, Prior } from "../priors/prior";
import { categoricalKl, gumbelNoise, hardOneHot, logCategorical, logProbs, relaxedOneHot, responsibilityLogits, straightThrough, temperatureAt } from "./relaxed";

export type CategoricalIR = Extract<PriorIR, { kind: "categorical" }>;

/** Bernoulli variances p(1 − p) are kept ≥ VAR_MIN inside the logarithm. */
const VAR_MIN = 1e-12;

export class CategoricalPrior implements Prior {
  readonly kind = "categorical";
  readonly heads = 1 as const;
  /** the encoder's head: G·K logits, or G·E features for the relaxed-responsibility posterior */
  readonly encoderUnits: number;
  private readonly base: tf.Tensor1D;
  private readonly k: number;
  private readonly dim: number;
  private readonly learned: { codebook: tf.Variable; weights: tf.Variable } | null;

  constructor(
    private readonly ir: CategoricalIR,
    params: Map<string, tf.Variable> = new Map(),
  ) {
    this.k = ir.classes;
    this.dim = ir.groups * ir.classes;
    this.base = tf.keep(tf.tensor1d(ir.logPrior));
    const r = ir.responsibility;
    const get = (id: string) => {
      const v = params.get(id);
      if (!v) throw new Error(`internal error: the categorical prior's parameter '${id}' is not in the IR`);
      return v;
    };
    this.learned = r ? { codebook: get(r.codebook), weights: get(r.weights) } : null;
    this.encoderUnits = r ? ir.groups * r.codeDim : this.dim;
  }

  /** log p(k) [K]: the IR's, or with the responsibility posterior log softmax(logPrior + weights) */
  private logPrior(): tf.Tensor1D {
    return this.learned ? (tf.logSoftmax(tf.add(this.base, this.learned.weights)) as tf.Tensor1D) : this.base;
  }

  /** q from the encoder's output: its G·K logits, or the responsibilities of its G·E features */
  posterior(out: tf.Tensor2D): Posterior {
    const r = this.ir.responsibility;
    const logits = r && this.learned ? responsibilityLogits(out, this.learned.codebook as tf.Tensor as tf.Tensor2D, this.logPrior(), r.sigma) : out;
    const p = tf.exp(logProbs(logits, this.k));
    return { mean: p, logvar: tf.log(tf.maximum(tf.mul(p, tf.sub(1, p)), VAR_MIN)) as tf.Tensor2D, logits };
  }

  temperatureAt(progress: number | undefined): number {
    return temperatureAt(this.ir.temperature, progress);
  }

  private logits(q: Posterior): tf.Tensor2D {
    if (!q.logits) throw new Error("internal error: the categorical prior needs the encoder's logits");
    return q.logits;
  }

  /** Gumbel noise per row, from the call's seed on a path the Gaussian noise never uses */
  private noise(rows: number, o: DrawOptions): tf.Tensor2D {
    return gumbelNoise(rows, this.dim, deriveSeed(o.seed, STREAM.noise, o.chunk, 2));
  }

  elbo(q: Posterior, eps: tf.Tensor2D, o: DrawOptions): { y: tf.Tensor2D; kl: tf.Tensor1D } {
    const logits = this.logits(q);
    const g = this.noise(eps.shape[0], o);
    const soft = relaxedOneHot(logits, g, this.temperatureAt(o.progress), this.k);
    const y = this.ir.straightThrough ? straightThrough(hardOneHot(logits, g, this.k), soft) : soft;
    return { y, kl: categoricalKl(logits, this.logPrior(), this.k) };
  }

  importance(q: Posterior, eps: tf.Tensor2D, o: DrawOptions): { y: tf.Tensor2D; logRatio: tf.Tensor1D } {
    const logits = this.logits(q);
    const c = hardOneHot(logits, this.noise(eps.shape[0], o), this.k);
    return { y: c, logRatio: tf.sub(logCategorical(c, this.logPrior(), this.k), logCategorical(c, logProbs(logits, this.k), this.k)) as tf.Tensor1D };
  }

  /** c ~ p(c): hard one-hots [n, G·K] (Gumbel-max on the prior's logits) */
  sample(n: number, seed: number): tf.Tensor2D {
    return tf.tidy(() => {
      const logits = tf.tile(tf.reshape(this.logPrior(), [1, this.k]), [n, this.ir.groups]) as tf.Tensor2D;
      return hardOneHot(logits, gumbelNoise(n, this.dim, deriveSeed(seed, STREAM.prior, 2)), this.k);
    });
  }

  /** log p(c) of hard one-hot rows */
  logDensity(c: tf.Tensor2D): tf.Tensor1D {
    return logCategorical(c, this.logPrior(), this.k);
  }

  dispose(): void {
    this.base.dispose();
  }
}
