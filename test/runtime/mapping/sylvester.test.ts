// Sylvester flows: Q orthonormal, the Jacobian's determinant positive (invertible) and equal to
// exp(sylvesterLogDet) (checked against central differences and an autodiff Jacobian), and autodiff
// of the map and its log-det against finite differences. cpu backend, float32.
import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { householderQ, sylvesterFlow, sylvesterLogDet, type SylvesterLayer } from "../../../runtime/mapping/sylvester";
import { gradCheck, rng, useTestBackend } from "../model/gradcheck";

beforeAll(useTestBackend);

const made: tf.Tensor[] = [];
afterEach(() => made.splice(0).forEach((t) => t.dispose()));
const keep = <T extends tf.Tensor>(t: T): T => (made.push(t), t);

type Kind = "orthogonal" | "triangular";
/** L layers of rank m on D dims; `scale` sizes the raw R entries (large: tanh'd diagonals near ±1). */
function layers(seed: number, d: number, m: number, n: number, kind: Kind, scale = 1): { layers: SylvesterLayer[]; vars: tf.Variable[] } {
  const r = rng(seed);
  const v = (shape: number[], s: number) => keep(tf.variable(tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => s * (2 * r() - 1)), shape)));
  const ls = Array.from({ length: n }, (_, l) => ({
    q: kind === "triangular" ? null : v([m, d], 1),
    r1: v([m, m], scale),
    r2: v([m, m], scale),
    b: v([m], 0.5),
    reverse: kind === "triangular" && l % 2 === 1,
  }));
  return { layers: ls, vars: ls.flatMap((l) => [l.q, l.r1, l.r2, l.b].filter((t): t is tf.Variable => t !== null)) };
}

const rows = (seed: number, b: number, d: number): number[][] => {
  const r = rng(seed);
  return Array.from({ length: b }, () => Array.from({ length: d }, () => 3 * r() - 1.5));
};

/** det by Gaussian elimination with partial pivoting (float64). */
function det(a: number[][]): number {
  const m = a.map((row) => row.slice());
  const n = m.length;
  let s = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(m[i]![c]!) > Math.abs(m[p]![c]!)) p = i;
    if (m[p]![c] === 0) return 0;
    if (p !== c) [m[p], m[c]] = [m[c]!, m[p]!], (s = -s);
    s *= m[c]![c]!;
    for (let i = c + 1; i < n; i++) {
      const f = m[i]![c]! / m[c]![c]!;
      for (let j = c; j < n; j++) m[i]![j]! -= f * m[c]![j]!;
    }
  }
  return s;
}

const forward = (ls: SylvesterLayer[], y: number[][]): number[][] => tf.tidy(() => sylvesterFlow(tf.tensor2d(y), ls).z.arraySync());

/** ∂z/∂y of each row by central differences (all rows perturbed at once: rows are independent). */
function numericJacobians(ls: SylvesterLayer[], y: number[][], h = 1e-2): number[][][] {
  const d = y[0]!.length;
  const jac = y.map(() => Array.from({ length: d }, () => new Array<number>(d).fill(0)));
  for (let j = 0; j < d; j++) {
    const plus = forward(ls, y.map((row) => row.map((x, k) => (k === j ? x + h : x))));
    const minus = forward(ls, y.map((row) => row.map((x, k) => (k === j ? x - h : x))));
    y.forEach((_, b) => {
      for (let i = 0; i < d; i++) jac[b]![i]![j] = (plus[b]![i]! - minus[b]![i]!) / (2 * h);
    });
  }
  return jac;
}

/** ∂z/∂y by autodiff: row i of each Jacobian is the gradient of Σ_b z[b, i]. */
function autodiffJacobians(ls: SylvesterLayer[], y: number[][]): number[][][] {
  const d = y[0]!.length;
  const rowsI = Array.from({ length: d }, (_, i) =>
    tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.slice(sylvesterFlow(t as tf.Tensor2D, ls).z, [0, i], [-1, 1])))(tf.tensor2d(y)).arraySync() as number[][]),
  );
  return y.map((_, b) => rowsI.map((g) => g[b]!));
}

const CONFIGS: [string, number, number, number, Kind][] = [
  ["orthogonal, D = 3, M = 3, 2 layers", 3, 3, 2, "orthogonal"],
  ["orthogonal, D = 4, M = 2, 3 layers", 4, 2, 3, "orthogonal"],
  ["triangular, D = 3, 2 layers (I, then reversal)", 3, 3, 2, "triangular"],
];

