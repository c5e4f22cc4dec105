// Every flow layer on its own, with random parameters (no layer is the identity): log |det ∂u/∂y|
// against the log-determinant of a central-difference Jacobian, generate ∘ normalize = identity, and
// the log-density's gradients in the layer's parameters against finite differences. D = 3, so the
// couplings split unevenly (1 | 2 and, flipped, 2 | 1).
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { gradCheck, useTestBackend } from "../model/gradcheck";
import { flowPrior, logAbsDet } from "./fixtures";

let fx: ReturnType<typeof flowPrior>;
beforeAll(async () => {
  await useTestBackend();
  fx = flowPrior(LAYERS.join(", "), D, 0.4, 7);
});

const D = 3;
const LAYERS = [
  "actnorm()",
  "affine_coupling(hidden: [5])",
  "affine_coupling(hidden: [4, 3], max_log_scale: 1)",
  'permute(order: "random", seed: 3)',
  "permute()",
  "invertible_linear(seed: 2)",
  "planar()",
  "radial()",
  "householder_sylvester()",
  "householder_sylvester(rank: 2)",
];
const POINTS = [
  [0.3, -0.8, 1.2],
  [-1.5, 0.4, 0.1],
  [2.0, 1.1, -0.6],
];

describe("flow layers (D = 3, random parameters)", () => {
  LAYERS.forEach((name, i) => {
    const f = (y: number[][]) => tf.tidy(() => fx.prior.layers[i]!.normalize(tf.tensor2d(y)).u.arraySync() as number[][]);

    it(`${name}: log |det ∂u/∂y| matches a numerical Jacobian`, () => {
      const layer = fx.prior.layers[i]!;
      const h = 1e-2;
      const logDet = tf.tidy(() => layer.normalize(tf.tensor2d(POINTS)).logDet.arraySync());
      POINTS.forEach((y, r) => {
        // J[a][b] = ∂u_a/∂y_b by central differences (the rows of one batch are independent)
        const plus = f(Array.from({ length: D }, (_, b) => y.map((v, j) => (j === b ? v + h : v))));
        const minus = f(Array.from({ length: D }, (_, b) => y.map((v, j) => (j === b ? v - h : v))));
        const jac = Array.from({ length: D }, (_, a) => Array.from({ length: D }, (_, b) => (plus[b]![a]! - minus[b]![a]!) / (2 * h)));
        expect(Math.abs(logDet[r]! - logAbsDet(jac)), `point ${r}: ${logDet[r]} vs ${logAbsDet(jac)}`).toBeLessThan(2e-3);
      });
    });

    it(`${name}: generate ∘ normalize = identity`, () => {
      const layer = fx.prior.layers[i]!;
      const back = tf.tidy(() => layer.generate(layer.normalize(tf.tensor2d(POINTS)).u).arraySync() as number[][]);
      POINTS.forEach((y, r) => y.forEach((v, j) => expect(Math.abs(back[r]![j]! - v)).toBeLessThan(1e-4)));
    });
  });

  it("no layer is the identity (else the checks above prove little)", () => {
    fx.prior.layers.forEach((l, i) => {
      const moved = tf.tidy(() => tf.max(tf.abs(tf.sub(l.normalize(tf.tensor2d(POINTS)).u, tf.tensor2d(POINTS)))).dataSync()[0]!);
      expect(moved, LAYERS[i]).toBeGreaterThan(1e-2);
    });
  });

  it("log p(y)'s gradients in every flow parameter match finite differences", () => {
    const y = tf.keep(tf.tensor2d(POINTS));
    // a few entries per tensor: every layer's parameters take part, the test stays fast
    const r = gradCheck(() => tf.sum(fx.prior.logDensity(y)) as tf.Scalar, fx.vars, { entries: (v) => [0, Math.floor(v.size / 2), v.size - 1] });
    expect(r.checked).toBeGreaterThan(40);
    expect(r.mismatches).toEqual([]);
    y.dispose();
  });
});
