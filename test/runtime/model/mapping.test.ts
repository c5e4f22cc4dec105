// Every mapping op against central finite differences (and a few against hand-computed values).
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import type { GraphIR, Value } from "../../../compiler/ir/types";
import { GraphEvaluator, type MapResult } from "../../../runtime/mapping/graph";
import { runNetwork } from "../../../runtime/model/network";
import { circleMapping, Graph, mlp, Params, sparseMapping } from "../fixtures/ir";
import { awayFromZero, gradCheck, rng, useTestBackend } from "./gradcheck";

beforeAll(useTestBackend);

const B = 3;
const D = 4;

type Gen = (r: () => number, n: number) => number[];
const general: Gen = (r, n) => Array.from({ length: n }, () => 3 * r() - 1.5);
const away: Gen = (r, n) => awayFromZero(r, n, 0.15, 1.5);
const positive: Gen = (r, n) => Array.from({ length: n }, () => 0.3 + 1.7 * r());
const unit: Gen = (r, n) => Array.from({ length: n }, () => 1.6 * r() - 0.8);
/** integers plus a fraction in [0.15, 0.35]: away from the steps of floor and round */
const steps: Gen = (r, n) => Array.from({ length: n }, () => Math.floor(6 * r()) - 3 + 0.15 + 0.2 * r());

/** planes (2i, 2i+1) at angles within ±0.3·w of a sector's middle (w = 2π/kᵢ, offset π/2), radius in [0.7, 1.5]: away from clusters' kinks */
const sectorCentred =
  (ks: number[]): Gen =>
  (r, n) =>
    Array.from({ length: n / D }, () =>
      ks.flatMap((k) => {
        const w = (2 * Math.PI) / k;
        const theta = Math.PI / 2 + (Math.floor(r() * k) + 0.5 + 0.3 * (2 * r() - 1)) * w;
        const rad = 0.7 + 0.8 * r();
        return [rad * Math.cos(theta), rad * Math.sin(theta)];
      }),
    ).flat();

function evaluate(graph: GraphIR, y: tf.Tensor, params: Map<string, tf.Variable>): MapResult {
  const ev = new GraphEvaluator(graph);
  const ctx = {
    params,
    training: false,
    seed: 1,
    apply: (net: Parameters<typeof runNetwork>[0], x: tf.Tensor) => runNetwork(net, x, { params, state: new Map(), training: false, seed: 1 }),
  };
  return ev.run(y, ctx);
}

interface Case {
  name: string;
  /** appends nodes after the input (node 0) and returns the output node */
  build: (g: Graph) => number;
  gen?: Gen;
  /** unbatched parameters the graph reads with `param` nodes: id → [shape, generator] */
  params?: Record<string, [number[], Gen]>;
  /** the gradient must be zero (piecewise-constant ops) */
  zeroGrad?: boolean;
  /** only the zero gradient is checked (stop_gradient: the value moves, the gradient is 0 by design) */
  noFd?: boolean;
}

function runCase(c: Case, seed: number) {
  const r = rng(seed);
  const y = tf.variable(tf.tensor((c.gen ?? general)(r, B * D), [B, D]));
  const params = new Map<string, tf.Variable>();
  for (const [id, [shape, gen]] of Object.entries(c.params ?? {})) {
    params.set(id, tf.variable(tf.tensor(gen(r, shape.reduce((a, b) => a * b, 1)), shape)));
  }
  const g = new Graph([D]);
  const out = c.build(g);
  const graph = g.build(out);
  const zShape = tf.tidy(() => evaluate(graph, y, params).z.shape);
  const w = tf.tensor(general(r, zShape.reduce((a, b) => a * b, 1)), zShape);
  const f = () =>
    tf.tidy(() => {
      const { z, penalties } = evaluate(graph, y, params);
      let s = tf.sum(tf.mul(z, w)) as tf.Scalar;
      for (const p of Object.values(penalties)) s = tf.add(s, p);
      return s;
    });
  const vars = [y, ...params.values()];
  const res = c.noFd ? { mismatches: [], checked: 1, maxAbs: 0 } : gradCheck(f, vars);
  const grads = tf.tidy(() => tf.variableGrads(f, vars).grads[y.name]!.dataSync().slice());
  [y, w, ...params.values()].forEach((t) => t.dispose());
  return { res, grads };
}

const p = (id: string) => (g: Graph, shape: number[]) => g.node("param", [], shape, { id });
const unary = (op: Parameters<Graph["node"]>[0], attrs?: Record<string, Value>) => (g: Graph) => g.node(op, [0], [D], attrs);
const fn = (name: string, attrs: Record<string, Value> = {}, shape = [D]) => (g: Graph) => g.node("builtin", [0], shape, { fn: name, ...attrs });
const with2x2 = (g: Graph) => g.node("reshape", [0], [2, 2]);

