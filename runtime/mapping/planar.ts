// Planar flows (Rezende & Mohamed 2015): per layer f(y) = y + û·tanh(wᵀy + b) with
// û = u + (softplus(wᵀu) − 1 − wᵀu)·w/‖w‖², so that wᵀû = softplus(wᵀu) − 1 > −1: invertible.
// det ∂f/∂y = 1 + ûᵀ·h'(wᵀy + b)·w = 1 + h'·wᵀû > 0 (h' = tanh' ∈ (0, 1]).
//
// Schema (compiler/lower/mappings.ts): attrs { layers: L, u: id[L], w: id[L], b: id[L] } (u, w : [D],
// b : [] or [1]). The same layers serve as an encoder flow (runtime/objectives/q-flow.ts), where an
// amortised one has a layer per row: u, w : [B, D], b : [B, 1] (sums run over the last axis).
import * as tf from "@tensorflow/tfjs";
import { registerBuiltin, type BuiltinContext } from "./builtins";

export interface PlanarLayer {
  u: tf.Tensor;
  w: tf.Tensor;
  b: tf.Tensor;
}

/** û = u + (softplus(wᵀu) − 1 − wᵀu)·w/‖w‖², so that wᵀû = softplus(wᵀu) − 1 > −1 */
export function planarUHat(l: PlanarLayer): tf.Tensor {
  const wu = tf.sum(tf.mul(l.w, l.u), -1, true);
  return tf.add(l.u, tf.mul(tf.div(tf.sub(tf.sub(tf.softplus(wu), 1), wu), tf.add(tf.sum(tf.square(l.w), -1, true), 1e-12)), l.w));
}

/** z, and with `withLogDet` log |det ∂z/∂y| per row ([B]), for y : [B, D] through the layers in order. */
export function planarFlow(y: tf.Tensor2D, layers: PlanarLayer[], withLogDet = false): { z: tf.Tensor2D; logDet: tf.Tensor1D | null } {
  let z = y;
  let logDet: tf.Tensor1D | null = withLogDet ? tf.zeros([y.shape[0]!]) : null;
  for (const l of layers) {
    const b = l.b.size === 1 ? tf.reshape(l.b, []) : tf.reshape(l.b, [-1, 1]); // global, or one per row
    const uHat = planarUHat(l);
    const lin = tf.add(tf.sum(tf.mul(z, l.w), 1, true), b); // [B, 1], no transposed matmul
    const h = tf.tanh(lin);
    if (logDet) {
      const wuHat = tf.sum(tf.mul(l.w, uHat), -1, true);
      const factor = tf.add(1, tf.mul(tf.sub(1, tf.square(h)), wuHat)); // [B, 1], > 0
      logDet = tf.add<tf.Tensor1D>(logDet, tf.reshape(tf.log(tf.abs(factor)), [-1]));
    }
    z = tf.add(z, tf.mul(h, uHat));
  }
  return { z, logDet };
}

/** log |det ∂f/∂y| per row of the planar flow (for encoder flows: log q(z) = log q(y) − this). */
export function planarLogDet(y: tf.Tensor2D, layers: PlanarLayer[]): tf.Tensor1D {
  return planarFlow(y, layers, true).logDet!;
}

function ids(a: Record<string, unknown>, key: string, n: number): string[] {
  const v = a[key];
  if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === "string")) throw new Error(`planar_flow needs attrs.${key}: ${n} parameter id(s)`);
  return v as string[];
}

/** The layers named by lists of ids (a `builtin` node's attrs, or an encoder flow's params). */
export function planarLayers(a: Record<string, unknown>, n: number, params: Map<string, tf.Variable>): PlanarLayer[] {
  if (!Number.isInteger(n) || n < 1) throw new Error("attrs.layers must be an integer ≥ 1");
  const get = (id: string): tf.Variable => {
    const v = params.get(id);
    if (!v) throw new Error(`internal error: parameter '${id}' is not declared in the IR`);
    return v;
  };
  const [us, ws, bs] = (["u", "w", "b"] as const).map((k) => ids(a, k, n));
  return Array.from({ length: n }, (_, l) => ({ u: get(us![l]!), w: get(ws![l]!), b: get(bs![l]!) }));
}

registerBuiltin("planar_flow", ([v], node, ctx: BuiltinContext) => {
  if (!v || !v.batched || v.t.rank !== 2) throw new Error("expects the intermediary y : Real[D] (batched)");
  const a = node.attrs ?? {};
  return { t: planarFlow(v.t as tf.Tensor2D, planarLayers(a, a.layers as number, ctx.params)).z, batched: true };
});
