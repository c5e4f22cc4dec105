// Amortised encoder flows (runtime/objectives/q-flow-amortised.ts): each row of y₀ goes through the
// flow its own encoder outputs define. Checked per row against central-difference Jacobians (with
// the sign of the determinant: the map is invertible for any encoder output), row independence,
// finite-difference gradients through the amortised parameters, and the density: with the log-det,
// E_q[p(y)/q(y|x)] = 1 and E_q[log q − log p] ≥ 0 (a wrong log-det biases both). cpu backend.
import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { QFlowIR } from "../../../compiler/ir/types";
import { amortisedFlow, unitsPerLayer } from "../../../runtime/objectives/q-flow-amortised";
import { makeQFlow, sampleLogRatio, tilePosterior } from "../../../runtime/objectives/q-flow";
import { gradCheck, rng, useTestBackend } from "../model/gradcheck";

beforeAll(useTestBackend);
const made: tf.Tensor[] = [];
afterEach(() => made.splice(0).forEach((t) => t.dispose()));

type Amortised = Extract<QFlowIR, { kind: "amortised_planar" | "amortised_sylvester" }>;

function ir(kind: Amortised["kind"], layers: number, d: number, reflections = d): Amortised {
  const one = kind === "amortised_planar" ? 2 * d + 1 : reflections * d + d * d + 3 * d;
  return kind === "amortised_planar" ? { kind, layers, units: layers * one } : { kind, layers, reflections, units: layers * one };
}

const uniform = (seed: number, rows: number, cols: number, scale: number): number[][] => {
  const r = rng(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => scale * (2 * r() - 1)));
};

/** det by Gaussian elimination with partial pivoting (float64), with its sign. */
function det(a: number[][]): number {
  const m = a.map((row) => row.slice());
  let s = 1;
  for (let c = 0; c < m.length; c++) {
    let p = c;
    for (let i = c + 1; i < m.length; i++) if (Math.abs(m[i]![c]!) > Math.abs(m[p]![c]!)) p = i;
    if (p !== c) [m[p], m[c]] = [m[c]!, m[p]!], (s = -s);
    s *= m[c]![c]!;
    for (let i = c + 1; i < m.length; i++) {
      const k = m[i]![c]! / m[c]![c]!;
      for (let j = c; j < m.length; j++) m[i]![j]! -= k * m[c]![j]!;
    }
  }
  return s;
}

/** det ∂f/∂y₀ of each row by central differences, each row with its own parameters (rows are independent). */
function numericDets(f: Amortised, y: number[][], a: number[][], h = 1e-2): number[] {
  const d = y[0]!.length;
  const run = (ys: number[][]) => tf.tidy(() => amortisedFlow(f, tf.tensor2d(ys), tf.tensor2d(a), false).z.arraySync());
  const jac = y.map(() => Array.from({ length: d }, () => new Array<number>(d).fill(0)));
  for (let j = 0; j < d; j++) {
    const plus = run(y.map((row) => row.map((x, k) => (k === j ? x + h : x))));
    const minus = run(y.map((row) => row.map((x, k) => (k === j ? x - h : x))));
    y.forEach((_, b) => {
      for (let i = 0; i < d; i++) jac[b]![i]![j] = (plus[b]![i]! - minus[b]![i]!) / (2 * h);
    });
  }
  return jac.map(det);
}

const CASES: [string, Amortised, number][] = [
  ["planar, D = 3", ir("amortised_planar", 3, 3), 3],
  ["Householder-Sylvester, D = 3, H = 3", ir("amortised_sylvester", 2, 3), 3],
  ["Householder-Sylvester, D = 4, H = 2", ir("amortised_sylvester", 2, 4, 2), 4],
  ["Householder-Sylvester, D = 1", ir("amortised_sylvester", 3, 1), 1],
];

