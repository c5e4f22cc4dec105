// A learned permutation: Glow's invertible 1×1 convolution on a vector, LU-decomposed (Kingma &
// Dhariwal 2018): W = P·L·(U + diag(exp(s))) with P a fixed permutation (from the IR's seed), L unit
// lower-triangular and U strictly upper-triangular (the raw parameters' other entries are unused).
// Normalising: u = W·y, log-det Σ s (det P = ±1, det L = 1). It starts at W = P (L = I, U = 0, s = 0).
// Generating inverts W on the CPU in float64: sampling needs no gradient, and tfjs has no solver.
import * as tf from "@tensorflow/tfjs";
import type { FlowLayerIR } from "../../compiler/ir/types";
import { flowParam, type FlowLayer } from "./layer";
import { permutation } from "./permute";

type LinearIR = Extract<FlowLayerIR, { kind: "invertible_linear" }>;

/** A [d, d] 0/1 mask: strictly below (`lower`) or strictly above the diagonal. */
function triangleMask(d: number, lower: boolean): tf.Tensor2D {
  const m = new Float32Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (lower ? j < i : j > i) m[i * d + j] = 1;
  return tf.tensor2d(m, [d, d]);
}

/** The inverse of a d×d row-major matrix by Gauss–Jordan with partial pivoting, in float64. */
export function invertMatrix(a: ArrayLike<number>, d: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = new Float64Array(d * d);
  for (let i = 0; i < d; i++) inv[i * d + i] = 1;
  for (let c = 0; c < d; c++) {
    let piv = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(m[r * d + c]!) > Math.abs(m[piv * d + c]!)) piv = r;
    if (m[piv * d + c] === 0) throw new Error("internal error: a singular invertible_linear layer");
    for (const x of [m, inv]) for (let j = 0; j < d; j++) [x[c * d + j], x[piv * d + j]] = [x[piv * d + j]!, x[c * d + j]!];
    const p = m[c * d + c]!;
    for (let j = 0; j < d; j++) {
      m[c * d + j]! /= p;
      inv[c * d + j]! /= p;
    }
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = m[r * d + c]!;
      if (f === 0) continue;
      for (let j = 0; j < d; j++) {
        m[r * d + j]! -= f * m[c * d + j]!;
        inv[r * d + j]! -= f * inv[c * d + j]!;
      }
    }
  }
  return inv;
}

export class InvertibleLinear implements FlowLayer {
  private readonly lower: tf.Variable;
  private readonly upper: tf.Variable;
  private readonly logScale: tf.Variable;
  private readonly p: tf.Tensor2D;
  private readonly lowerMask: tf.Tensor2D;
  private readonly upperMask: tf.Tensor2D;

  constructor(
    ir: LinearIR,
    params: Map<string, tf.Variable>,
    private readonly dim: number,
  ) {
    this.lower = flowParam(params, ir.lower);
    this.upper = flowParam(params, ir.upper);
    this.logScale = flowParam(params, ir.logScale);
    const perm = permutation(dim, "random", ir.seed);
    this.p = tf.keep(tf.gather(tf.eye(dim), tf.tensor1d(perm, "int32")) as tf.Tensor2D);
    this.lowerMask = tf.keep(triangleMask(dim, true));
    this.upperMask = tf.keep(triangleMask(dim, false));
  }

  /** W = P·L·(U + diag(exp(s))); the diagonal as I ⊙ exp(s) (tf.diag has no gradient) */
  weight(): tf.Tensor2D {
    const l = tf.add(tf.mul(this.lower, this.lowerMask), tf.eye(this.dim)) as tf.Tensor2D;
    const u = tf.add(tf.mul(this.upper, this.upperMask), tf.mul(tf.eye(this.dim), tf.exp(this.logScale))) as tf.Tensor2D;
    return tf.matMul(this.p, tf.matMul(l, u));
  }

  normalize(y: tf.Tensor2D): { u: tf.Tensor2D; logDet: tf.Tensor1D } {
    // rows: u = y·Wᵀ
    return { u: tf.matMul(y, this.weight(), false, true), logDet: tf.broadcastTo(tf.sum(this.logScale), [y.shape[0]]) as tf.Tensor1D };
  }

  generate(u: tf.Tensor2D): tf.Tensor2D {
    const inv = invertMatrix(this.weight().dataSync(), this.dim);
    return tf.matMul(u, tf.tensor2d(Float32Array.from(inv), [this.dim, this.dim]), false, true);
  }

  dispose(): void {
    for (const t of [this.p, this.lowerMask, this.upperMask]) t.dispose();
  }
}
