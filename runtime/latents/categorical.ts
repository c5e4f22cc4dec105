// The prior of a OneHot latent: G independent categoricals of K classes, rows [N, G·K] (group-major).
// The encoder's head gives the logits. The ELBO's sample is the relaxed one-hot (or straight-through:
// the hard one-hot forward, the relaxed gradient) at the annealed temperature, with the analytic
// categorical KL. Importance weights use HARD samples (Gumbel-max, exactly q) and the exact
// categorical densities, log p(c) − log q(c|x), so IWAE is a bound on the discrete model's log p(x)
// (its gradient does not reach the logits through c). The posterior's `mean` is q's probabilities
// (E_q[c]) and `logvar` each coordinate's Bernoulli log-variance, so code reading them stays meaningful.
// With `stack` the prior is L layers c_L → … → c_1 (runtime/latents/stack.ts): the ELBO's KL is the
// sum of the layers' analytic KLs at the sampled parents, IWAE's weights the sums of the layers' log
// p − log q of hard top-down samples, and prior samples are ancestral. One layer is the same code.
import * as tf from "@tensorflow/tfjs";
import type { PriorIR } from "../../compiler/ir/types";
import { deriveSeed, STREAM } from "../model/random";
import type { DrawOptions, Posterior, Prior } from "../priors/prior";
import { categoricalKl, gumbelNoise, hardOneHot, logCategorical, logProbs, relaxedOneHot, straightThrough, temperatureAt } from "./relaxed";
import { DiscreteStack, type Walk } from "./stack";

export type CategoricalIR = Extract<PriorIR, { kind: "categorical" }>;

/** Bernoulli variances p(1 − p) are kept ≥ VAR_MIN inside the logarithm. */
const VAR_MIN = 1e-12;

export class CategoricalPrior implements Prior {
  readonly kind = "categorical";
  readonly heads = 1 as const;
  /** the encoder's head: the layers' G·K logits, or G·E features each for the relaxed-responsibility posterior */
  readonly encoderUnits: number;
  private readonly base: tf.Tensor1D;
  private readonly weights: tf.Variable | null;
  private readonly stack: DiscreteStack;
  private readonly groups: number;

  constructor(
    private readonly ir: CategoricalIR,
    params: Map<string, tf.Variable> = new Map(),
  ) {
    this.groups = ir.groups;
    this.base = tf.keep(tf.tensor1d(ir.logPrior));
    const r = ir.responsibility;
    const get = (id: string) => {
      const v = params.get(id);
      if (!v) throw new Error(`internal error: the categorical prior's parameter '${id}' is not in the IR`);
      return v;
    };
    const matrix = (id: string | undefined) => (id === undefined ? undefined : (get(id) as tf.Tensor as tf.Tensor2D));
    this.weights = r ? get(r.weights) : null;
    this.stack = new DiscreteStack(
      [
        { k: ir.classes, codebook: matrix(r?.codebook) },
        ...(ir.stack ?? []).map((l) => ({ k: l.classes, codebook: matrix(l.codebook), transition: { w: matrix(l.transition)!, b: get(l.bias) as tf.Tensor as tf.Tensor1D } })),
      ],
      ir.groups,
      r?.sigma,
    );
    this.encoderUnits = this.stack.encoderUnits(r?.codeDim);
  }

  /** log p(c_L) [K_L] of the top layer: the IR's, or with the responsibility posterior log softmax(logPrior + weights) */
  private logPrior(): tf.Tensor1D {
    return this.weights ? (tf.logSoftmax(tf.add(this.base, this.weights)) as tf.Tensor1D) : this.base;
  }

  /**
   * q from the encoder's output. `logits` holds the layers' evidence side by side (for one layer
   * with "logits", the class logits themselves); `mean` is q(c_1)'s probabilities, for a stack at
   * the mode of every layer above (each parent its most probable one-hot).
   */
  posterior(out: tf.Tensor2D): Posterior {
    const evidence = this.stack.evidence(out);
    const w = this.walk(evidence, (logits, i) => (i === 0 ? logits : hardOneHot(logits, tf.zerosLike(logits), this.stack.layers[i]!.k)));
    const p = tf.exp(logProbs(w.logits[0]!, this.stack.layers[0]!.k));
    return { mean: p, logvar: tf.log(tf.maximum(tf.mul(p, tf.sub(1, p)), VAR_MIN)) as tf.Tensor2D, logits: evidence };
  }