const CASES: Case[] = [
  ...(["neg", "exp", "sin", "cos", "atan", "tanh", "sigmoid", "softplus", "normal_cdf"] as const).map((op) => ({ name: op, build: unary(op) })),
  { name: "tan", build: unary("tan"), gen: unit },
  { name: "abs", build: unary("abs"), gen: away },
  { name: "relu", build: unary("relu"), gen: away },
  { name: "leaky_relu", build: unary("leaky_relu", { alpha: 0.1 }), gen: away },
  { name: "sqrt", build: unary("sqrt"), gen: positive },
  { name: "log", build: unary("log"), gen: positive },
  { name: "asin", build: unary("asin"), gen: unit },
  { name: "acos", build: unary("acos"), gen: unit },
  ...(["sign", "floor", "round"] as const).map((op) => ({ name: op, build: unary(op), gen: steps, zeroGrad: true })),
  // binary ops: batched y against an unbatched parameter [D] (broadcasting, both gradients)
  ...(["add", "sub", "mul", "atan2"] as const).map((op) => ({
    name: `${op}(y, param)`,
    build: (g: Graph) => g.node(op, [0, p("b")(g, [D])], [D]),
    params: { b: [[D], away] as [number[], Gen] },
  })),
  { name: "div(y, param)", build: (g) => g.node("div", [0, p("b")(g, [D])], [D]), params: { b: [[D], positive] } },
  { name: "div(param, y)", build: (g) => g.node("div", [p("b")(g, [D]), 0], [D]), gen: positive, params: { b: [[D], general] } },
  { name: "pow(y, param)", build: (g) => g.node("pow", [0, p("b")(g, [D])], [D]), gen: positive, params: { b: [[D], positive] } },
  { name: "pow(y, 2)", build: (g) => g.node("pow", [0, g.c(2)], [D]) },
  { name: "min", build: (g) => g.node("min", [0, g.c([0.05, -0.05, 0.08, -0.08], [D])], [D]), gen: away },
  { name: "max", build: (g) => g.node("max", [0, g.c([0.05, -0.05, 0.08, -0.08], [D])], [D]), gen: away },
  { name: "clip (attrs)", build: (g) => g.node("clip", [0], [D], { lo: -0.1, hi: 0.1 }), gen: away },
  { name: "clip (inputs)", build: (g) => g.node("clip", [0, g.c(-0.1), g.c(0.1)], [D]), gen: away },
  {
    name: "where(y > 0, y², −y)",
    build: (g) => g.node("where", [g.node("gt", [0, g.c(0)], [D]), g.node("mul", [0, 0], [D]), g.node("neg", [0], [D])], [D]),
    gen: away,
  },
  // reductions, with datapoint axes shifted past the batch axis
  { name: "sum(axis -1)", build: (g) => g.node("sum", [0], [], { axis: -1, keepdims: false }) },
  { name: "sum(axis 0) of [2,2]", build: (g) => g.node("sum", [with2x2(g)], [2], { axis: 0, keepdims: false }) },
  { name: "mean(all, keepdims)", build: (g) => g.node("mean", [with2x2(g)], [1, 1], { axis: null, keepdims: true }) },
  { name: "norm L2", build: (g) => g.node("norm", [0], [1], { ord: 2, axis: -1, keepdims: true }) },
  { name: "norm L1", build: (g) => g.node("norm", [0], [1], { ord: 1, axis: -1, keepdims: true }), gen: away },
  { name: "norm L3", build: (g) => g.node("norm", [0], [], { ord: 3, axis: -1, keepdims: false }), gen: away },
  { name: "softmax(last)", build: (g) => g.node("softmax", [0], [D], { axis: -1 }) },
  { name: "softmax(axis 0 of [2,2])", build: (g) => g.node("softmax", [with2x2(g)], [2, 2], { axis: 0 }) },
  // structure
  { name: "matmul y·M", build: (g) => g.node("matmul", [0, p("m")(g, [D, 3])], [3]), params: { m: [[D, 3], general] } },
  { name: "matmul M·y", build: (g) => g.node("matmul", [p("m")(g, [3, D]), 0], [3]), params: { m: [[3, D], general] } },
  { name: "matmul Y·Y (both batched)", build: (g) => g.node("matmul", [with2x2(g), with2x2(g)], [2, 2]) },
  { name: "concat(y, param)", build: (g) => g.node("concat", [0, p("c")(g, [2])], [D + 2], { axis: -1 }), params: { c: [[2], general] } },
  { name: "stack(y, 2y)", build: (g) => g.node("stack", [0, g.node("mul", [0, g.c(2)], [D])], [D, 2], { axis: -1 }) },
  { name: "slice 1:3", build: (g) => g.node("slice", [0], [2], { axis: -1, start: 1, stop: 3 }) },
  { name: "slice ::2", build: (g) => g.node("slice", [0], [2], { axis: -1, start: 0, stop: 4, step: 2 }) },
  { name: "index 2", build: (g) => g.node("index", [0], [], { index: 2 }) },
  { name: "index [3, 0, 1]", build: (g) => g.node("index", [0], [3], { index: [3, 0, 1], axis: 0 }) },
  { name: "index row of [2,2]", build: (g) => g.node("index", [with2x2(g)], [2], { index: -1 }) },
  {
    name: "apply(mlp 4-5-4)",
    build: (g) => g.node("apply", [0], [D], { network: mlp(new Params(), "ds", [D, 5, D], "tanh") }),
    params: { "ds/dense_0/kernel": [[D, 5], general], "ds/dense_0/bias": [[5], general], "ds/dense_1/kernel": [[5, D], general], "ds/dense_1/bias": [[D], general] },
  },
  // built-ins
  ...["square", "expm1", "sinh", "cosh", "normal_log_cdf"].map((name) => ({ name, build: fn(name) })),
  { name: "log1p", build: fn("log1p"), gen: positive },
  { name: "elu", build: fn("elu", { alpha: 0.7 }), gen: away },
  { name: "ceil", build: fn("ceil"), gen: steps, zeroGrad: true },
  { name: "mod", build: fn("mod", { m: 1 }), gen: steps },
  { name: "stop_gradient", build: fn("stop_gradient"), zeroGrad: true, noFd: true },
  ...["prod", "logsumexp"].map((name) => ({ name, build: fn(name, { axis: -1, keepdims: false }, []) })),
  { name: "amax", build: fn("amax", { axis: -1, keepdims: false }, []), gen: steps },
  { name: "amin", build: fn("amin", { axis: -1, keepdims: false }, []), gen: steps },
  { name: "log_softmax", build: fn("log_softmax", { axis: -1 }) },
  { name: "cumsum", build: fn("cumsum", { axis: -1 }) },
  { name: "gather", build: fn("gather", { indices: [2, 2, 0] }, [3]) },
  { name: "transpose", build: (g) => g.node("builtin", [with2x2(g)], [2, 2], { fn: "transpose" }) },
  {
    name: "hierarchy [1, 1, 2] (tanh)",
    build: (g) => g.node("builtin", [0], [D], { fn: "hierarchy", splits: [1, 1, 2], activation: "tanh", kernels: ["w1", "w2"], biases: ["b1", "b2"] }),
    params: { w1: [[2, 1], general], b1: [[1], general], w2: [[3, 2], general], b2: [[2], general] },
  },
  {
    name: "planar_flow ×2",
    build: (g) => g.node("builtin", [0], [D], { fn: "planar_flow", layers: 2, u: ["u0", "u1"], w: ["w0", "w1"], b: ["b0", "b1"] }),
    params: { u0: [[D], general], w0: [[D], away], b0: [[1], general], u1: [[D], general], w1: [[D], away], b1: [[1], general] },
  },
  {
    name: "radial_flow ×2",
    build: (g) => g.node("builtin", [0], [D], { fn: "radial_flow", layers: 2, z0: ["z0", "z1"], alpha: ["a0", "a1"], beta: ["b0", "b1"] }),
    params: { z0: [[D], general], a0: [[], general], b0: [[], general], z1: [[D], general], a1: [[], general], b1: [[], general] },
  },
  {
    name: "sylvester_flow ×2 (orthogonal, M = 3)",
    build: (g) => g.node("builtin", [0], [D], { fn: "sylvester_flow", layers: 2, rank: 3, kind: "orthogonal", q: ["q0", "q1"], r1: ["r0", "r1"], r2: ["s0", "s1"], b: ["b0", "b1"] }),
    params: { q0: [[3, D], away], r0: [[3, 3], general], s0: [[3, 3], general], b0: [[3], general], q1: [[3, D], away], r1: [[3, 3], general], s1: [[3, 3], general], b1: [[3], general] },
  },
  {
    name: "sylvester_flow ×2 (triangular)",
    build: (g) => g.node("builtin", [0], [D], { fn: "sylvester_flow", layers: 2, rank: D, kind: "triangular", r1: ["r0", "r1"], r2: ["s0", "s1"], b: ["b0", "b1"] }),
    params: { r0: [[D, D], general], s0: [[D, D], general], b0: [[D], general], r1: [[D, D], general], s1: [[D, D], general], b1: [[D], general] },
  },
  { name: "clusters_product [3, 2]", build: fn("clusters_product", { ks: [3, 2], c1: 5, c2: 0.2, eps: 1e-6 }), gen: sectorCentred([3, 2]) },
  { name: "dot(y, param)", build: (g) => g.node("builtin", [0, p("v")(g, [D])], [], { fn: "dot" }), params: { v: [[D], general] } },
];

