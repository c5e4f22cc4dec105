// Likelihood log-densities and the KL term: hand computations, finite differences, Monte Carlo.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import type { LikelihoodIR } from "../../../compiler/ir/types";
import { klStdNormal, logLikelihood, logPriorMinusLogQ } from "../../../runtime/objectives/likelihood";
import { betaAt } from "../../../runtime/objectives/objective";
import { logGamma } from "../../../runtime/ops/student-t";
import { deriveSeed, reparamNoise } from "../../../runtime/model/random";
import { awayFromZero, gradCheck, rng, useTestBackend } from "./gradcheck";

beforeAll(useTestBackend);

const X = [
  [1, 0, 0.3],
  [0, 1, 0.9],
];
const OUT = [
  [0.5, -2, 1.5],
  [-0.7, 3, 0.2],
];
const LOG_S = [-0.3, 0.2, 0.5];
const L2PI = Math.log(2 * Math.PI);

/** the hand formula per element, summed per row */
function hand(f: (x: number, o: number, j: number) => number): number[] {
  return X.map((row, i) => row.reduce((a, x, j) => a + f(x, OUT[i]![j]!, j), 0));
}

function run(lik: LikelihoodIR, params = new Map<string, tf.Variable>()): number[] {
  return tf.tidy(() => Array.from(logLikelihood(lik, tf.tensor(X), tf.tensor(OUT), params).dataSync()));
}

describe("log-densities against hand computations (|Δ| ≤ 1e-5·max(1, |v|))", () => {
  const close = (got: number[], want: number[]) => got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(want[i]!))));
  const logSigma = () => new Map([["ls", tf.variable(tf.tensor(LOG_S))]]);

  it("Bernoulli from logits: Σ x·l − log(1 + eˡ), also for x in (0, 1)", () => {
    close(run({ kind: "bernoulli" }), hand((x, l) => x * l - Math.log1p(Math.exp(l))));
  });
  it("Gaussian, fixed σ = 0.5", () => {
    close(run({ kind: "gaussian", sigma: 0.5 }), hand((x, m) => -0.5 * ((x - m) / 0.5) ** 2 - Math.log(0.5) - 0.5 * L2PI));
  });
  it("Gaussian, learned per-dimension log σ", () => {
    close(
      run({ kind: "gaussian", sigma: "learned", logSigma: "ls" }, logSigma()),
      hand((x, m, j) => -0.5 * ((x - m) / Math.exp(LOG_S[j]!)) ** 2 - LOG_S[j]! - 0.5 * L2PI),
    );
  });
  it("Laplace, fixed b = 0.7", () => {
    close(run({ kind: "laplace", scale: 0.7 }), hand((x, m) => -Math.abs(x - m) / 0.7 - Math.log(1.4)));
  });
  it("Laplace, learned per-dimension log b", () => {
    close(
      run({ kind: "laplace", scale: "learned", logScale: "ls" }, logSigma()),
      hand((x, m, j) => -Math.abs(x - m) / Math.exp(LOG_S[j]!) - Math.log(2 * Math.exp(LOG_S[j]!))),
    );
  });
  const lgamma = (v: number) => logGamma(v);
  const tHand = (df: number, s: (j: number) => number) => (x: number, m: number, j: number) =>
    lgamma((df + 1) / 2) - lgamma(df / 2) - 0.5 * Math.log(df * Math.PI) - Math.log(s(j)) - ((df + 1) / 2) * Math.log1p(((x - m) / s(j)) ** 2 / df);
  it("Student-t, fixed scale 0.4, ν = 2.5", () => {
    close(run({ kind: "student_t", df: 2.5, scale: 0.4 }), hand(tHand(2.5, () => 0.4)));
  });
  it("Student-t, learned per-dimension log scale, ν = 4", () => {
    close(run({ kind: "student_t", df: 4, scale: "learned", logScale: "ls" }, logSigma()), hand(tHand(4, (j) => Math.exp(LOG_S[j]!))));
  });
  it("analytic KL: ½ Σ (μ² + σ² − 1 − log σ²)", () => {
    const mu = [[0.3, -1.2], [2, 0]];
    const lv = [[-0.5, 0.4], [0, 1.3]];
    const got = tf.tidy(() => Array.from(klStdNormal(tf.tensor2d(mu), tf.tensor2d(lv)).dataSync()));
    close(got, mu.map((r, i) => r.reduce((a, m, j) => a + 0.5 * (m * m + Math.exp(lv[i]![j]!) - 1 - lv[i]![j]!), 0)));
  });
});