  temperatureAt(progress: number | undefined): number {
    return temperatureAt(this.ir.temperature, progress);
  }

  private evidence(q: Posterior): tf.Tensor2D {
    if (!q.logits) throw new Error("internal error: the categorical prior needs the encoder's logits");
    return q.logits;
  }

  private walk(evidence: tf.Tensor2D, pick: (logits: tf.Tensor2D, i: number) => tf.Tensor2D): Walk {
    return this.stack.walk(evidence, this.logPrior(), this.weights !== null, pick);
  }

  /** Gumbel noise for layer i's rows, from the call's seed on a path the Gaussian noise never uses (c_1's as for one layer) */
  private noise(rows: number, i: number, o: DrawOptions): tf.Tensor2D {
    const seed = i === 0 ? deriveSeed(o.seed, STREAM.noise, o.chunk, 2) : deriveSeed(o.seed, STREAM.noise, o.chunk, 2, i);
    return gumbelNoise(rows, this.groups * this.stack.layers[i]!.k, seed);
  }

  elbo(q: Posterior, eps: tf.Tensor2D, o: DrawOptions): { y: tf.Tensor2D; kl: tf.Tensor1D } {
    const tau = this.temperatureAt(o.progress);
    const w = this.walk(this.evidence(q), (logits, i) => {
      const k = this.stack.layers[i]!.k;
      const g = this.noise(eps.shape[0], i, o);
      const soft = relaxedOneHot(logits, g, tau, k);
      return this.ir.straightThrough ? straightThrough(hardOneHot(logits, g, k), soft) : soft;
    });
    const kls = w.logits.map((logits, i) => categoricalKl(logits, w.logPrior[i]!, this.stack.layers[i]!.k));
    return { y: w.c[0]!, kl: kls.length === 1 ? kls[0]! : (tf.addN(kls) as tf.Tensor1D) };
  }

  importance(q: Posterior, eps: tf.Tensor2D, o: DrawOptions): { y: tf.Tensor2D; logRatio: tf.Tensor1D } {
    const w = this.walk(this.evidence(q), (logits, i) => hardOneHot(logits, this.noise(eps.shape[0], i, o), this.stack.layers[i]!.k));
    const ratios = w.c.map((c, i) => {
      const k = this.stack.layers[i]!.k;
      return tf.sub(logCategorical(c, w.logPrior[i]!, k), logCategorical(c, logProbs(w.logits[i]!, k), k)) as tf.Tensor1D;
    });
    return { y: w.c[0]!, logRatio: ratios.length === 1 ? ratios[0]! : (tf.addN(ratios) as tf.Tensor1D) };
  }

  /** c_1 ~ p(c_1): hard one-hots [n, G·K] by ancestral sampling (Gumbel-max at every layer, c_L first) */
  sample(n: number, seed: number): tf.Tensor2D {
    return tf.tidy(() => {
      const top = this.stack.depth - 1;
      const kTop = this.stack.layers[top]!.k;
      const layerSeed = (i: number) => (i === 0 ? deriveSeed(seed, STREAM.prior, 2) : deriveSeed(seed, STREAM.prior, 2, i));
      const logits = tf.tile(tf.reshape(this.logPrior(), [1, kTop]), [n, this.groups]) as tf.Tensor2D;
      const cTop = hardOneHot(logits, gumbelNoise(n, this.groups * kTop, layerSeed(top)), kTop);
      return this.stack.ancestral(cTop, (logp, i) => hardOneHot(logp, gumbelNoise(n, this.groups * this.stack.layers[i]!.k, layerSeed(i)), this.stack.layers[i]!.k));
    });
  }

  /** log p(c) of hard one-hot rows (one layer: a stack's marginal of c_1 would sum over every layer above) */
  logDensity(c: tf.Tensor2D): tf.Tensor1D {
    if (this.stack.depth > 1) throw new Error("internal error: a stack of discrete layers has no closed-form log p(c_1) (the compiler refuses a Monte Carlo KL with it)");
    return logCategorical(c, this.logPrior(), this.ir.classes);
  }

  dispose(): void {
    this.base.dispose();
  }
}
