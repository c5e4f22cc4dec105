// Encoder flows (runtime/objectives/q-flow.ts): the log-det of the planar and Sylvester q flows
// against a numerical Jacobian, log p(y) − log q(y|x) against its definition, gradients w.r.t. the
// flow's parameters against finite differences, the Monte Carlo KL against the analytic one, and
// the refactored planar mapping against the formula it had. cpu backend, float32.
import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { QFlowIR } from "../../../compiler/ir/types";
import { GraphEvaluator } from "../../../runtime/mapping/graph";
import "../../../runtime/mapping/library";
import { klStdNormal } from "../../../runtime/objectives/likelihood";
import { makeQFlow, sampleLogRatio, tilePosterior, type QFlow } from "../../../runtime/objectives/q-flow";
import { LaplacePrior } from "../../../runtime/priors/laplace";
import { gradCheck, rng, useTestBackend } from "../model/gradcheck";

beforeAll(useTestBackend);
const made: tf.Tensor[] = [];
afterEach(() => made.splice(0).forEach((t) => t.dispose()));

const D = 3;

/** A flow of `layers` layers with parameters far from the identity (so the log-det is not ~0). */
function flow(kind: "planar" | "sylvester", layers: number, seed: number, scale = 1): { f: QFlow; vars: tf.Variable[]; params: Map<string, tf.Variable> } {
  const r = rng(seed);
  const params = new Map<string, tf.Variable>();
  const v = (id: string, shape: number[], s: number): string => {
    const t = tf.variable(tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => s * (2 * r() - 1)), shape));
    made.push(t);
    params.set(id, t);
    return id;
  };
  const ids = (name: string, shape: number[], s: number) => Array.from({ length: layers }, (_, l) => v(`${name}${l}`, shape, s));
  const ir: QFlowIR =
    kind === "planar"
      ? { kind, layers, params: { u: ids("u", [D], scale), w: ids("w", [D], scale), b: ids("b", [], 0.5) } }
      : { kind, layers, params: { q: ids("q", [D, D], 1), r1: ids("r1", [D, D], scale), r2: ids("r2", [D, D], scale), b: ids("b", [D], 0.5) } };
  return { f: makeQFlow(ir, params)!, vars: [...params.values()], params };
}

const points = (seed: number, b: number): number[][] => {
  const r = rng(seed);
  return Array.from({ length: b }, () => Array.from({ length: D }, () => 3 * r() - 1.5));
};

/** det by Gaussian elimination with partial pivoting (float64). */
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

/** log|det ∂f/∂y₀| of each row by central differences (rows are independent: perturb all at once). */
function numericLogDets(f: QFlow, y: number[][], h = 1e-2): number[] {
  const run = (ys: number[][]) => tf.tidy(() => f.apply(tf.tensor2d(ys)).arraySync());
  const jac = y.map(() => Array.from({ length: D }, () => new Array<number>(D).fill(0)));
  for (let j = 0; j < D; j++) {
    const plus = run(y.map((row) => row.map((x, k) => (k === j ? x + h : x))));
    const minus = run(y.map((row) => row.map((x, k) => (k === j ? x - h : x))));
    y.forEach((_, b) => {
      for (let i = 0; i < D; i++) jac[b]![i]![j] = (plus[b]![i]! - minus[b]![i]!) / (2 * h);
    });
  }
  return jac.map((J) => Math.log(Math.abs(det(J))));
}

