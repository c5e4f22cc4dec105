// clusters_product: K = ∏ kᵢ clusters, one plane per factor. Factor i is the prelude's
// `clusters(k: kᵢ)` (specs/prelude.intel) on the plane (u, v) = (y[2i], y[2i+1]), with the same
// formula step for step so that both give the same numbers:
//   θ = atan2(v, u) − offset (guarded at the origin), sector = floor(θ / w), w = 2π/kᵢ,
//   lo = offset + sector·w, hi = lo + w, dis = max(min(v·cos lo − u·sin lo, u·sin hi − v·cos hi), 0),
//   mid = lo + w/2, z = (u, v) + push(dis)·(cos mid, sin mid), push as the prelude's cluster_push:
//   c₁·dis^c₂ for dis ≥ ε, the chord c₁·ε^(c₂−1)·dis below ε (finite slope at the boundary),
// offset = π/2, so kᵢ = 2 splits on the sign of u alone. The planes are done together (w per plane).
// A last factor kᵢ = 2 may have its plane cut short (D = 2·len(ks) − 1): v is a zero pad, as in
// the prelude's 1-D case.
// Schema: attrs { ks: number[], c1, c2, eps } (compiler/lower/mappings.ts).
import * as tf from "@tensorflow/tfjs";
import type { NodeIR } from "../../compiler/ir/types";
import { registerBuiltin } from "./builtins";
import { num } from "./values";

export const CLUSTERS_OFFSET = Math.PI / 2;

export interface ClustersSettings {
  ks: number[];
  c1: number;
  c2: number;
  eps: number;
}

export function clustersSettings(node: NodeIR): ClustersSettings {
  const ks = node.attrs?.ks;
  if (!Array.isArray(ks) || ks.length === 0 || !ks.every((k) => typeof k === "number" && Number.isInteger(k) && k >= 2)) {
    throw new Error("attrs.ks must be a non-empty list of integers ≥ 2");
  }
  return { ks: ks as number[], c1: num(node.attrs, "c1", 5), c2: num(node.attrs, "c2", 0.2), eps: num(node.attrs, "eps", 1e-6) };
}

/** z for y : [B, D] (D ≥ 2·len(ks), or one less when the last kᵢ is 2). */
export function clustersProduct(y: tf.Tensor2D, o: ClustersSettings): tf.Tensor2D {
  const [b, d] = y.shape;
  const n = o.ks.length;
  const short = d < 2 * n;
  if (d < 2 * n - 1 || (short && o.ks[n - 1] !== 2)) {
    throw new Error(`clusters_product with ks = [${o.ks}] needs y : Real[D] with D ≥ ${2 * n}${o.ks[n - 1] === 2 ? ` (or ${2 * n - 1}: the last factor 2 uses one dimension)` : ""}, got D = ${d}`);
  }
  const p = short ? tf.concat([y, tf.zeros([b, 1])], 1) : y;
  const planes = tf.reshape(tf.slice(p, [0, 0], [b, 2 * n]), [b, n, 2]);
  const [u3, v3] = tf.split(planes, 2, 2);
  const u = tf.reshape(u3!, [b, n]);
  const v = tf.reshape(v3!, [b, n]);
  const w = tf.tensor1d(o.ks.map((k) => (2 * Math.PI) / k));
  const halfW = tf.tensor1d(o.ks.map((k) => (2 * Math.PI) / k / 2));
  const r2 = tf.add(tf.square(u), tf.square(v));
  // the gradient through θ stops at floor, so the guard only keeps atan2 finite at the origin
  const theta = tf.sub(tf.atan2(v, tf.where(tf.greater(r2, 0), u, tf.onesLike(u))), CLUSTERS_OFFSET);
  const sector = tf.floor(tf.div(theta, w));
  const lo = tf.add(CLUSTERS_OFFSET, tf.mul(sector, w));
  const hi = tf.add(lo, w);
  const dis = tf.maximum(tf.minimum(tf.sub(tf.mul(v, tf.cos(lo)), tf.mul(u, tf.sin(lo))), tf.sub(tf.mul(u, tf.sin(hi)), tf.mul(v, tf.cos(hi)))), 0);
  const mid = tf.add(lo, halfW);
  // exact c₁·dis^c₂ away from the boundary; |·|^c₂ has an infinite slope at 0, so the chord below ε
  const far = tf.greater(dis, o.eps);
  const power = tf.pow(tf.maximum(dis, o.eps), o.c2);
  const push = tf.mul(o.c1, tf.where(far, power, tf.mul(dis, o.eps ** (o.c2 - 1))));
  const nu = tf.add(u, tf.mul(push, tf.cos(mid)));
  const nv = tf.add(v, tf.mul(push, tf.sin(mid)));
  const out = tf.reshape(tf.stack([nu, nv], 2), [b, 2 * n]) as tf.Tensor2D;
  if (short) return tf.slice(out, [0, 0], [b, d]);
  return 2 * n === d ? out : tf.concat([out, tf.slice(y, [0, 2 * n], [b, d - 2 * n])], 1);
}

registerBuiltin("clusters_product", ([v], node) => {
  if (!v || !v.batched || v.t.rank !== 2) throw new Error("expects the intermediary y : Real[D] (batched)");
  return { t: clustersProduct(v.t as tf.Tensor2D, clustersSettings(node)), batched: true };
});