describe("sylvester_flow", () => {
  it("Householder Q has orthonormal columns", () => {
    const r = rng(1);
    const vs = keep(tf.tensor2d(Array.from({ length: 3 }, () => Array.from({ length: 5 }, () => 2 * r() - 1))));
    const qtq = tf.tidy(() => {
      const q = householderQ(vs, 5);
      expect(q.shape).toEqual([5, 3]);
      return tf.matMul(q, q, true, false).arraySync() as number[][];
    });
    qtq.forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(i === j ? 1 : 0, 5)));
  });

  it.each(CONFIGS)("%s: log-det = log det of the numeric and the autodiff Jacobian", (_n, d, m, n, kind) => {
    const { layers: ls } = layers(11, d, m, n, kind);
    const y = rows(2, 6, d);
    const ld = tf.tidy(() => Array.from(sylvesterLogDet(tf.tensor2d(y), ls).dataSync()));
    const fd = numericJacobians(ls, y).map(det);
    const ad = autodiffJacobians(ls, y).map(det);
    ld.forEach((l, b) => {
      expect(fd[b]!).toBeGreaterThan(0);
      expect(Math.abs(Math.log(fd[b]!) - l)).toBeLessThan(5e-3);
      expect(Math.abs(Math.log(ad[b]!) - l)).toBeLessThan(1e-4);
    });
    // the plain forward pass is the same map
    const z1 = tf.tidy(() => sylvesterFlow(tf.tensor2d(y), ls, true).z.arraySync());
    expect(z1).toEqual(forward(ls, y));
  });

  it("stays invertible with saturated diagonals of opposite signs (rᵢᵢ·r̃ᵢᵢ → −1): det > 0 at random points", () => {
    // r ≈ +1, r̃ ≈ −1 and b = 0: each factor 1 + h'·r·r̃ is near 0 where h' ≈ 1, never below
    const saturate = (ls: SylvesterLayer[], raw: number) =>
      ls.forEach((l) =>
        tf.tidy(() => {
          const eye = tf.eye(l.r1.shape[0]!);
          (l.r1 as tf.Variable).assign(tf.add(tf.mul(l.r1, tf.sub(1, eye)), tf.mul(eye, raw)));
          (l.r2 as tf.Variable).assign(tf.add(tf.mul(l.r2, tf.sub(1, eye)), tf.mul(eye, -raw)));
          (l.b as tf.Variable).assign(tf.zerosLike(l.b));
        }),
      );
    for (let seed = 0; seed < 5; seed++) {
      // one layer at tanh(2)² ≈ 0.93: det ≥ 0.07³, well inside float32's reach
      const one = layers(100 + seed, 3, 3, 1, "orthogonal").layers;
      saturate(one, 2);
      const y = rows(seed, 20, 3).map((row) => row.map((x) => x / 4)); // small pre-activations: h' ≈ 1
      const dets = autodiffJacobians(one, y).map(det);
      const ld = tf.tidy(() => Array.from(sylvesterLogDet(tf.tensor2d(y), one).dataSync()));
      dets.forEach((x, b) => {
        expect(x).toBeGreaterThan(0);
        expect(Math.abs(Math.log(x) - ld[b]!)).toBeLessThan(2e-3);
      });
      expect(Math.min(...dets)).toBeLessThan(0.05); // the test does reach near-singular maps
      // three layers at tanh(4)²: the determinant is below float32's reach, the log-det stays finite
      const deep = layers(200 + seed, 3, 3, 3, "orthogonal").layers;
      saturate(deep, 4);
      const ldDeep = tf.tidy(() => Array.from(sylvesterLogDet(tf.tensor2d(y), deep).dataSync()));
      expect(ldDeep.every(Number.isFinite)).toBe(true);
    }
  });

  it.each(CONFIGS)("%s: autodiff of Σ z·w + Σ log-det = central finite differences", (_n, d, m, n, kind) => {
    const { layers: ls, vars } = layers(23, d, m, n, kind);
    const y = keep(tf.variable(tf.tensor2d(rows(4, 3, d))));
    const w = keep(tf.tensor2d(rows(5, 3, d)));
    const f = () =>
      tf.tidy(() => {
        const { z, logDet } = sylvesterFlow(y as tf.Variable<tf.Rank.R2>, ls, true);
        return tf.add(tf.sum(tf.mul(z, w)), tf.sum(logDet!)) as tf.Scalar;
      });
    const res = gradCheck(f, [y, ...vars], { h: 1e-2 });
    expect(res.mismatches).toEqual([]);
    expect(res.checked).toBe(3 * d + vars.reduce((a, v) => a + v.size, 0));
  });
});
