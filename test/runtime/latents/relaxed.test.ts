// The math of categorical latents (runtime/latents/): the analytic KL against a float64 Monte Carlo
// reference and against the hard samples' log-ratios, the relaxed samples' mean → q's probabilities
// as τ → 0 (and not at a large τ), finite-difference gradients through the relaxed path at fixed
// Gumbel noise, straight-through (forward exactly the hard one-hot, gradient exactly the relaxed
// one's), the temperature schedule and prior samples' frequencies.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { CategoricalPrior, type CategoricalIR } from "../../../runtime/latents/categorical";
import { categoricalKl, gumbelNoise, hardOneHot, relaxedOneHot, responsibilityLogits, straightThrough, temperatureAt } from "../../../runtime/latents/relaxed";
import { mulberry32 } from "../../../runtime/random/seeds";
import { gradCheck, useTestBackend } from "../model/gradcheck";
import { estimate } from "../priors/reference";

beforeAll(useTestBackend);

const K = 4;
/** two rows of G = 2 groups: [N, G·K] logits */
const LOGITS = [
  [0.5, -1, 2, 0.1, -0.3, 0.3, 0, 1.2],
  [-2, 1.5, 0.2, 0.7, 3, -1, -1, 0.5],
];
const softmax = (l: number[]) => {
  const m = Math.max(...l);
  const e = l.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const groups = (row: number[]) => [row.slice(0, K), row.slice(K)];
const LOG_PRIOR = [0.1, 0.2, 0.3, 0.4].map(Math.log);
const ir = (o: Partial<CategoricalIR> = {}): CategoricalIR => ({ kind: "categorical", groups: 2, classes: K, logPrior: LOG_PRIOR, temperature: [1, 0.5], straightThrough: false, kl: "analytic", ...o });

describe("categorical KL", () => {
  it("the analytic KL matches a float64 Monte Carlo estimate E_q[log q(c) − log p(c)] over 100k draws", () => {
    const kl = tf.tidy(() => categoricalKl(tf.tensor2d(LOGITS), tf.tensor1d(LOG_PRIOR), K).arraySync());
    const rand = mulberry32(99);
    LOGITS.forEach((row, r) => {
      const draws = new Float64Array(100_000);
      const qs = groups(row).map(softmax);
      for (let i = 0; i < draws.length; i++) {
        let s = 0;
        for (const q of qs) {
          let u = rand();
          let c = 0;
          while (c < K - 1 && u >= q[c]!) u -= q[c++]!;
          s += Math.log(q[c]!) - LOG_PRIOR[c]!;
        }
        draws[i] = s;
      }
      const e = estimate(draws);
      expect(Math.abs(kl[r]! - e.mean), `row ${r}: ${kl[r]} vs ${e.mean} ± ${e.se}`).toBeLessThan(4 * e.se + 1e-5);
    });
  });

  it("the hard samples' −(log p(c) − log q(c|x)) average to the analytic KL (Gumbel-max draws exactly from q)", () => {
    const n = 20_000;
    const prior = new CategoricalPrior(ir());
    const { kl, neg } = tf.tidy(() => {
      const logits = tf.tensor2d(LOGITS) as tf.Tensor2D;
      const q = prior.posterior(tf.tile(logits, [n, 1]) as tf.Tensor2D);
      const r = prior.importance(q, tf.zeros([2 * n, 2 * K]) as tf.Tensor2D, { seed: 5, chunk: 0 });
      return { kl: categoricalKl(logits, tf.tensor1d(LOG_PRIOR), K).arraySync(), neg: tf.neg(r.logRatio).dataSync() };
    });
    [0, 1].forEach((r) => {
      const e = estimate(Array.from({ length: n }, (_, i) => neg[2 * i + r]!));
      expect(Math.abs(kl[r]! - e.mean), `row ${r}: ${kl[r]} vs ${e.mean} ± ${e.se}`).toBeLessThan(4 * e.se);
    });
    prior.dispose();
  });

  it("its gradients in the logits match finite differences", () => {
    const logits = tf.variable(tf.tensor2d(LOGITS));
    const lp = tf.keep(tf.tensor1d(LOG_PRIOR));
    const r = gradCheck(() => tf.sum(categoricalKl(logits, lp, K)) as tf.Scalar, [logits]);
    expect(r.checked).toBe(16);
    expect(r.mismatches).toEqual([]);
  });
});

describe("relaxed samples", () => {
  /** mean of n relaxed samples of row 0 at temperature τ, [G·K] */
  const relaxedMean = (tau: number, n: number): number[] =>
    tf.tidy(() => {
      const logits = tf.tile(tf.tensor2d([LOGITS[0]!]), [n, 1]) as tf.Tensor2D;
      return Array.from(tf.mean(relaxedOneHot(logits, gumbelNoise(n, 2 * K, 31), tau, K), 0).dataSync());
    });
  const probs = groups(LOGITS[0]!).flatMap(softmax);

  it("each group lies on the simplex", () => {
    const s = tf.tidy(() => tf.sum(tf.reshape(relaxedOneHot(tf.tensor2d(LOGITS), gumbelNoise(2, 2 * K, 3), 0.7, K), [2, 2, K]), -1).arraySync() as number[][]);
    for (const row of s) for (const v of row) expect(v).toBeCloseTo(1, 5);
  });

  it("their mean tends to q's probabilities as τ → 0: within 0.015 of each at τ = 0.01 (20k draws, se ≤ 0.0035)", () => {
    const m = relaxedMean(0.01, 20_000);
    m.forEach((v, i) => expect(Math.abs(v - probs[i]!), `class ${i}: ${v} vs ${probs[i]}`).toBeLessThan(0.015));
  });

  it("…and not at τ = 5, where they flatten towards uniform (the test can fail)", () => {
    const m = relaxedMean(5, 20_000);
    expect(Math.max(...m.map((v, i) => Math.abs(v - probs[i]!)))).toBeGreaterThan(0.1);
  });

  it("gradients through the relaxed path at fixed Gumbel noise match finite differences", () => {
    const logits = tf.variable(tf.tensor2d(LOGITS));
    const g = tf.keep(gumbelNoise(2, 2 * K, 17));
    const w = tf.keep(tf.tensor2d([[1, -2, 0.5, 3, -1, 0.3, 2, -0.7], [0.2, 1, -1, 0.4, 2, -3, 0.1, 1]]));
    const r = gradCheck(() => tf.sum(tf.mul(w, relaxedOneHot(logits, g, 0.7, K))) as tf.Scalar, [logits], { h: 1e-2 });
    expect(r.checked).toBe(16);
    expect(r.mismatches).toEqual([]);
  });
});

describe("straight-through", () => {
  it("the forward value is exactly the hard one-hot, and its gradient is exactly the relaxed sample's", () => {
    const logits = tf.variable(tf.tensor2d(LOGITS));
    const g = tf.keep(gumbelNoise(2, 2 * K, 23));
    const w = tf.keep(tf.tensor2d([[1, -2, 0.5, 3, -1, 0.3, 2, -0.7], [0.2, 1, -1, 0.4, 2, -3, 0.1, 1]]));
    const st = () => straightThrough(hardOneHot(logits, g, K), relaxedOneHot(logits, g, 0.6, K));
    const [value, hard] = tf.tidy(() => [st().dataSync(), hardOneHot(logits, g, K).dataSync()]);
    expect(Array.from(value)).toEqual(Array.from(hard));
    expect(new Set(value)).toEqual(new Set([0, 1]));
    const grad = (f: () => tf.Tensor2D) => tf.tidy(() => tf.variableGrads(() => tf.sum(tf.mul(w, f())) as tf.Scalar, [logits]).grads[logits.name]!.dataSync());
    const a = grad(st);
    const b = grad(() => relaxedOneHot(logits, g, 0.6, K));
    expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)))).toBe(0);
    expect(Math.max(...Array.from(a, Math.abs))).toBeGreaterThan(0.01);
  });

  it("the prior's ELBO sample is one-hot with straight_through, relaxed without", () => {
    for (const straight of [true, false]) {
      const p = new CategoricalPrior(ir({ straightThrough: straight }));
      const y = tf.tidy(() => p.elbo(p.posterior(tf.tensor2d(LOGITS)), tf.zeros([2, 2 * K]) as tf.Tensor2D, { seed: 4, chunk: 0, progress: 0 }).y.dataSync());
      expect(Array.from(y).every((v) => v === 0 || v === 1)).toBe(straight);
      p.dispose();
    }
  });
});

