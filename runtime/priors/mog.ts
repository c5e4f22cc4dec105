// Mixture of Gaussians: fixed (the IR's means, one shared std, equal weights) or learnable (means =
// IR means + offsets, std_k = exp(logStd_k), weights = softmax(logits)). No analytic KL: Monte Carlo.
import * as tf from "@tensorflow/tfjs";
import type { PriorIR } from "../../compiler/ir/types";
import { deriveSeed, standardNormal, STREAM } from "../model/random";
import { logMixture, MonteCarloPrior } from "./gaussian";
import { clipLogvar, clipRangeOf } from "./logvar-clip";

type MogIR = Extract<PriorIR, { kind: "mog" }>;

function param(params: Map<string, tf.Variable>, id: string): tf.Variable {
  const v = params.get(id);
  if (!v) throw new Error(`internal error: the mixture prior's parameter '${id}' is not in the IR`);
  return v;
}

export class MixturePrior extends MonteCarloPrior {
  readonly kind = "mog";
  private readonly base: tf.Tensor2D;
  private readonly learned: { offsets: tf.Variable; logStd: tf.Variable; logits: tf.Variable } | null;
  /** clip_logvar's state [on, lo, hi] (runtime/priors/logvar-clip.ts); null without the clip */
  private readonly clip: tf.Variable | null;

  constructor(
    private readonly ir: MogIR,
    params: Map<string, tf.Variable>,
    state: Map<string, tf.Variable> = new Map(),
  ) {
    super();
    this.base = tf.keep(tf.tensor2d(ir.means));
    if (ir.learnable && !ir.params) throw new Error("internal error: a learnable mixture prior without parameter ids");
    this.learned =
      ir.learnable && ir.params ? { offsets: param(params, ir.params.meanOffsets), logStd: param(params, ir.params.logStd), logits: param(params, ir.params.logits) } : null;
    this.clip = ir.clip ? param(state, ir.clip) : null;
  }

  get learnable(): boolean {
    return this.learned !== null;
  }

  /** means [K, D], log-stds [K, 1], normalised log-weights [K] (tensors of the caller's scope) */
  components(): { means: tf.Tensor2D; logSd: tf.Tensor2D; logW: tf.Tensor1D } {
    const k = this.ir.k;
    if (!this.learned) {
      return { means: this.base, logSd: tf.fill([k, 1], Math.log(this.ir.std)) as tf.Tensor2D, logW: tf.fill([k], -Math.log(k)) as tf.Tensor1D };
    }
    const l = this.learned;
    // log σ = ½·log σ², clipped on the log-variance's scale as the rule is written
    const logSd = this.clip ? tf.mul(clipLogvar(tf.mul(l.logStd, 2), this.clip as tf.Tensor1D), 0.5) : l.logStd;
    return { means: tf.add(this.base, l.offsets), logSd: tf.reshape(logSd, [k, 1]), logW: tf.logSoftmax(l.logits) as tf.Tensor1D };
  }

  /** The clip's state [on, lo, hi], or null without clip_logvar. */
  clipState(): number[] | null {
    return this.clip ? Array.from(this.clip.dataSync()) : null;
  }

  /** Switches clip_logvar on with the range of the modes' current (unclipped) log-variances; false
   * when there is no clip or it is on already (a resumed run keeps the range it had). */
  startClip(): boolean {
    if (!this.clip || !this.learned || this.clip.dataSync()[0]! > 0.5) return false;
    const range = clipRangeOf(Array.from(this.learned.logStd.dataSync(), (s) => 2 * s));
    tf.tidy(() => this.clip!.assign(tf.tensor1d(range)));
    return true;
  }

  logDensity(y: tf.Tensor2D): tf.Tensor1D {
    const c = this.components();
    return logMixture(y, c.means, c.logSd, c.logW);
  }

  sample(n: number, seed: number): tf.Tensor2D {
    return tf.tidy(() => {
      const c = this.components();
      // The picks leave the gradient tape (tfjs has no gradient for Multinomial, nor for gather's
      // int32 indices), then select by one-hot rows: exactly the values gather would give.
      const drawn = tf.multinomial(tf.expandDims(c.logW, 0) as tf.Tensor2D, n, deriveSeed(seed, STREAM.prior, 1));
      const hot = tf.oneHot(tf.tensor1d(drawn.dataSync() as Int32Array, "int32"), this.ir.k) as tf.Tensor2D;
      const eps = standardNormal([n, this.base.shape[1]], deriveSeed(seed, STREAM.prior));
      return tf.add(tf.matMul(hot, c.means), tf.mul(tf.exp(tf.matMul(hot, c.logSd)), eps)) as tf.Tensor2D;
    });
  }

  /**
   * Resets the modes of weight below (1/K)² around the heaviest one (Athanasiadis et al. 2025, as
   * their code does): each takes the heaviest mode's mean plus 0.1·its std·ε and its std, and the
   * heaviest mode's weight is shared equally between it and them. Returns how many were reset.
   */
  resetInactiveModes(seed: number): number {
    const l = this.learned;
    if (!l) return 0;
    const k = this.ir.k;
    const w = Array.from(tf.tidy(() => tf.softmax(l.logits)).dataSync());
    const inactive = w.map((v, i) => (v < 1 / (k * k) ? i : -1)).filter((i) => i >= 0);
    if (inactive.length === 0) return 0;
    const top = w.indexOf(Math.max(...w));
    const share = w[top]! / (inactive.length + 1);
    for (const i of [top, ...inactive]) w[i] = share;
    tf.tidy(() => {
      const logStd = l.logStd.dataSync();
      const offsets = l.offsets.arraySync() as number[][];
      const base = this.ir.means;
      const eps = standardNormal([inactive.length, base[0]!.length], seed).arraySync() as number[][];
      const sd = Math.exp(logStd[top]!);
      const ls = Array.from(logStd);
      inactive.forEach((i, j) => {
        offsets[i] = base[top]!.map((m, d) => m + offsets[top]![d]! + 0.1 * sd * eps[j]![d]! - base[i]![d]!);
        ls[i] = logStd[top]!;
      });
      l.offsets.assign(tf.tensor2d(offsets));
      l.logStd.assign(tf.tensor1d(ls));
      l.logits.assign(tf.log(tf.tensor1d(w)));
    });
    return inactive.length;
  }

  dispose(): void {
    this.base.dispose();
  }
}
