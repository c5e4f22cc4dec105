// The layers IR 0.2 added (max_pool2d, upsample2d, layer_norm, softmax, and dense/conv2d without a
// bias), from a spec through the compiler into the runtime: values against plain-JS references and
// each layer's gradients against central finite differences (cpu backend).
import * as tf from "@tensorflow/tfjs";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileSource } from "../../../compiler/compile";
import type { LayerIR, NetworkIR } from "../../../compiler/ir/types";
import { buildModel } from "../../../runtime/model/build";
import { runNetwork } from "../../../runtime/model/network";
import { gradCheck, useTestBackend } from "./gradcheck";

beforeAll(useTestBackend);

const AT = { file: "t", line: 1, col: 1 };
const net = (input: number[], output: number[], layers: LayerIR[]): NetworkIR => ({ name: "n", input, output, layers });
const run = (n: NetworkIR, x: tf.Tensor, params = new Map<string, tf.Variable>()) => runNetwork(n, x, { params, state: new Map(), training: true, seed: 1 });
/** x [1, 4, 4, 1] = 0, 1, …, 15 row-major, plus a wiggle so that no two values tie */
const image = () => tf.variable(tf.reshape(tf.add(tf.range(0, 16), tf.mul(tf.sin(tf.range(0, 16)), 0.3)), [1, 4, 4, 1]));
/** a fixed random weighting, so that gradients of sum(w · f(x)) are not all equal */
const weigh = (y: tf.Tensor) => tf.sum(tf.mul(y, tf.randomUniform(y.shape, 0.5, 1.5, "float32", 3))) as tf.Scalar;

describe("IR 0.2 layers", () => {
  it("max_pool2d: each 2×2 window's maximum; gradients flow to the maxima", () => {
    const n = net([4, 4, 1], [2, 2, 1], [{ kind: "max_pool2d", size: [2, 2], stride: [2, 2], padding: "valid", in: [4, 4, 1], out: [2, 2, 1], at: AT }]);
    const x = image();
    const v = x.dataSync();
    const want = [0, 2, 8, 10].map((i) => Math.max(v[i]!, v[i + 1]!, v[i + 4]!, v[i + 5]!));
    expect(Array.from(run(n, x).dataSync())).toEqual(want.map((w) => Math.fround(w)));
    const r = gradCheck(() => weigh(run(n, x)), [x]);
    expect(r.checked).toBe(16);
    expect(r.mismatches).toEqual([]);
  });

  it("upsample2d: nearest neighbour, each value repeated factor × factor; its gradient sums each block", () => {
    const n = net([2, 2, 1], [4, 4, 1], [{ kind: "upsample2d", factor: [2, 2], in: [2, 2, 1], out: [4, 4, 1], at: AT }]);
    const x = tf.variable(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]));
    expect(Array.from(run(n, x).dataSync())).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    const r = gradCheck(() => weigh(run(n, x)), [x]);
    expect(r.mismatches).toEqual([]);
  });

  it("layer_norm: zero mean and unit variance over the last axis before γ, β; gradients in x, γ, β", () => {
    const n = net([3, 4], [3, 4], [{ kind: "layer_norm", gamma: "g", beta: "b", epsilon: 1e-3, in: [3, 4], out: [3, 4], at: AT }]);
    const params = new Map([["g", tf.variable(tf.tensor1d([1, 1, 1, 1]))], ["b", tf.variable(tf.tensor1d([0, 0, 0, 0]))]]);
    const x = tf.variable(tf.randomNormal([2, 3, 4], 0, 2, "float32", 8));
    const rows = run(n, x, params).arraySync() as number[][][];
    for (const row of rows.flat()) {
      const m = row.reduce((a, b) => a + b, 0) / 4;
      expect(m).toBeCloseTo(0, 5);
      expect(row.reduce((a, b) => a + (b - m) ** 2, 0) / 4).toBeCloseTo(1, 2);
    }
    params.get("g")!.assign(tf.tensor1d([0.5, 2, -1, 1.5]));
    params.get("b")!.assign(tf.tensor1d([0.1, -0.2, 0.3, 0]));
    const r = gradCheck(() => weigh(run(n, x, params)), [x, ...params.values()]);
    expect(r.checked).toBe(32);
    expect(r.mismatches).toEqual([]);
  });

  it("softmax over an inner axis: positive, sums to 1 along it; gradients match", () => {
    const n = net([3, 4], [3, 4], [{ kind: "softmax", axis: 0, in: [3, 4], out: [3, 4], at: AT }]);
    const x = tf.variable(tf.randomNormal([2, 3, 4], 0, 1, "float32", 9));
    const sums = tf.sum(run(n, x), 1).dataSync();
    for (const s of sums) expect(s).toBeCloseTo(1, 5);
    const r = gradCheck(() => weigh(run(n, x)), [x]);
    expect(r.mismatches).toEqual([]);
  });

  it("a spec using them all (and use_bias: false) compiles, has no bias parameters where asked, and every parameter gets a gradient", () => {
    const r = compileSource(readFileSync("test/runtime/fixtures/layers.intel", "utf8"), { file: "test/runtime/fixtures/layers.intel" });
    expect(r.check.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const ir = r.ir!;
    expect(ir.encoder.layers.map((l) => l.kind)).toEqual(["reshape", "conv2d", "max_pool2d", "layer_norm", "flatten", "dense", "dense"]);
    expect(ir.decoder.layers.map((l) => l.kind)).toEqual(["dense", "reshape", "upsample2d", "softmax", "conv2d", "flatten"]);
    const ids = ir.params.map((p) => p.id);
    expect(ids).not.toContain("encoder/conv2d_0/bias");
    expect(ids).not.toContain("encoder/dense_0/bias");
    expect(ids).toContain("encoder/layer_norm_0/gamma");
    const m = buildModel(ir, 1);
    const x = tf.randomUniform([3, 64], 0, 1, "float32", 4);
    // (each layer's gradients are checked above; through the whole model, float32 losses near 100 make
    // finite differences too noisy, so here: every parameter gets a finite, non-zero gradient)
    const { grads } = tf.variableGrads(() => m.loss(x, 5, true).loss as tf.Scalar, [...m.variables.values()]);
    for (const [id, v] of m.variables) {
      const gv = grads[v.name]!.dataSync();
      expect(gv.every(Number.isFinite), id).toBe(true);
      expect(gv.some((e) => e !== 0), id).toBe(true);
    }
    m.dispose();
  });
});