describe("the categorical prior", () => {
  it("anneals τ geometrically from temperature to temperature_end; outside training τ is the end value", () => {
    expect(temperatureAt([1, 0.25], 0)).toBe(1);
    expect(temperatureAt([1, 0.25], 0.5)).toBeCloseTo(0.5, 12);
    expect(temperatureAt([1, 0.25], 1)).toBeCloseTo(0.25, 12);
    expect(temperatureAt([1, 0.25], undefined)).toBe(0.25);
  });

  it("its posterior's mean is q's probabilities per group", () => {
    const p = new CategoricalPrior(ir());
    const m = tf.tidy(() => p.posterior(tf.tensor2d(LOGITS)).mean.arraySync());
    LOGITS.forEach((row, r) => groups(row).flatMap(softmax).forEach((v, i) => expect(m[r]![i]!).toBeCloseTo(v, 5)));
    p.dispose();
  });

  it("samples are one-hot per group with the prior's class frequencies (40k draws, 4 se)", () => {
    const p = new CategoricalPrior(ir());
    const n = 40_000;
    const s = tf.tidy(() => p.sample(n, 8).arraySync());
    for (let j = 0; j < 2 * K; j++) {
      const e = estimate(s.map((row) => row[j]!));
      expect(Math.abs(e.mean - Math.exp(LOG_PRIOR[j % K]!)), `class ${j}`).toBeLessThan(4 * e.se);
    }
    for (const row of s.slice(0, 100)) expect(row.reduce((a, b) => a + b, 0)).toBe(2);
    p.dispose();
  });
});

