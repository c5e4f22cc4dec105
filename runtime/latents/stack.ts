// The layers of a categorical prior, top-down (Willetts et al. 2020's hierarchy of discrete latents):
// c_L → … → c_2 → c_1 → x, c_1 the intermediary the mapping reads, each c_l G one-hots of K_l classes
// (rows [N, G·K_l], group-major). One layer is the plain categorical prior (L = 1).
//
// Generative: p(c_L) is the prior's (uniform, `probs`, or the responsibility posterior's learned π);
// p(c_{l−1} | c_l) = softmax_per-group(c_l·W_l + b_l), a learned log-linear table ([G·K_l, G·K_{l−1}];
// with G = 1 exactly a K_l × K_{l−1} table of transition logits).
//
// Posterior, top-down like the generative model, so every layer's KL is analytic given its parent:
// q(c_L | x) ∝ exp(s_L(x)) (plus log π under the responsibility posterior), and for l < L
// q(c_l | c_{l+1}, x) ∝ p(c_l | c_{l+1}) · exp(s_l(x)), the prior's weight times the encoder's
// evidence s_l: its logits (posterior "logits") or −‖h_l − e^l_k‖²/2σ² (relaxed responsibility, a
// codebook e^l per layer: the responsibilities of a mixture whose weights are p(c_l | c_{l+1})).
// Then KL(q(c_{1:L} | x) ‖ p(c_{1:L})) = Σ_l E_q[KL(q(c_l | c_{l+1}, x) ‖ p(c_l | c_{l+1}))], each
// inner KL analytic at the sampled parent. The encoder's output holds the L evidences side by side,
// c_1's first.
import * as tf from "@tensorflow/tfjs";
import { distanceScores, logProbs, withLogPrior } from "./relaxed";

/** One layer: its classes, and (above c_1) the table of p(child | this layer). */
export interface DiscreteLayer {
  k: number;
  /** the responsibility posterior's codebook [K, E] */
  codebook?: tf.Tensor2D;
  /** logits of p(c_{l−1} | c_l): W [G·K_l, G·K_{l−1}], b [G·K_{l−1}]; absent on c_1 */
  transition?: { w: tf.Tensor2D; b: tf.Tensor1D };
}

/** A top-down pass: per layer (c_1 first) q's logits, the prior's log-probabilities, and the sample. */
export interface Walk {
  logits: tf.Tensor2D[];
  /** [K_L] for the top layer (every row), [N, G·K_l] below it (each row's parent) */
  logPrior: tf.Tensor[];
  c: tf.Tensor2D[];
}

export class DiscreteStack {
  constructor(
    readonly layers: DiscreteLayer[],
    private readonly groups: number,
    /** the responsibility posterior's σ; undefined: the encoder gives logits */
    private readonly sigma: number | undefined,
  ) {}

  get depth(): number {
    return this.layers.length;
  }

  /** encoder columns: Σ_l G·K_l logits, or L·G·E features */
  encoderUnits(codeDim: number | undefined): number {
    return this.layers.reduce((s, l) => s + this.groups * (codeDim ?? l.k), 0);
  }

  /** The encoder's output [N, units] as each layer's evidence s_l [N, G·K_l], held side by side. */
  evidence(out: tf.Tensor2D): tf.Tensor2D {
    if (this.sigma === undefined) return out;
    const parts = this.depth === 1 ? [out] : tf.split(out, this.depth, 1);
    const scores = parts.map((h, i) => distanceScores(h as tf.Tensor2D, this.layers[i]!.codebook!, this.sigma!));
    return scores.length === 1 ? scores[0]! : (tf.concat(scores, 1) as tf.Tensor2D);
  }

  /** log p(c_{l−1} | c_l) [N, G·K_{l−1}] of layer index i = l − 1 ≥ 1 */
  conditional(i: number, parent: tf.Tensor2D): tf.Tensor2D {
    const t = this.layers[i]!.transition!;
    return logProbs(tf.add(tf.matMul(parent, t.w), t.b) as tf.Tensor2D, this.layers[i - 1]!.k);
  }

  /**
   * Top-down from c_L: each layer's q logits from its evidence and its prior at the parent `pick`
   * drew, then `pick(logits, i)` draws the layer (relaxed, hard, or the mode). `topLogPrior` is
   * log p(c_L) [K_L]; `topWeighted` adds it to the top's evidence (the responsibility posterior).
   */
  walk(evidence: tf.Tensor2D, topLogPrior: tf.Tensor1D, topWeighted: boolean, pick: (logits: tf.Tensor2D, i: number) => tf.Tensor2D): Walk {
    const s = this.depth === 1 ? [evidence] : (tf.split(evidence, this.layers.map((l) => this.groups * l.k), 1) as tf.Tensor2D[]);
    const n = this.depth;
    const out: Walk = { logits: new Array(n), logPrior: new Array(n), c: new Array(n) };
    for (let i = n - 1; i >= 0; i--) {
      const k = this.layers[i]!.k;
      const top = i === n - 1;
      const logPrior = top ? topLogPrior : this.conditional(i + 1, out.c[i + 1]!);
      out.logPrior[i] = logPrior;
      out.logits[i] = top && !topWeighted ? s[i]! : withLogPrior(s[i]!, logPrior, k);
      out.c[i] = pick(out.logits[i]!, i);
    }
    return out;
  }

  /** Ancestral samples: c_L from `top` (hard), then each c_l ~ p(c_l | c_{l+1}) by `draw(logProbs, i)`. */
  ancestral(topSample: tf.Tensor2D, draw: (logp: tf.Tensor2D, i: number) => tf.Tensor2D): tf.Tensor2D {
    let c = topSample;
    for (let i = this.depth - 2; i >= 0; i--) c = draw(this.conditional(i + 1, c), i);
    return c;
  }
}
