// The aggregate-posterior estimator (runtime/objectives/aggregate.ts) on Gaussian toy posteriors
// whose aggregate q(y) is known: μ(x) ~ N(0, C − s²I), q(y|x) = N(μ(x), s²I), so q(y) = N(0, C)
// with C = [[1, ρ], [ρ, 1]]: TC = −½ log(1 − ρ²), MI = ½ log(det C / s⁴), dimension-wise KL = 0.
// The batch is M points of an (effectively infinite) population, N = 10⁶.
// Tolerances: each term is a batch mean of per-sample log-ratios, whose standard error the test
// computes (se); the leave-one-out log-average is biased low by O(1/M) (Jensen), measured below
// 0.011 nats at M = 1000 for this posterior width, so |estimate − closed form| < 4·se + 0.02.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { aggregateTerms, logWeights, pairwiseLogDensity, type Sampling } from "../../../runtime/objectives/aggregate";
import { klStdNormal } from "../../../runtime/objectives/likelihood";
import { gradCheck, rng, useTestBackend } from "../model/gradcheck";

beforeAll(useTestBackend);

const S2 = 0.25; // posterior variance s²
const M = 1000;
const N = 1e6;
const num = (t: tf.Tensor): number => t.dataSync()[0]!;

/** M posteriors of the toy model with correlation ρ of q(y), and one sample of each. */
function toy(rho: number, m: number, seed: number): { y: tf.Tensor2D; mean: tf.Tensor2D; logvar: tf.Tensor2D } {
  return tf.tidy(() => {
    const a = 1 - S2;
    const l10 = rho / Math.sqrt(a);
    const e = tf.randomNormal([m, 2], 0, 1, "float32", seed);
    const [e0, e1] = tf.split(e, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    const mean = tf.concat([tf.mul(e0, Math.sqrt(a)), tf.add(tf.mul(e0, l10), tf.mul(e1, Math.sqrt(a - l10 * l10)))], 1) as tf.Tensor2D;
    const logvar = tf.fill([m, 2], Math.log(S2)) as tf.Tensor2D;
    const y = tf.add(mean, tf.mul(tf.randomNormal([m, 2], 0, 1, "float32", seed + 1), Math.sqrt(S2))) as tf.Tensor2D;
    return { y, mean, logvar };
  });
}

/** The per-sample TC log-ratio log q̂(y_i) − Σ_d log q̂(y_id) (its standard error sizes the tolerance). */
function tcStandardError(t: { y: tf.Tensor2D; mean: tf.Tensor2D; logvar: tf.Tensor2D }, sampling: Sampling): number {
  return tf.tidy(() => {
    const lp = pairwiseLogDensity(t.y, t.mean, t.logvar);
    const lw = logWeights(t.y.shape[0], N, sampling);
    const joint = tf.logSumExp(tf.add(tf.sum(lp, 2), lw), 1);
    const prod = tf.sum(tf.logSumExp(tf.add(lp, tf.expandDims(lw, 2)), 1), 1);
    const r = tf.sub(joint, prod);
    const sd = Math.sqrt(num(tf.moments(r).variance) * (M / (M - 1)));
    return sd / Math.sqrt(t.y.shape[0]);
  });
}

describe("minibatch stratified sampling (mss) against the closed form", () => {
  for (const rho of [0, 0.6]) {
    it(`ρ = ${rho}: TC ≈ −½ log(1 − ρ²), MI ≈ ½ log(det C / s⁴), dimension-wise KL ≈ 0`, () => {
      const t = toy(rho, M, 11);
      const est = tf.tidy(() => {
        const a = aggregateTerms(t.y, t.mean, t.logvar, { datasetSize: N, sampling: "mss", groups: null });
        return { mi: num(a.mi), tc: num(a.tc), dimKl: num(a.dimKl) };
      });
      const se = tcStandardError(t, "mss");
      const tol = 4 * se + 0.02;
      expect(Math.abs(est.tc - -0.5 * Math.log(1 - rho * rho)), `TC ${est.tc} (se ${se})`).toBeLessThan(tol);
      expect(Math.abs(est.mi - 0.5 * Math.log((1 - rho * rho) / (S2 * S2))), `MI ${est.mi}`).toBeLessThan(0.06);
      expect(Math.abs(est.dimKl), `dim-KL ${est.dimKl}`).toBeLessThan(0.03);
      tf.dispose(t);
    });
  }

  it("grouped TC: one group of both coordinates has TC 0 between groups; two singleton groups give the plain TC", () => {
    const t = toy(0.6, 300, 5);
    const [one, two, tc] = tf.tidy(() => {
      const g1 = aggregateTerms(t.y, t.mean, t.logvar, { datasetSize: N, sampling: "mss", groups: [[0, 1]] });
      const g2 = aggregateTerms(t.y, t.mean, t.logvar, { datasetSize: N, sampling: "mss", groups: [[0], [1]] });
      return [num(g1.tcGroups!), num(g2.tcGroups!), num(g2.tc)];
    });
    expect(Math.abs(one)).toBeLessThan(1e-5);
    expect(two).toBeCloseTo(tc, 5);
    tf.dispose(t);
  });
});

describe("minibatch-weighted sampling (mws), as published", () => {
  it("is offset by (D − 1)·log N from the closed form where the posteriors overlap (so mss is the default)", () => {
    const t = toy(0, M, 11);
    const tc = tf.tidy(() => num(aggregateTerms(t.y, t.mean, t.logvar, { datasetSize: N, sampling: "mws", groups: null }).tc));
    expect(Math.abs(tc - Math.log(N))).toBeLessThan(0.5);
    tf.dispose(t);
  });
});

describe("the decomposition", () => {
  for (const sampling of ["mss", "mws"] as const) {
    it(`${sampling}: MI + TC + dim-KL = mean log q(y|x) − log p(y) exactly, and ≈ the analytic E KL(q(y|x) ‖ N(0, I)) (< 4 s.e.)`, () => {
      const t = toy(0.6, 400, 21);
      const r = tf.tidy(() => {
        const a = aggregateTerms(t.y, t.mean, t.logvar, { datasetSize: 5000, sampling, groups: null });
        // one-sample Monte Carlo KL per datapoint: log N(y; μ, s²) − log N(y; 0, I)
        const lq = tf.sum(tf.mul(tf.add(tf.add(tf.div(tf.square(tf.sub(t.y, t.mean)), tf.exp(t.logvar)), t.logvar), Math.log(2 * Math.PI)), -0.5), 1);
        const lp = tf.sum(tf.mul(tf.add(tf.square(t.y), Math.log(2 * Math.PI)), -0.5), 1);
        const mc = tf.sub(lq, lp);
        const { mean, variance } = tf.moments(mc);
        return { sum: num(a.mi) + num(a.tc) + num(a.dimKl), mc: num(mean), se: Math.sqrt(num(variance) / 400), kl: num(tf.mean(klStdNormal(t.mean, t.logvar))) };
      });
      expect(r.sum).toBeCloseTo(r.mc, 3);
      expect(Math.abs(r.sum - r.kl), `${r.sum} vs analytic ${r.kl} (se ${r.se})`).toBeLessThan(4 * r.se);
      tf.dispose(t);
    });
  }
});

describe("gradients of every term (central differences)", () => {
  it("MI, TC, dim-KL and grouped TC in the posterior's mean and log-variance, through y = μ + σ·ε", () => {
    const r = rng(3);
    const m = 6;
    const d = 3;
    const mu = tf.variable(tf.tensor2d(Array.from({ length: m * d }, () => 2 * r() - 1), [m, d]));
    const lv = tf.variable(tf.tensor2d(Array.from({ length: m * d }, () => -0.5 + 0.6 * r()), [m, d]));
    const eps = tf.tensor2d(Array.from({ length: m * d }, () => 2 * r() - 1), [m, d]);
    for (const sampling of ["mss", "mws"] as const) {
      for (const term of ["mi", "tc", "dimKl", "tcGroups"] as const) {
        const f = () => {
          const y = tf.add(mu, tf.mul(tf.exp(tf.mul(lv, 0.5)), eps)) as tf.Tensor2D;
          return aggregateTerms(y, mu, lv, { datasetSize: 50, sampling, groups: [[0, 2], [1]] })[term]!;
        };
        const g = gradCheck(f, [mu, lv], { h: 1e-2, atol: 2e-3, rtol: 2e-2 });
        expect(g.mismatches, `${sampling} ${term}`).toEqual([]);
        expect(g.checked).toBe(2 * m * d);
      }
    }
    tf.dispose([mu, lv, eps]);
  });
});