describe("the relaxed-responsibility posterior (Willetts et al. 2020)", () => {
  // two rows of G = 2 features of E = 3; a codebook of K = 4 codes
  const H = [[0.5, -1, 0.2, 1, 0, -0.4], [2, 0.3, -0.7, -1, 1, 0.5]];
  const E = [[0, 0, 0], [1, -1, 0], [0.5, 0.5, 0.5], [-1, 0, 1]];
  const W = [0.1, 0.2, 0.3, 0.4].map(Math.log);

  it("its logits are log π_k − ‖h_g − e_k‖²/(2σ²), against a float64 hand computation", () => {
    const got = tf.tidy(() => responsibilityLogits(tf.tensor2d(H), tf.tensor2d(E), tf.tensor1d(W), 0.7).arraySync());
    H.forEach((row, n) =>
      [0, 1].forEach((g) =>
        E.forEach((e, k) => {
          const d2 = e.reduce((s, v, i) => s + (row[3 * g + i]! - v) ** 2, 0);
          expect(got[n]![g * K + k]!).toBeCloseTo(W[k]! - d2 / (2 * 0.49), 4);
        }),
      ),
    );
  });

  it("the KL's gradients in the features, the codebook and the prior's weights match finite differences", () => {
    const h = tf.variable(tf.tensor2d(H));
    const codebook = tf.variable(tf.tensor2d(E));
    const weights = tf.variable(tf.zeros([K]));
    const p = new CategoricalPrior(
      { ...ir(), responsibility: { codebook: "cb", weights: "w", codeDim: 3, sigma: 0.7 } },
      new Map([["cb", codebook], ["w", weights]]),
    );
    expect(p.encoderUnits).toBe(6);
    const r = gradCheck(() => tf.sum(p.elbo(p.posterior(h), tf.zeros([2, 2 * K]) as tf.Tensor2D, { seed: 1, chunk: 0 }).kl) as tf.Scalar, [h, codebook, weights]);
    expect(r.checked).toBe(12 + 12 + 4);
    expect(r.mismatches).toEqual([]);
    p.dispose();
  });
});
