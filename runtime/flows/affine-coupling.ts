// Affine coupling (RealNVP, Dinh et al. 2017; Glow): y = [a, b] with a the conditioning part (the
// first ⌊D/2⌋ coordinates, or with `flip` the last ⌈D/2⌉), an MLP of a gives a shift t and a raw
// log-scale; s = m·tanh(raw / m) keeps the scale in [e^−m, e^m] (unbounded scales blow up early
// training). Normalising: u_b = b·exp(s) + t, u_a = a, log-det Σ s; generating: b = (u_b − t)·exp(−s).
// The conditioner's last layer starts at zero, so a fresh coupling is the identity. A conditional
// coupling (IR `context`, a FlowDecoder's) reads [a, h] with h the conditioning features of the row.
import * as tf from "@tensorflow/tfjs";
import type { FlowLayerIR } from "../../compiler/ir/types";
import { flowParam, type FlowLayer } from "./layer";

type CouplingIR = Extract<FlowLayerIR, { kind: "affine_coupling" }>;

export class AffineCoupling implements FlowLayer {
  private readonly kernels: tf.Variable[];
  private readonly biases: tf.Variable[];
  /** the conditioning part's size */
  private readonly cond: number;

  constructor(
    private readonly ir: CouplingIR,
    params: Map<string, tf.Variable>,
    private readonly dim: number,
  ) {
    if (dim < 2) throw new Error("internal error: an affine coupling needs D ≥ 2 (IV3040)");
    this.kernels = ir.kernels.map((id) => flowParam(params, id));
    this.biases = ir.biases.map((id) => flowParam(params, id));
    const half = Math.floor(dim / 2);
    this.cond = ir.flip ? dim - half : half;
  }

  /** [conditioning part, transformed part] */
  private split(y: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
    const rest = this.dim - this.cond;
    if (this.ir.flip) return [tf.slice(y, [0, rest], [-1, this.cond]), tf.slice(y, [0, 0], [-1, rest])];
    return [tf.slice(y, [0, 0], [-1, this.cond]), tf.slice(y, [0, this.cond], [-1, rest])];
  }

  private join(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
    return tf.concat(this.ir.flip ? [b, a] : [a, b], 1);
  }

  /** the shift t and log-scale s of the transformed part, from the conditioning part */
  private conditioner(a: tf.Tensor2D, context?: tf.Tensor2D): { t: tf.Tensor2D; s: tf.Tensor2D } {
    let h: tf.Tensor2D = a;
    if (this.ir.context !== undefined) {
      if (context?.shape[1] !== this.ir.context) throw new Error(`internal error: a conditional coupling needs ${this.ir.context} conditioning features per row, got ${context ? context.shape[1] : "none"}`);
      h = tf.concat([a, context], 1);
    }
    const last = this.kernels.length - 1;
    this.kernels.forEach((k, i) => {
      h = tf.add(tf.matMul(h, k as tf.Tensor2D), this.biases[i]!);
      if (i < last) h = tf.tanh(h);
    });
    const rest = this.dim - this.cond;
    const m = this.ir.maxLogScale;
    const t = tf.slice(h, [0, 0], [-1, rest]);
    const s = tf.mul(tf.tanh(tf.div(tf.slice(h, [0, rest], [-1, rest]), m)), m) as tf.Tensor2D;
    return { t, s };
  }

  normalize(y: tf.Tensor2D, context?: tf.Tensor2D): { u: tf.Tensor2D; logDet: tf.Tensor1D } {
    const [a, b] = this.split(y);
    const { t, s } = this.conditioner(a, context);
    return { u: this.join(a, tf.add(tf.mul(b, tf.exp(s)), t)), logDet: tf.sum(s, 1) as tf.Tensor1D };
  }

  generate(u: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor2D {
    const [a, ub] = this.split(u);
    const { t, s } = this.conditioner(a, context);
    return this.join(a, tf.mul(tf.sub(ub, t), tf.exp(tf.neg(s))));
  }
}