describe.each(CASES)("the amortised %s flow", (_name, f, d) => {
  it("has units = layers × its per-layer count", () => {
    expect(f.units).toBe(f.layers * unitsPerLayer(f, d));
  });

  it("log|det ∂f/∂y₀| of every row matches its numerical Jacobian (|Δ| < 2e-3), each row with its own parameters", () => {
    const y = uniform(5, 6, d, 1.5);
    const a = uniform(6, 6, f.units, 1.5);
    const ours = tf.tidy(() => Array.from(amortisedFlow(f, tf.tensor2d(y), tf.tensor2d(a), true).logDet!.dataSync()));
    const numeric = numericDets(f, y, a).map((v) => Math.log(Math.abs(v)));
    ours.forEach((v, i) => expect(Math.abs(v - numeric[i]!), `row ${i}: ${v} vs ${numeric[i]}`).toBeLessThan(2e-3));
    expect(Math.max(...ours.map(Math.abs))).toBeGreaterThan(0.05);
    // the rows' log-dets differ: each row's flow is its own
    expect(new Set(ours.map((v) => v.toFixed(4))).size).toBe(ours.length);
  });

  it("a row's output depends on its own parameters only: alone or in the batch, the same; another row's parameters change it", () => {
    const y = uniform(7, 4, d, 1);
    const a = uniform(8, 4, f.units, 1);
    const [all, alone, swapped] = tf.tidy(() => [
      amortisedFlow(f, tf.tensor2d(y), tf.tensor2d(a), true).z.arraySync(),
      amortisedFlow(f, tf.tensor2d([y[2]!]), tf.tensor2d([a[2]!]), true).z.arraySync()[0]!,
      amortisedFlow(f, tf.tensor2d([y[2]!]), tf.tensor2d([a[3]!]), true).z.arraySync()[0]!,
    ]);
    alone.forEach((v, i) => expect(v).toBeCloseTo(all[2]![i]!, 6));
    expect(Math.max(...swapped.map((v, i) => Math.abs(v - alone[i]!)))).toBeGreaterThan(1e-3);
  });

  it("is invertible for any encoder output: det ∂f/∂y₀ > 0 on 200 rows of large random parameters", () => {
    const y = uniform(9, 200, d, 3);
    const a = uniform(10, 200, f.units, 4);
    const dets = numericDets(f, y, a, 1e-3);
    expect(Math.min(...dets)).toBeGreaterThan(0);
    const logDets = tf.tidy(() => Array.from(amortisedFlow(f, tf.tensor2d(y), tf.tensor2d(a), true).logDet!.dataSync()));
    expect(logDets.every(Number.isFinite)).toBe(true);
  });

  it("gradients of the log-ratio w.r.t. the amortised parameters match finite differences", () => {
    const flow = makeQFlow(f, new Map())!;
    expect(flow.units).toBe(f.units);
    const b = 3;
    const a = tf.variable(tf.tensor2d(uniform(11, b, f.units, 1)));
    const q = { mean: tf.tensor2d(uniform(12, b, d, 1)), logvar: tf.tensor2d(uniform(13, b, d, 0.5)) };
    const eps = tf.tensor2d(uniform(14, b, d, 1.5));
    made.push(a, q.mean, q.logvar, eps);
    const loss = () => tf.mean(sampleLogRatio({ ...q, flow: a }, eps, flow, null).logRatio) as tf.Scalar;
    const r = gradCheck(loss, [a], { h: 1e-2, atol: 3e-3, rtol: 2e-2 });
    expect(r.mismatches).toEqual([]);
    expect(r.checked).toBe(b * f.units);
  });
});

describe("the density of an amortised Sylvester q (D = 2)", () => {
  it("E_q[p(y)/q(y|x)] = 1 within 4 standard errors over 20 000 draws, and the Monte Carlo KL is ≥ 0", () => {
    const f = ir("amortised_sylvester", 2, 2);
    const flow = makeQFlow(f, new Map())!;
    const n = 20000;
    const [w, kl] = tf.tidy(() => {
      // one datapoint's q: a narrow Gaussian near the prior's bulk, bent by its own flow
      const q = tilePosterior({ mean: tf.tensor2d([[0.3, -0.2]]), logvar: tf.tensor2d([[-0.4, -0.8]]), flow: tf.tensor2d(uniform(15, 1, f.units, 1)) }, n);
      const eps = tf.randomNormal([n, 2], 0, 1, "float32", 16) as tf.Tensor2D;
      const r = sampleLogRatio(q, eps, flow, null).logRatio;
      return [Array.from(tf.exp(r).dataSync()), -tf.mean(r).dataSync()[0]!];
    });
    const m = w.reduce((s, v) => s + v, 0) / n;
    const se = Math.sqrt(w.reduce((s, v) => s + (v - m) ** 2, 0) / (n - 1) / n);
    expect(Math.abs(m - 1), `${m} ± ${se}`).toBeLessThan(4 * se);
    expect(se).toBeLessThan(0.05);
    expect(kl).toBeGreaterThan(0);
  });
});