describe("loss-term gradients = finite differences (h 1e-2, |Δ| ≤ 2e-3 + 1e-2·|g|)", () => {
  const cases: [string, LikelihoodIR][] = [
    ["Bernoulli", { kind: "bernoulli" }],
    ["Gaussian fixed", { kind: "gaussian", sigma: 0.8 }],
    ["Gaussian learned", { kind: "gaussian", sigma: "learned", logSigma: "ls" }],
    ["Laplace fixed", { kind: "laplace", scale: 0.7 }],
    ["Laplace learned", { kind: "laplace", scale: "learned", logScale: "ls" }],
    ["Student-t fixed", { kind: "student_t", df: 3, scale: 0.6 }],
    ["Student-t learned", { kind: "student_t", df: 1.5, scale: "learned", logScale: "ls" }],
  ];
  for (const [name, lik] of cases) {
    it(`recon = −mean log p(x|out), ${name}: w.r.t. the decoder output and log σ/b`, () => {
      const r = rng(3);
      const x = tf.tensor(Array.from({ length: 12 }, () => r()), [4, 3]);
      // |x − out| ≥ 0.1 so the Laplace kink stays beyond the step
      const out = tf.variable(tf.add(x, tf.tensor(awayFromZero(r, 12, 0.1, 1), [4, 3])));
      const ls = tf.variable(tf.tensor(awayFromZero(r, 3, 0.1, 0.5)));
      const params = new Map([["ls", ls]]);
      const f = () => tf.tidy(() => tf.neg(tf.mean(logLikelihood(lik, x, out, params))) as tf.Scalar);
      const res = gradCheck(f, [out, ls]);
      expect(res.mismatches).toEqual([]);
      [x, out, ls].forEach((t) => t.dispose());
    });
  }

  it("KL w.r.t. mean and log-variance", () => {
    const r = rng(4);
    const mu = tf.variable(tf.tensor(awayFromZero(r, 6, 0, 1.5), [3, 2]));
    const lv = tf.variable(tf.tensor(awayFromZero(r, 6, 0, 1.5), [3, 2]));
    const f = () => tf.tidy(() => tf.mean(klStdNormal(mu as tf.Tensor as tf.Tensor2D, lv as tf.Tensor as tf.Tensor2D)) as tf.Scalar);
    expect(gradCheck(f, [mu, lv]).mismatches).toEqual([]);
  });
});

describe("analytic KL against Monte Carlo", () => {
  it("E_q[log q(y|x) − log N(y)] with 200 000 samples, within 4 standard errors", () => {
    const n = 200_000;
    const mu = [0.7, -1.5, 0.1];
    const lv = [-1, 0.5, 0.2];
    const { mc, se, exact } = tf.tidy(() => {
      const mean = tf.broadcastTo(tf.tensor2d([mu]), [n, 3]) as tf.Tensor2D;
      const logvar = tf.broadcastTo(tf.tensor2d([lv]), [n, 3]) as tf.Tensor2D;
      const eps = reparamNoise(deriveSeed(42), n, 3);
      const y = tf.add(mean, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps)) as tf.Tensor2D;
      const d = tf.neg(logPriorMinusLogQ(y, eps, logvar)); // log q − log p, one per sample
      const { mean: m, variance } = tf.moments(d);
      return {
        mc: m.dataSync()[0]!,
        se: Math.sqrt(variance.dataSync()[0]! / n),
        exact: klStdNormal(tf.tensor2d([mu]), tf.tensor2d([lv])).dataSync()[0]!,
      };
    });
    expect(Math.abs(mc - exact)).toBeLessThan(4 * se);
    expect(se).toBeLessThan(0.01); // the test has power
  });
});

describe("the Student-t likelihood is a density, and tends to the Gaussian", () => {
  const density = (lik: LikelihoodIR, xs: number[], mean: number) =>
    tf.tidy(() => Array.from(tf.exp(logLikelihood(lik, tf.tensor2d(xs, [xs.length, 1]), tf.fill([xs.length, 1], mean), new Map())).dataSync()));
  it("∫ p(x | m) dx = 1 for ν = 1, 3, 30 (x = m + s·tan u, trapezoid on u ∈ (−π/2, π/2), |Δ| ≤ 1e-4)", () => {
    const n = 20_001;
    const d = 1e-6;
    const us = Array.from({ length: n }, (_, i) => -Math.PI / 2 + d + (i * (Math.PI - 2 * d)) / (n - 1));
    for (const df of [1, 3, 30]) {
      const p = density({ kind: "student_t", df, scale: 0.5 }, us.map((u) => 0.3 + 0.5 * Math.tan(u)), 0.3);
      const f = p.map((v, i) => v * 0.5 / Math.cos(us[i]!) ** 2); // p(x) dx/du
      const h = us[1]! - us[0]!;
      const integral = h * (f.reduce((a, v) => a + v, 0) - 0.5 * (f[0]! + f[n - 1]!));
      expect(Math.abs(integral - 1)).toBeLessThan(1e-4);
    }
  });
  it("ν = 10⁶ gives the Gaussian's log-density to 1e-4", () => {
    const xs = [-1.3, -0.2, 0, 0.7, 2.1];
    const t = density({ kind: "student_t", df: 1e6, scale: 0.7 }, xs, 0.1);
    const g = density({ kind: "gaussian", sigma: 0.7 }, xs, 0.1);
    t.forEach((v, i) => expect(Math.abs(Math.log(v) - Math.log(g[i]!))).toBeLessThan(1e-4));
  });
});

describe("β warm-up", () => {
  it("betaAt ramps linearly to β over `warmup` and is constant without warm-up", () => {
    const obj = { kind: "elbo" as const, beta: 4, warmup: 10, samples: 1, kl: "auto" as const };
    expect([0, 5, 10, 20].map((t) => betaAt(obj, t))).toEqual([0, 2, 4, 4]);
    expect(betaAt({ kind: "elbo", beta: 2, warmup: 0, samples: 1, kl: "auto" }, 0)).toBe(2);
    expect(betaAt({ kind: "iwae", k: 5, warmup: 0 }, 0)).toBe(1);
  });
});