describe("mapping ops: autodiff = central finite differences (h 1e-2, |Δ| ≤ 2e-3 + 1e-2·|g|)", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const { res, grads } = runCase(c, 1234);
      expect(res.mismatches).toEqual([]);
      expect(res.checked).toBeGreaterThan(0);
      if (c.zeroGrad) expect(Array.from(grads).every((x) => x === 0)).toBe(true);
    });
  }

  it("entropy_spread as a penalty (batch-level scalar)", () => {
    const { res } = runCase(
      {
        name: "entropy_spread",
        build: (g) => {
          const s = g.node("add", [g.node("softplus", [0], [D]), g.c(0.1)], [D]);
          g.penalty("es", g.node("mul", [g.c(3), g.node("entropy_spread", [s], [], { eps: 1e-8 })], []));
          return 0;
        },
      },
      99,
    );
    expect(res.mismatches).toEqual([]);
  });

  it("circle and sparse mappings end to end", () => {
    for (const build of [() => circleMapping(D), () => sparseMapping(new Params(), D)]) {
      const graph = build();
      const r = rng(5);
      const y = tf.variable(tf.tensor(general(r, B * D), [B, D]));
      const params = new Map<string, tf.Variable>();
      const ps = new Params();
      sparseMapping(ps, D);
      for (const q of ps.params) params.set(q.id, tf.variable(tf.tensor(general(r, q.shape.reduce((a, b) => a * b, 1)), q.shape)));
      const f = () =>
        tf.tidy(() => {
          const { z, penalties } = evaluate(graph, y, params);
          return tf.addN([tf.sum(tf.mul(z, tf.range(1, 1 + z.size).reshape(z.shape))), ...Object.values(penalties)]) as tf.Scalar;
        });
      expect(gradCheck(f, [y, ...params.values()]).mismatches).toEqual([]);
    }
  });
});

