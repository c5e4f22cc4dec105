// A radial layer (Rezende & Mohamed 2015) in the normalising direction, u = y + β·(y − c)/(α + r),
// r = ‖y − c‖, with the mapping flow's parameterisation α = softplus(α̂), β = −α + softplus(β̂) ≥ −α
// (invertible; runtime/mapping/library.ts radialFlow computes u). With h = 1/(α + r):
//   log |det ∂u/∂y| = (D − 1)·log(1 + β·h) + log(1 + β·h − β·r·h²).
// Its inverse is closed-form: ρ = ‖u − c‖ = r·(1 + β/(α + r)) is the quadratic r² + (α + β − ρ)·r − ρα = 0
// in r, and y = c + (u − c)·r/ρ. Starts as the identity (β = 0).
import * as tf from "@tensorflow/tfjs";
import type { FlowLayerIR } from "../../compiler/ir/types";
import { radialFlow } from "../mapping/library";
import { flowParam, type FlowLayer } from "./layer";

/** ‖x‖ per row, [B, 1], with a finite gradient at 0 (as the mapping's radial flow guards it) */
function rowNorm(x: tf.Tensor2D): tf.Tensor2D {
  const s = tf.sum(tf.square(x), 1, true);
  const pos = tf.greater(s, 0);
  return tf.where(pos, tf.sqrt(tf.where(pos, s, tf.onesLike(s))), tf.zerosLike(s)) as tf.Tensor2D;
}

export class Radial implements FlowLayer {
  private readonly center: tf.Variable;
  private readonly alphaRaw: tf.Variable;
  private readonly betaRaw: tf.Variable;

  constructor(
    ir: Extract<FlowLayerIR, { kind: "radial" }>,
    params: Map<string, tf.Variable>,
    private readonly dim: number,
  ) {
    this.center = flowParam(params, ir.center);
    this.alphaRaw = flowParam(params, ir.alpha);
    this.betaRaw = flowParam(params, ir.beta);
  }

  private alphaBeta(): { a: tf.Scalar; b: tf.Scalar } {
    const a = tf.softplus(tf.reshape(this.alphaRaw, [])) as tf.Scalar;
    return { a, b: tf.add(tf.neg(a), tf.softplus(tf.reshape(this.betaRaw, []))) as tf.Scalar };
  }

  normalize(y: tf.Tensor2D): { u: tf.Tensor2D; logDet: tf.Tensor1D } {
    const u = radialFlow(y, [this.center], [this.alphaRaw], [this.betaRaw]);
    const { a, b } = this.alphaBeta();
    const r = rowNorm(tf.sub(y, this.center));
    const h = tf.div(1, tf.add(a, r));
    const bh = tf.mul(b, h);
    const logDet = tf.add(tf.mul(tf.log1p(bh), this.dim - 1), tf.log(tf.sub(tf.add(1, bh), tf.mul(tf.mul(b, r), tf.square(h)))));
    return { u, logDet: tf.reshape(logDet, [-1]) as tf.Tensor1D };
  }

  generate(u: tf.Tensor2D): tf.Tensor2D {
    const { a, b } = this.alphaBeta();
    const d = tf.sub(u, this.center) as tf.Tensor2D;
    const rho = rowNorm(d);
    const q = tf.sub(tf.add(a, b), rho);
    const r = tf.mul(tf.add(tf.neg(q), tf.sqrt(tf.add(tf.square(q), tf.mul(tf.mul(rho, a), 4)))), 0.5);
    const ratio = tf.where(tf.greater(rho, 0), tf.div(r, tf.maximum(rho, 1e-30)), tf.onesLike(rho));
    return tf.add(this.center, tf.mul(d, ratio));
  }
}