describe.each(["planar", "sylvester"] as const)("the %s encoder flow", (kind) => {
  it("log|det ∂f/∂y₀| matches a numerical Jacobian (|Δ| < 2e-3), and is far from 0", () => {
    const { f } = flow(kind, 3, 11, 1.5);
    const y = points(5, 6);
    const ours = tf.tidy(() => Array.from(f.forward(tf.tensor2d(y)).logDet.dataSync()));
    const numeric = numericLogDets(f, y);
    ours.forEach((v, i) => expect(Math.abs(v - numeric[i]!), `row ${i}: ${v} vs ${numeric[i]}`).toBeLessThan(2e-3));
    expect(Math.max(...ours.map(Math.abs))).toBeGreaterThan(0.05);
    // forward's y is apply's
    const [a, b] = tf.tidy(() => [f.forward(tf.tensor2d(y)).y.arraySync(), f.apply(tf.tensor2d(y)).arraySync()]);
    expect(a).toEqual(b);
  });

  it("log p(y) − log q(y|x) = log N(y; 0, I) − log N(y₀; μ, σ²) + log|det| (N(0, I) and Laplace priors)", () => {
    const { f } = flow(kind, 2, 3);
    const mean = [[0.3, -0.5, 1.0], [1.5, 0.2, -0.4]];
    const logvar = [[-0.5, 0.2, 0.1], [-1.2, -0.3, 0.4]];
    const eps = [[0.7, -1.1, 0.2], [-0.3, 0.9, 1.4]];
    const laplace = new LaplacePrior(0.5, 1.5, D);
    const [yArr, r0, r1, ld] = tf.tidy(() => {
      const q = { mean: tf.tensor2d(mean), logvar: tf.tensor2d(logvar) };
      const e = tf.tensor2d(eps);
      const a = sampleLogRatio(q, e, f, null);
      const b = sampleLogRatio(q, e, f, laplace);
      const y0 = tf.add(q.mean, tf.mul(tf.exp(tf.mul(q.logvar, 0.5)), e)) as tf.Tensor2D;
      return [a.y.arraySync(), Array.from(a.logRatio.dataSync()), Array.from(b.logRatio.dataSync()), Array.from(f.forward(y0).logDet.dataSync())];
    });
    const logN = (v: number[], m: number[], lv: number[]) => v.reduce((s, x, i) => s - 0.5 * ((x - m[i]!) ** 2 / Math.exp(lv[i]!) + lv[i]! + Math.log(2 * Math.PI)), 0);
    const logLap = (v: number[]) => v.reduce((s, x) => s - Math.abs(x - 0.5) / 1.5 - Math.log(3), 0);
    mean.forEach((m, b) => {
      const y0 = m.map((x, i) => x + Math.exp(0.5 * logvar[b]![i]!) * eps[b]![i]!);
      const logQ = logN(y0, m, logvar[b]!) - ld[b]!;
      expect(r0[b]).toBeCloseTo(logN(yArr[b]!, [0, 0, 0], [0, 0, 0]) - logQ, 4);
      expect(r1[b]).toBeCloseTo(logLap(yArr[b]!) - logQ, 4);
    });
  });

  it("gradients of the log-ratio w.r.t. the flow's parameters match finite differences", () => {
    const { f, vars } = flow(kind, 2, 7);
    const q = { mean: tf.tensor2d(points(1, 4)), logvar: tf.mul(tf.tensor2d(points(2, 4)), 0.3) as tf.Tensor2D };
    const eps = tf.tensor2d(points(3, 4));
    made.push(q.mean, q.logvar, eps);
    const loss = () => tf.mean(sampleLogRatio(q, eps, f, null).logRatio) as tf.Scalar;
    const r = gradCheck(loss, vars, { h: 1e-2, atol: 3e-3, rtol: 2e-2 });
    expect(r.mismatches).toEqual([]);
    expect(r.checked).toBeGreaterThan(10);
  });
});

describe("the Monte Carlo KL without a flow", () => {
  it("averages to the analytic KL against N(0, I) (within 4 standard errors over 4000 draws)", () => {
    const mean = [[0.8, -0.3, 1.2]];
    const logvar = [[-0.7, 0.4, -1.5]];
    const [draws, analytic] = tf.tidy(() => {
      const q = tilePosterior({ mean: tf.tensor2d(mean), logvar: tf.tensor2d(logvar) }, 4000);
      const eps = tf.randomNormal([4000, D], 0, 1, "float32", 123) as tf.Tensor2D;
      return [Array.from(tf.neg(sampleLogRatio(q, eps, null, null).logRatio).dataSync()), klStdNormal(tf.tensor2d(mean), tf.tensor2d(logvar)).dataSync()[0]!];
    });
    const m = draws.reduce((a, b) => a + b, 0) / draws.length;
    const se = Math.sqrt(draws.reduce((a, b) => a + (b - m) ** 2, 0) / (draws.length - 1) / draws.length);
    expect(Math.abs(m - analytic), `${m} ± ${se} vs ${analytic}`).toBeLessThan(4 * se);
    expect(se).toBeLessThan(0.1 * analytic);
  });
});

describe("planar_flow as a mapping (moved to runtime/mapping/planar.ts)", () => {
  it("computes y + û·tanh(wᵀy + b) per layer, as before", () => {
    const { params } = flow("planar", 2, 9);
    const y = points(4, 5);
    const g = new GraphEvaluator({
      input: { name: "y", shape: [D] },
      nodes: [
        { op: "input", inputs: [], shape: [D], at: { file: "t", line: 1, col: 1 } },
        { op: "builtin", inputs: [0], shape: [D], at: { file: "t", line: 1, col: 1 }, attrs: { fn: "planar_flow", layers: 2, u: ["u0", "u1"], w: ["w0", "w1"], b: ["b0", "b1"] } },
      ],
      output: 1,
      penalties: [],
    });
    const got = tf.tidy(() => (g.run(tf.tensor2d(y), { params, training: false, seed: 1, apply: () => { throw new Error("no networks"); } }).z as tf.Tensor).arraySync() as number[][]);
    g.dispose();
    const val = (id: string) => Array.from(params.get(id)!.dataSync());
    const want = y.map((row) => {
      let z = row.slice();
      for (let l = 0; l < 2; l++) {
        const [u, w, b] = [val(`u${l}`), val(`w${l}`), val(`b${l}`)[0]!];
        const wu = w.reduce((s, x, i) => s + x * u[i]!, 0);
        const ww = w.reduce((s, x) => s + x * x, 0);
        const uHat = u.map((x, i) => x + ((Math.log1p(Math.exp(wu)) - 1 - wu) * w[i]!) / (ww + 1e-12));
        const h = Math.tanh(z.reduce((s, x, i) => s + x * w[i]!, 0) + b);
        z = z.map((x, i) => x + uHat[i]! * h);
      }
      return z;
    });
    got.forEach((row, b) => row.forEach((v, i) => expect(v).toBeCloseTo(want[b]![i]!, 5)));
  });
});
