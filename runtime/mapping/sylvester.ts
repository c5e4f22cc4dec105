// Sylvester flows (van den Berg, Hasenclever, Tomczak & Welling 2018): per layer
//   f(y) = y + Q·R·tanh(R̃·Qᵀ·y + b),  Q : [D, M] with orthonormal columns, R, R̃ : [M, M] upper triangular.
// det ∂f/∂y = det(I_M + diag(h')·R̃·R) = ∏ᵢ (1 + h'ᵢ·r̃ᵢᵢ·rᵢᵢ) (Sylvester's identity, QᵀQ = I_M), so with
// the paper's rᵢᵢ = tanh(·), r̃ᵢᵢ = tanh(·) and h' = 1 − tanh² ∈ (0, 1] every factor is > 0: invertible.
//
// Q is made exactly orthonormal from Householder reflections, Q = H₁⋯H_n·[I_M; 0] with
// Hᵢ = I − 2·vᵢvᵢᵀ/‖vᵢ‖² (n = M reflections reach every orthonormal D×M frame). The paper's
// "orthogonal" variant orthogonalises iteratively instead; exact reflections are simpler and never
// drift. "triangular" alternates Q = I and the reversal permutation (M = D), as in the paper.
//
// Schema (the compiler's lowering, compiler/lower/mappings.ts): attrs { layers: L, rank: M,
// kind: "orthogonal" | "householder" | "triangular", q: id[L] ([M, D] reflection vectors; absent for
// "triangular"), r1: id[L] (R, raw [M, M]), r2: id[L] (R̃, raw [M, M]), b: id[L] ([M]) }. Only the
// strict upper triangle of r1/r2 is used as is; their diagonals go through tanh.
import * as tf from "@tensorflow/tfjs";
import type { NodeIR } from "../../compiler/ir/types";
import { registerBuiltin, type BuiltinContext } from "./builtins";

/** One layer's tensors, as the parameters store them. */
export interface SylvesterLayer {
  /** reflection vectors [M, D]; null: the triangular kind's fixed Q */
  q: tf.Tensor | null;
  r1: tf.Tensor;
  r2: tf.Tensor;
  b: tf.Tensor;
  /** triangular kind only: Q is the reversal permutation (odd layers) rather than I */
  reverse?: boolean;
}

/** Q = H₁⋯H_n·[I_M; 0] : [D, M] for reflection vectors vs : [n, D]; M = n. */
export function householderQ(vs: tf.Tensor, d: number): tf.Tensor2D {
  const n = vs.shape[0]!;
  // a zero vector would be no reflection at all: the tiny floor only keeps the division finite
  const unit = tf.div(vs, tf.sqrt(tf.add(tf.sum(tf.square(vs), 1, true), 1e-12)));
  const rows = tf.unstack(unit) as tf.Tensor1D[];
  let x: tf.Tensor2D = tf.eye(d, n);
  for (let i = n - 1; i >= 0; i--) {
    const v = tf.reshape(rows[i]!, [d, 1]) as tf.Tensor2D;
    x = tf.sub(x, tf.mul(2, tf.matMul(v, tf.matMul(v, x, true, false))));
  }
  return x;
}

/** Upper-triangular R from a raw [M, M]: the strict upper triangle as is, the diagonal tanh'd. */
function triangular(raw: tf.Tensor): { r: tf.Tensor2D; diag: tf.Tensor1D } {
  const m = raw.shape[0]!;
  const upper = new Float32Array(m * m);
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) upper[i * m + j] = 1;
  const eye = tf.eye(m);
  const diag = tf.sum(tf.mul(eye, tf.tanh(raw)), 1) as tf.Tensor1D;
  const r = tf.add(tf.mul(raw, tf.tensor2d(upper, [m, m])), tf.mul(eye, diag)) as tf.Tensor2D;
  return { r, diag };
}

/** z, and with `withLogDet` log |det ∂z/∂y| per row ([B]), for y : [B, D] through the layers in order. */
export function sylvesterFlow(y: tf.Tensor2D, layers: SylvesterLayer[], withLogDet = false): { z: tf.Tensor2D; logDet: tf.Tensor1D | null } {
  const d = y.shape[1]!;
  let z = y;
  let logDet: tf.Tensor1D | null = withLogDet ? tf.zeros([y.shape[0]!]) : null;
  for (const l of layers) {
    const { r: r1, diag: d1 } = triangular(l.r1);
    const { r: r2, diag: d2 } = triangular(l.r2);
    // row form: yᵀ·Q, then (R̃·t)ᵀ = tᵀ·R̃ᵀ; the output Q·R·h is hᵀ·Rᵀ·Qᵀ
    const q = l.q ? householderQ(l.q, d) : null;
    const toM = (x: tf.Tensor2D): tf.Tensor2D => (q ? tf.matMul(x, q) : l.reverse ? tf.reverse(x, 1) : x);
    const fromM = (x: tf.Tensor2D): tf.Tensor2D => (q ? tf.matMul(x, q, false, true) : l.reverse ? tf.reverse(x, 1) : x);
    const pre = tf.add(tf.matMul(toM(z), r2, false, true), l.b) as tf.Tensor2D;
    const h = tf.tanh(pre);
    z = tf.add(z, fromM(tf.matMul(h, r1, false, true)));
    if (logDet) {
      const dh = tf.sub(1, tf.square(h)); // tanh' ∈ (0, 1]
      logDet = tf.add<tf.Tensor1D>(logDet, tf.sum(tf.log(tf.add(1, tf.mul(dh, tf.mul(d1, d2)))), 1));
    }
  }
  return { z, logDet };
}

/** log |det ∂f/∂y| per row of the Sylvester flow (for encoder flows: log q(z) = log q(y) − this). */
export function sylvesterLogDet(y: tf.Tensor2D, layers: SylvesterLayer[]): tf.Tensor1D {
  return sylvesterFlow(y, layers, true).logDet!;
}

/** The layers a `builtin` node names, read from the parameters (schema in the header). */
export function sylvesterLayers(node: NodeIR, params: Map<string, tf.Variable>): SylvesterLayer[] {
  const a = node.attrs ?? {};
  const n = a.layers;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) throw new Error("attrs.layers must be an integer ≥ 1");
  const kind = a.kind ?? "orthogonal";
  if (kind !== "orthogonal" && kind !== "householder" && kind !== "triangular") throw new Error(`sylvester_flow's kind must be "orthogonal", "householder" or "triangular", got ${JSON.stringify(kind)}`);
  const get = (key: string, l: number): tf.Variable => {
    const ids = a[key];
    if (!Array.isArray(ids) || ids.length !== n || typeof ids[l] !== "string") throw new Error(`sylvester_flow needs attrs.${key}: ${n} parameter id(s)`);
    const v = params.get(ids[l] as string);
    if (!v) throw new Error(`internal error: parameter '${String(ids[l])}' is not declared in the IR`);
    return v;
  };
  return Array.from({ length: n }, (_, l) => ({
    q: kind === "triangular" ? null : get("q", l),
    r1: get("r1", l),
    r2: get("r2", l),
    b: get("b", l),
    reverse: kind === "triangular" && l % 2 === 1,
  }));
}

registerBuiltin("sylvester_flow", ([v], node, ctx: BuiltinContext) => {
  if (!v || !v.batched || v.t.rank !== 2) throw new Error("expects the intermediary y : Real[D] (batched)");
  return { t: sylvesterFlow(v.t as tf.Tensor2D, sylvesterLayers(node, ctx.params)).z, batched: true };
});
