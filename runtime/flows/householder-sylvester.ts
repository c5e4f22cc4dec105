// A Householder–Sylvester layer (van den Berg et al. 2018) in the normalising direction,
// u = y + Q·R·tanh(R̃·Qᵀ·y + b): the math and its log-det are the mapping flow's
// (runtime/mapping/sylvester.ts, Q from M Householder reflections, R and R̃ upper-triangular with
// tanh'd diagonals, so |rᵢᵢ|, |r̃ᵢᵢ| < 1 and every Jacobian factor 1 + h'·r̃ᵢᵢ·rᵢᵢ > 0).
// Generating has no closed form, but it is triangular: with v = Qᵀy and t = Qᵀu, coordinate i of
// t = v + R·h(R̃·v + b) involves only v_i … v_M, and it increases in v_i. So v is solved from the
// last coordinate up by bisection (within |rᵢᵢ| of t_i minus the known terms), and
// y = u + Q·(v − t), since the part of y outside Q's columns passes unchanged. CPU, float64.
import * as tf from "@tensorflow/tfjs";
import type { FlowLayerIR } from "../../compiler/ir/types";
import { householderQ, sylvesterFlow, type SylvesterLayer } from "../mapping/sylvester";
import { bisect } from "./bisect";
import { flowParam, type FlowLayer } from "./layer";

/** R as sylvester.ts builds it from a raw [M, M]: the strict upper triangle, the diagonal tanh'd. */
function upper(raw: Float32Array | Float64Array, m: number): Float64Array {
  const r = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = i; j < m; j++) r[i * m + j] = i === j ? Math.tanh(raw[i * m + j]!) : raw[i * m + j]!;
  return r;
}

export class HouseholderSylvester implements FlowLayer {
  private readonly layer: SylvesterLayer;

  constructor(
    ir: Extract<FlowLayerIR, { kind: "householder_sylvester" }>,
    params: Map<string, tf.Variable>,
    private readonly dim: number,
  ) {
    this.layer = { q: flowParam(params, ir.q), r1: flowParam(params, ir.r1), r2: flowParam(params, ir.r2), b: flowParam(params, ir.b) };
  }

  normalize(y: tf.Tensor2D): { u: tf.Tensor2D; logDet: tf.Tensor1D } {
    const r = sylvesterFlow(y, [this.layer], true);
    return { u: r.z, logDet: r.logDet! };
  }

  generate(u: tf.Tensor2D): tf.Tensor2D {
    const d = this.dim;
    const q = householderQ(this.layer.q!, d);
    const m = q.shape[1];
    const r = upper(this.layer.r1.dataSync() as Float32Array, m);
    const rt = upper(this.layer.r2.dataSync() as Float32Array, m);
    const b = this.layer.b.dataSync();
    const t = tf.matMul(u, q).dataSync(); // [B, M]
    const rows = u.shape[0];
    const dv = new Float32Array(rows * m); // v − t
    const v = new Float64Array(m);
    const h = new Float64Array(m);
    for (let n = 0; n < rows; n++) {
      for (let i = m - 1; i >= 0; i--) {
        // pre_i = r̃ᵢᵢ·v_i + c, and t_i = v_i + rᵢᵢ·tanh(pre_i) + Σ_{j>i} r_ij·h_j
        let c = b[i]!;
        for (let k = i + 1; k < m; k++) c += rt[i * m + k]! * v[k]!;
        let known = 0;
        for (let j = i + 1; j < m; j++) known += r[i * m + j]! * h[j]!;
        const ti = t[n * m + i]! - known;
        const [rii, rtii] = [r[i * m + i]!, rt[i * m + i]!];
        v[i] = bisect((x) => x + rii * Math.tanh(rtii * x + c), ti, ti - Math.abs(rii) - 1e-6, ti + Math.abs(rii) + 1e-6);
        h[i] = Math.tanh(rtii * v[i]! + c);
        dv[n * m + i] = v[i]! - t[n * m + i]!;
      }
    }
    return tf.add(u, tf.matMul(tf.tensor2d(dv, [rows, m]), q, false, true));
  }
}
