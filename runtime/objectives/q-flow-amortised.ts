// Amortised encoder flows (van den Berg, Hasenclever, Tomczak & Welling 2018): every datapoint has
// its own layer parameters, the encoder's extra outputs `a : [B, units]` (QFlowIR amortised_*; the
// layout is compiler/ir/types.ts's, read here in order, layer after layer).
//  - planar: u, w [D], b [1]; the math is the global flow's, run with [B, D] rows
//    (runtime/mapping/planar.ts: û per row, so wᵀû > −1 holds row by row);
//  - Householder-Sylvester, f(y) = y + Q·R·tanh(R̃·Qᵀ·y + b) with Q = H₁⋯H_H (D × D orthogonal,
//    Hᵢ = I − 2·vᵢvᵢᵀ/‖vᵢ‖²), R = triu(A, 1) + diag(tanh(d₁)), R̃ = triu(Aᵀ, 1) + diag(tanh(d₂)) from
//    one full A : [D, D], as in the paper's code (A's diagonal is unused there and here). det ∂f/∂y = ∏ᵢ (1 + h'ᵢ·rᵢᵢ·r̃ᵢᵢ) > 0 since
//    |rᵢᵢ·r̃ᵢᵢ| < 1 and h' = tanh' ∈ (0, 1]. Q is never formed: Qᵀy and Q·t are H reflections of rows.
import * as tf from "@tensorflow/tfjs";
import type { QFlowIR } from "../../compiler/ir/types";
import { planarFlow, type PlanarLayer } from "../mapping/planar";

type Amortised = Extract<QFlowIR, { kind: "amortised_planar" | "amortised_sylvester" }>;

/** Encoder outputs per datapoint and layer (the IR's `units` is `layers` times this). */
export function unitsPerLayer(ir: Amortised, d: number): number {
  return ir.kind === "amortised_planar" ? 2 * d + 1 : ir.reflections * d + d * d + 3 * d;
}

/** Reads consecutive column blocks of a : [B, P]. */
function reader(a: tf.Tensor2D): (n: number) => tf.Tensor2D {
  let at = 0;
  return (n) => {
    const t = tf.slice(a, [0, at], [-1, n]) as tf.Tensor2D;
    at += n;
    return t;
  };
}

/** The rows' planar layers. */
function planarLayers(a: tf.Tensor2D, layers: number, d: number): PlanarLayer[] {
  const take = reader(a);
  return Array.from({ length: layers }, () => ({ u: take(d), w: take(d), b: take(1) }));
}

/** x ← H_i x for i in `order`, per row: x − 2·v(v·x), v the row's unit reflection vector [B, D]. */
function reflect(x: tf.Tensor2D, vs: tf.Tensor2D[], order: number[]): tf.Tensor2D {
  for (const i of order) x = tf.sub(x, tf.mul(2, tf.mul(vs[i]!, tf.sum(tf.mul(vs[i]!, x), -1, true))));
  return x;
}

/** M·v per row for M : [B, D, D], v : [B, D]. */
const matVec = (m: tf.Tensor3D, v: tf.Tensor2D): tf.Tensor2D => tf.sum(tf.mul(m, tf.expandDims(v, 1)), -1);

interface SylvesterRows {
  /** unit reflection vectors, one [B, D] per reflection */
  vs: tf.Tensor2D[];
  r: tf.Tensor3D;
  rt: tf.Tensor3D;
  /** tanh'd diagonals of R and R̃ */
  d1: tf.Tensor2D;
  d2: tf.Tensor2D;
  b: tf.Tensor2D;
}

function sylvesterLayers(a: tf.Tensor2D, layers: number, h: number, d: number): SylvesterRows[] {
  const take = reader(a);
  const mask = new Float32Array(d * d);
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) mask[i * d + j] = 1;
  const upper = tf.tensor2d(mask, [d, d]);
  const eye = tf.eye(d);
  return Array.from({ length: layers }, () => {
    const v = take(h * d);
    const full = tf.reshape(take(d * d), [-1, d, d]) as tf.Tensor3D;
    const d1 = tf.tanh(take(d));
    const d2 = tf.tanh(take(d));
    const b = take(d);
    const vs = Array.from({ length: h }, (_, i) => {
      const vi = tf.slice(v, [0, i * d], [-1, d]) as tf.Tensor2D;
      // a zero vector would be no reflection at all: the tiny floor only keeps the division finite
      return tf.div(vi, tf.sqrt(tf.add(tf.sum(tf.square(vi), -1, true), 1e-12))) as tf.Tensor2D;
    });
    const diag = (x: tf.Tensor2D): tf.Tensor3D => tf.mul(tf.expandDims(x, 2), eye) as tf.Tensor3D;
    const r = tf.add(tf.mul(full, upper), diag(d1)) as tf.Tensor3D;
    const rt = tf.add(tf.mul(tf.transpose(full, [0, 2, 1]), upper), diag(d2)) as tf.Tensor3D;
    return { vs, r, rt, d1, d2, b };
  });
}

function sylvesterRows(y: tf.Tensor2D, layers: SylvesterRows[], withLogDet: boolean): { z: tf.Tensor2D; logDet: tf.Tensor1D | null } {
  let z = y;
  let logDet: tf.Tensor1D | null = withLogDet ? tf.zeros([y.shape[0]!]) : null;
  for (const l of layers) {
    const n = l.vs.length;
    const forward = Array.from({ length: n }, (_, i) => i); // Qᵀ = H_H⋯H₁: H₁ acts first
    const qtz = reflect(z, l.vs, forward);
    const hv = tf.tanh(tf.add(matVec(l.rt, qtz), l.b)) as tf.Tensor2D;
    z = tf.add(z, reflect(matVec(l.r, hv), l.vs, [...forward].reverse())) as tf.Tensor2D; // Q = H₁⋯H_H: H_H acts first
    if (logDet) {
      const dh = tf.sub(1, tf.square(hv));
      logDet = tf.add<tf.Tensor1D>(logDet, tf.sum(tf.log(tf.add(1, tf.mul(dh, tf.mul(l.d1, l.d2)))), 1));
    }
  }
  return { z, logDet };
}

/** y = f_x(y₀) per row and, with `withLogDet`, log |det ∂f_x/∂y₀| ([B]); a : [B, ir.units] the encoder's flow outputs. */
export function amortisedFlow(ir: Amortised, y0: tf.Tensor2D, a: tf.Tensor2D, withLogDet: boolean): { z: tf.Tensor2D; logDet: tf.Tensor1D | null } {
  const d = y0.shape[1]!;
  if (a.shape[1] !== ir.units || ir.units !== ir.layers * unitsPerLayer(ir, d) || a.shape[0] !== y0.shape[0]) {
    throw new Error(`internal error: the amortised ${ir.kind} flow reads ${ir.units} encoder outputs per row (${ir.layers} layers on D = ${d}), given [${a.shape}] for [${y0.shape}]`);
  }
  if (ir.kind === "amortised_planar") return planarFlow(y0, planarLayers(a, ir.layers, d), withLogDet);
  return sylvesterRows(y0, sylvesterLayers(a, ir.layers, ir.reflections, d), withLogDet);
}
