// The evaluation fast path: K particles as rows of one wide pass (runtime/objectives/objective.ts
// iwaeEstimate, rows repeated by runtime/ops/layout.ts repeatRows) against the plain computation,
// one particle per pass with its own small decoder call and a float64 logsumexp in JavaScript.
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelIR } from "../../../compiler/ir/types";
import { buildModel } from "../../../runtime/model/build";
import type { CompiledModel } from "../../../runtime/model/compiled";
import { reparamNoise } from "../../../runtime/model/random";
import { logPriorMinusLogQ } from "../../../runtime/objectives/likelihood";
import { repeatRows } from "../../../runtime/ops/layout";
import { mlpVae, sparseMapping } from "../fixtures/ir";
import { rng, useTestBackend } from "../model/gradcheck";

beforeAll(useTestBackend);
const models: CompiledModel[] = [];
afterAll(() => models.forEach((m) => m.dispose()));
const build = (ir: ModelIR) => {
  const m = buildModel(ir, 11);
  models.push(m);
  return m;
};
const data = (d: number, n: number, seed: number) => {
  const r = rng(seed);
  return tf.tensor2d(Array.from({ length: n * d }, () => r()), [n, d]);
};

/** log p(x) per datapoint, one particle at a time (chunk c of `per` particles uses chunk c's noise, as iwaeEstimate). */
function perParticle(m: CompiledModel, x: tf.Tensor2D, k: number, seed: number, per: number): number[] {
  const b = x.shape[0];
  const lw: number[][] = Array.from({ length: b }, () => []);
  tf.tidy(() => {
    const { mean, logvar } = m.encode(x, false);
    for (let c = 0, done = 0; done < k; c++) {
      const kc = Math.min(per, k - done);
      const eps = reparamNoise(seed, kc * b, m.latentDim, c);
      for (let j = 0; j < kc; j++) {
        tf.tidy(() => {
          const e = tf.slice(eps, [j * b, 0], [b, -1]) as tf.Tensor2D;
          const y = tf.add(mean, tf.mul(tf.exp(tf.mul(logvar, 0.5)), e)) as tf.Tensor2D;
          const w = tf.add(m.logLikelihood(x, m.decode(m.map(y, false).z, false)), logPriorMinusLogQ(y, e, logvar)).dataSync();
          w.forEach((v, i) => lw[i]!.push(v));
        });
      }
      done += kc;
    }
  });
  return lw.map((ws) => {
    const mx = Math.max(...ws);
    return mx + Math.log(ws.reduce((a, w) => a + Math.exp(w - mx), 0)) - Math.log(k);
  });
}

describe("IWAE with the K particles batched = one particle per pass (|Δ| ≤ 1e-5·|v|)", () => {
  const cases: [string, () => ModelIR][] = [
    ["MLP VAE, identity mapping", () => mlpVae({ data: [12], hidden: [10], latent: 3 })],
    ["sparse InteL-VAE", () => mlpVae({ data: [12], hidden: [10], latent: 3, mapping: (p, d) => sparseMapping(p, d, 2) })],
  ];
  for (const [name, ir] of cases) {
    it(`${name}: K = 600 over 4 points (two chunks: 512 + 88 particles)`, () => {
      const m = build(ir());
      const x = data(12, 4, 3);
      const got = Array.from(tf.tidy(() => m.iwae(x, 600, 9)).dataSync());
      const want = perParticle(m, x, 600, 9, 512);
      for (let i = 0; i < 4; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-5 * Math.abs(want[i]!));
    });
  }
});

describe("repeatRows: k stacked copies, the same values and gradients as broadcastTo", () => {
  const viaBroadcast = (x: tf.Tensor, k: number) => tf.reshape(tf.broadcastTo(tf.expandDims(x, 0), [k, ...x.shape]), [k * x.shape[0]!, ...x.shape.slice(1)]);
  it("values: [3, 2, 2] × 4 and [5, 7] × 1 are identical element for element", () => {
    const a = tf.tensor3d(Array.from({ length: 12 }, (_, i) => i - 5.5), [3, 2, 2]);
    expect(Array.from(repeatRows(a, 4).dataSync())).toEqual(Array.from(viaBroadcast(a, 4).dataSync()));
    expect(repeatRows(a, 4).shape).toEqual([12, 2, 2]);
    const b = data(7, 5, 1);
    expect(repeatRows(b, 1)).toBe(b);
  });
  it("gradient of Σ w ⊙ repeatRows(x, 3) is the sum of w's three slices", () => {
    const x = data(4, 2, 2);
    const w = data(4, 6, 5);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(w, repeatRows(t as tf.Tensor2D, 3))))(x);
    const want = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(w, viaBroadcast(t, 3))))(x);
    expect(Array.from(g.dataSync()).map((v) => v.toFixed(5))).toEqual(Array.from(want.dataSync()).map((v) => v.toFixed(5)));
    expect(Math.abs(g.dataSync()[0]! - (w.dataSync()[0]! + w.dataSync()[8]! + w.dataSync()[16]!))).toBeLessThan(1e-6);
  });
});