describe("mapping values", () => {
  const run = (graph: GraphIR, y: number[][]) => tf.tidy(() => evaluate(graph, tf.tensor(y), new Map()).z.arraySync());

  it("circle maps onto the unit circle, and 0 to 0 with a finite gradient", () => {
    const z = run(circleMapping(2), [[3, 4], [-0.1, 0.2]]) as number[][];
    expect(z[0]![0]).toBeCloseTo(0.6, 6);
    expect(z[0]![1]).toBeCloseTo(0.8, 6);
    expect(Math.hypot(...z[1]!)).toBeCloseTo(1, 5);
    const g = new Graph([2]);
    const graph = g.build(g.node("norm", [0], [1], { ord: 2, axis: -1, keepdims: true }));
    const grad = tf.tidy(() => tf.grad((y: tf.Tensor) => tf.sum(evaluate(graph, y, new Map()).z))(tf.zeros([1, 2])).arraySync()) as number[][];
    expect(grad[0]).toEqual([0, 0]);
  });

  it("entropy_spread matches a hand computation", () => {
    const s = [[1, 1, 2], [3, 1, 1]];
    const g = new Graph([3]);
    g.penalty("es", g.node("entropy_spread", [0], [], { eps: 0 }));
    const graph = g.build(0);
    const got = tf.tidy(() => evaluate(graph, tf.tensor(s), new Map()).penalties["es"]!.dataSync()[0]!);
    const H = (p: number[]) => -p.reduce((a, q) => a + q * Math.log(q), 0);
    const ps = s.map((row) => row.map((v) => v / row.reduce((a, b) => a + b, 0)));
    const meanP = ps[0]!.map((_, j) => (ps[0]![j]! + ps[1]![j]!) / 2);
    expect(got).toBeCloseTo((H(ps[0]!) + H(ps[1]!)) / 2 - H(meanP), 6);
  });

  it("comparisons, and broadcasting of a constant [D, 1] against a batched [D]", () => {
    const g = new Graph([2]);
    const cmp = g.node("ge", [0, g.c(0.5)], [2]);
    const m = g.node("mul", [cmp, g.c([[1], [10]], [2, 1])], [2, 2]);
    expect(run(g.build(m), [[0, 1], [1, 0]])).toEqual([[[0, 1], [0, 10]], [[1, 0], [10, 0]]]);
  });
});
