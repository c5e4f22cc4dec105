// Mutual information gap (Chen et al. 2018, "Isolating Sources of Disentanglement in VAEs"), in the
// discretised form of disentanglement_lib: every code dimension z_j is cut into `bins` equal-width
// bins over its range, every continuous factor v_k too (a discrete factor keeps its values), and
//   MIG = mean_k (I(z_(1); v_k) − I(z_(2); v_k)) / H(v_k)
// where z_(1), z_(2) are the two code dimensions most informative about v_k. MI and entropies are in
// nats, from the empirical joint histogram. 1: each factor lives in one dimension alone; 0: no
// dimension knows more about a factor than the next one. Factors with H(v_k) = 0 are left out.
import type { Factors } from "../data/dataset";

/** Bin indices of column `col` of rows [n, dim]: equal-width over [min, max]; a constant column is all 0. */
export function discretise(values: ArrayLike<number>, n: number, dim: number, col: number, bins: number): Int32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i * dim + col]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out = new Int32Array(n);
  if (!(hi > lo)) return out;
  for (let i = 0; i < n; i++) out[i] = Math.min(bins - 1, Math.floor(((values[i * dim + col]! - lo) / (hi - lo)) * bins));
  return out;
}

/** A discrete factor's values as indices 0..L−1 (in increasing order of value). */
function levels(values: ArrayLike<number>, n: number, dim: number, col: number): Int32Array {
  const seen = new Map<number, number>();
  const distinct = new Set<number>();
  for (let i = 0; i < n; i++) distinct.add(values[i * dim + col]!);
  [...distinct].sort((a, b) => a - b).forEach((v, i) => seen.set(v, i));
  return Int32Array.from({ length: n }, (_, i) => seen.get(values[i * dim + col]!)!);
}

/** Each factor as integer classes: its levels when discrete, else `bins` equal-width bins. */
export function factorClasses(f: Factors, n: number, bins: number): Int32Array[] {
  const k = f.names.length;
  return f.names.map((_, c) => (f.discrete[c] ? levels(f.values, n, k, c) : discretise(f.values, n, k, c, bins)));
}

export function entropy(a: Int32Array): number {
  const counts = new Map<number, number>();
  for (const v of a) counts.set(v, (counts.get(v) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) h -= (c / a.length) * Math.log(c / a.length);
  return h;
}

/** I(a; b) in nats from the empirical joint of two integer sequences of equal length. */
export function mutualInformation(a: Int32Array, b: Int32Array): number {
  const n = a.length;
  const key = (i: number) => a[i]! * 0x10000 + b[i]!;
  const joint = new Map<number, number>();
  const pa = new Map<number, number>();
  const pb = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    joint.set(key(i), (joint.get(key(i)) ?? 0) + 1);
    pa.set(a[i]!, (pa.get(a[i]!) ?? 0) + 1);
    pb.set(b[i]!, (pb.get(b[i]!) ?? 0) + 1);
  }
  let mi = 0;
  for (const [k, c] of joint) {
    const ca = pa.get(Math.floor(k / 0x10000))!;
    const cb = pb.get(k % 0x10000)!;
    mi += (c / n) * Math.log((c * n) / (ca * cb));
  }
  return Math.max(0, mi);
}

export interface MigFactor {
  factor: string;
  entropy: number;
  /** I(z_j; v_k) for every code dimension j */
  mi: number[];
  /** the most and the second most informative dimensions */
  top: [number, number | null];
  /** (I_(1) − I_(2)) / H(v_k); null when H(v_k) = 0 */
  gap: number | null;
}

export interface MigResult {
  /** mean gap over the factors with H > 0; NaN when none has */
  value: number;
  factors: MigFactor[];
}

/** MIG of codes z [n, dim] against the factors of the same n points. */
export function mig(z: Float32Array, n: number, dim: number, f: Factors, bins: number): MigResult {
  const codes = Array.from({ length: dim }, (_, j) => discretise(z, n, dim, j, bins));
  const classes = factorClasses(f, n, bins);
  const factors = classes.map((v, c): MigFactor => {
    const h = entropy(v);
    const mi = codes.map((zj) => mutualInformation(zj, v));
    const order = mi.map((_, j) => j).sort((p, q) => mi[q]! - mi[p]!);
    const first = mi[order[0]!] ?? 0;
    const second = order.length > 1 ? mi[order[1]!]! : 0;
    return { factor: f.names[c]!, entropy: h, mi, top: [order[0]!, order[1] ?? null], gap: h > 0 ? (first - second) / h : null };
  });
  const gaps = factors.map((r) => r.gap).filter((g): g is number => g !== null);
  return { value: gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : NaN, factors };
}
