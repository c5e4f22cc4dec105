// The gelu activation, x·Φ(x): values and derivatives against a hand computation from Φ's tabulated
// values, gradients against central finite differences, and its lowering from both spellings
// (a `gelu` layer, dense's `activation: "gelu"`) into `activation` nodes.
import * as tf from "@tensorflow/tfjs";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileSource } from "../../../compiler/compile";
import type { LayerIR, NetworkIR } from "../../../compiler/ir/types";
import { runNetwork } from "../../../runtime/model/network";
import { gradCheck, useTestBackend } from "./gradcheck";

beforeAll(useTestBackend);

const AT = { file: "t", line: 1, col: 1 };
const geluNet = (n: number): NetworkIR => ({ name: "n", input: [n], output: [n], layers: [{ kind: "activation", fn: "gelu", in: [n], out: [n], at: AT } satisfies LayerIR] });
const run = (net: NetworkIR, x: tf.Tensor) => runNetwork(net, x, { params: new Map(), state: new Map(), training: true, seed: 1 });

// Φ, the standard normal CDF, at 0.5, 1, 2, 3 (tables; Φ(−a) = 1 − Φ(a), Φ(0) = 1/2)
const PHI: Record<string, number> = { "0.5": 0.6914624612740131, "1": 0.8413447460685429, "2": 0.9772498680518208, "3": 0.9986501019683699 };
const cdf = (v: number): number => (v === 0 ? 0.5 : v > 0 ? PHI[String(v)]! : 1 - PHI[String(-v)]!);
const density = (v: number): number => Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI);
const XS = [-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3];

describe("gelu", () => {
  it("is x·Φ(x): below 0 a small dip (gelu(−1) = −0.1587), above it close to x", () => {
    const y = Array.from(run(geluNet(XS.length), tf.tensor2d([XS])).dataSync());
    XS.forEach((v, i) => expect(Math.abs(y[i]! - v * cdf(v)), `gelu(${v}) = ${y[i]}`).toBeLessThan(2e-6));
    expect(y[2]).toBeCloseTo(-0.15865525, 6);
  });

  it("its derivative is Φ(x) + x·φ(x), and finite differences agree", () => {
    const x = tf.variable(tf.tensor2d([XS]));
    const g = tf.grad((t: tf.Tensor) => tf.sum(run(geluNet(XS.length), t)))(x).dataSync();
    XS.forEach((v, i) => expect(Math.abs(g[i]! - (cdf(v) + v * density(v))), `gelu'(${v}) = ${g[i]}`).toBeLessThan(1e-5));
    const w = tf.randomUniform([1, XS.length], 0.5, 1.5, "float32", 3);
    const r = gradCheck(() => tf.sum(tf.mul(run(geluNet(XS.length), x), w)) as tf.Scalar, [x]);
    expect(r.checked).toBe(XS.length);
    expect(r.mismatches).toEqual([]);
  });

  it("lowers from a gelu layer and from dense's activation: \"gelu\" to activation nodes", () => {
    const file = "specs/examples/ring-gelu.intel";
    const r = compileSource(readFileSync(file, "utf8"), { file });
    expect(r.check.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const fns = (layers: LayerIR[]) => layers.map((l) => (l.kind === "activation" ? l.fn : l.kind));
    expect(fns(r.ir!.encoder.layers)).toEqual(["dense", "gelu", "dense", "gelu", "dense"]); // the last: the Gaussian head
    expect(fns(r.ir!.decoder.layers)).toEqual(["dense", "layer_norm", "gelu", "dense", "gelu", "dense"]);
  });
});
