// Spike-and-slab (VSC, Tonolini et al., UAI 2019): each coordinate is N(0, 1) with probability α,
// else exactly 0. q(y|x) = γ·N(μ, σ²) + (1 − γ)·δ₀ per coordinate, γ = sigmoid(spike logits).
// Training uses their relaxed selection s = sigmoid(c·(η + γ − 1)), η ~ U(0, 1), with the sharpness c
// warmed up from start to end over training, and the analytic KL. Importance weights use HARD
// selections s ~ Bernoulli(γ) and the mixed-measure densities (the δ₀ parts cancel), so IWAE is a
// valid estimate of log p(x); its gradient does not reach γ through the discrete s.
import * as tf from "@tensorflow/tfjs";
import { deriveSeed, standardNormal, STREAM } from "../model/random";
import { HALF_LOG_2PI, reparamRows } from "./gaussian";
import type { DrawOptions, Posterior, Prior } from "./prior";

/** γ is kept in [CLAMP, 1 − CLAMP] inside logarithms (float32: 1 − 1e-6 is still < 1). */
const CLAMP = 1e-6;

export class SpikeSlabPrior implements Prior {
  readonly kind = "spike_slab";
  readonly heads = 3 as const;

  constructor(
    private readonly alpha: number,
    private readonly sharpness: [number, number],
    private readonly dim: number,
  ) {}

  /** c at a training fraction; the final sharpness outside training, so validation means one thing */
  sharpnessAt(progress: number | undefined): number {
    const [a, b] = this.sharpness;
    if (progress === undefined) return b;
    return a + (b - a) * Math.min(1, Math.max(0, progress));
  }

  private gamma(q: Posterior): tf.Tensor2D {
    if (!q.logits) throw new Error("internal error: the spike-and-slab prior needs the encoder's spike logits");
    return tf.sigmoid(q.logits);
  }

  /** η ~ U(0, 1) per coordinate, from the call's seed on a path the Gaussian noise never uses */
  private selectionNoise(rows: number, o: DrawOptions): tf.Tensor2D {
    return tf.randomUniform([rows, this.dim], 0, 1, "float32", deriveSeed(o.seed, STREAM.noise, o.chunk, 1)) as tf.Tensor2D;
  }

  /** Σ_d γ/2·(−1 − log σ² + μ² + σ²) + (1 − γ)·log((1 − γ)/(1 − α)) + γ·log(γ/α) */
  kl(q: Posterior): tf.Tensor1D {
    const g = tf.clipByValue(this.gamma(q), CLAMP, 1 - CLAMP);
    const slab = tf.mul(tf.mul(g, 0.5), tf.sub(tf.add(tf.square(q.mean), tf.exp(q.logvar)), tf.add(q.logvar, 1)));
    const off = tf.mul(tf.sub(1, g), tf.sub(tf.log(tf.sub(1, g)), Math.log(1 - this.alpha)));
    const on = tf.mul(g, tf.sub(tf.log(g), Math.log(this.alpha)));
    return tf.sum(tf.add(slab, tf.add(off, on)), -1) as tf.Tensor1D;
  }

  elbo(q: Posterior, eps: tf.Tensor2D, o: DrawOptions): { y: tf.Tensor2D; kl: tf.Tensor1D } {
    const g = this.gamma(q);
    const eta = this.selectionNoise(eps.shape[0], o);
    const s = tf.sigmoid(tf.mul(tf.sub(tf.add(eta, g), 1), this.sharpnessAt(o.progress)));
    return { y: tf.mul(s, reparamRows(q, eps)), kl: this.kl(q) };
  }

  importance(q: Posterior, eps: tf.Tensor2D, o: DrawOptions): { y: tf.Tensor2D; logRatio: tf.Tensor1D } {
    const g = tf.clipByValue(this.gamma(q), CLAMP, 1 - CLAMP);
    const s = tf.cast(tf.less(this.selectionNoise(eps.shape[0], o), g), "float32") as tf.Tensor2D;
    const slab = reparamRows(q, eps);
    const y = tf.mul(s, slab) as tf.Tensor2D;
    // active coordinates: log α + log N(y; 0, 1) − log γ − log N(y; μ, σ²) (the latter with ε, exact)
    const logN01 = tf.sub(tf.mul(tf.square(slab), -0.5), HALF_LOG_2PI);
    const logNq = tf.sub(tf.mul(tf.add(tf.square(eps), q.logvar), -0.5), HALF_LOG_2PI);
    const on = tf.sub(tf.add(logN01, Math.log(this.alpha)), tf.add(logNq, tf.log(g)));
    // inactive coordinates: both put y at exactly 0, so only the selection probabilities remain
    const off = tf.sub(Math.log(1 - this.alpha), tf.log(tf.sub(1, g)));
    const logRatio = tf.sum(tf.add(tf.mul(s, on), tf.mul(tf.sub(1, s), off)), -1) as tf.Tensor1D;
    return { y, logRatio };
  }

  sample(n: number, seed: number): tf.Tensor2D {
    return tf.tidy(() => {
      const s = tf.cast(tf.less(tf.randomUniform([n, this.dim], 0, 1, "float32", deriveSeed(seed, STREAM.prior, 1)), this.alpha), "float32");
      return tf.mul(s, standardNormal([n, this.dim], deriveSeed(seed, STREAM.prior))) as tf.Tensor2D;
    });
  }

  /** the posterior mean γ ⊙ μ */
  representation(q: Posterior): tf.Tensor2D {
    return tf.mul(this.gamma(q), q.mean);
  }
}

