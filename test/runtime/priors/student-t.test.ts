// The Student-t prior, added through its descriptor and its runtime implementation only: ln Γ against
// exact values, log p(y) against a float64 closed form (ν = 3: Γ(2) = 1, Γ(3/2) = √π/2), the Monte
// Carlo KL against a 100k-draw reference, its gradients against finite differences, sample moments,
// IWAE(K = 1) = ELBO in the model, and the compiler's view (range check, --verbose, baseline).
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileSource } from "../../../compiler/compile";
import { describeModel } from "../../../compiler/describe";
import { buildModel } from "../../../runtime/model/build";
import { logGamma } from "../../../runtime/ops/student-t";
import { StudentTPrior } from "../../../runtime/priors/student-t";
import { gradCheck, useTestBackend } from "../model/gradcheck";
import { RING_SMALL, tinySpec } from "../../tiny-spec";
import { LOGVAR, MEAN, tiledPosterior } from "./fixtures";
import { estimate, expectClose, expectIwaeK1IsElbo, referenceKl } from "./reference";

beforeAll(useTestBackend);

const SCALE = 1.5;
/** ν = 3: log p(y) = Σ −ln(√π/2) − ½ ln(3π s²) − 2 ln(1 + (y/s)²/3) */
const logP3 = (y: number[]) => y.reduce((s, v) => s - Math.log(Math.sqrt(Math.PI) / 2) - 0.5 * Math.log(3 * Math.PI * SCALE * SCALE) - 2 * Math.log1p((v / SCALE) ** 2 / 3), 0);
const prior = (df = 3) => new StudentTPrior(df, SCALE, 2);

describe("Student-t prior", () => {
  it("ln Γ matches exact values", () => {
    for (const [x, want] of [[1, 0], [2, 0], [5, Math.log(24)], [0.5, 0.5 * Math.log(Math.PI)], [1.5, Math.log(Math.sqrt(Math.PI) / 2)], [0.1, Math.log(9.513507698668732)]] as const) {
      expect(logGamma(x)).toBeCloseTo(want, 10);
    }
  });

  it("log p(y) equals the float64 closed form", () => {
    const y = [[0.3, -2.5], [4, 0], [-0.7, 1.1]];
    const got = tf.tidy(() => prior().logDensity(tf.tensor2d(y)).arraySync());
    y.forEach((row, i) => expect(got[i]!).toBeCloseTo(logP3(row), 4));
  });

  it("on three posteriors, the mean single-sample KL matches a 100k-draw float64 reference", () => {
    const n = 6000;
    const kl = tf.tidy(() => {
      const qs = [0, 1, 2].map((r) => tiledPosterior(r, n));
      const q = { mean: tf.concat(qs.map((x) => x.mean)) as tf.Tensor2D, logvar: tf.concat(qs.map((x) => x.logvar)) as tf.Tensor2D };
      return prior().elbo(q, tf.randomNormal([3 * n, 2], 0, 1, "float32", 101) as tf.Tensor2D, { seed: 7, chunk: 0 }).kl.dataSync();
    });
    [0, 1, 2].forEach((r) => {
      const c = expectClose(estimate(kl.subarray(r * n, (r + 1) * n)), referenceKl(MEAN[r]!, LOGVAR[r]!, logP3, 100_000, 12345 + r));
      expect(c.ok, `row ${r}: ${c.detail}`).toBe(true);
    });
  });

  it("the KL term's gradients in the posterior's mean and log-variance match finite differences", () => {
    const q = { mean: tf.variable(tf.tensor2d(MEAN)), logvar: tf.variable(tf.tensor2d(LOGVAR)) };
    const eps = tf.keep(tf.randomNormal([3, 2], 0, 1, "float32", 5) as tf.Tensor2D);
    const p = prior();
    const r = gradCheck(() => tf.sum(p.elbo(q, eps, { seed: 3, chunk: 0 }).kl) as tf.Scalar, [q.mean, q.logvar]);
    expect(r.checked).toBe(12);
    expect(r.mismatches).toEqual([]);
  });

  it("samples have the t distribution's variance s²ν/(ν − 2) (ν = 6) and median 0", () => {
    const s = tf.tidy(() => prior(6).sample(40_000, 11).dataSync());
    const e = estimate(Array.from(s, (v) => v * v));
    const want = (SCALE * SCALE * 6) / 4;
    expect(Math.abs(e.mean - want)).toBeLessThan(5 * e.se + 0.01);
    const sorted = Float32Array.from(s).sort();
    expect(Math.abs(sorted[sorted.length / 2]!)).toBeLessThan(0.03);
  });
});

describe("Student-t prior in a model", () => {
  const compile = (prior: string) => compileSource(tinySpec({ name: "t", prior, data: RING_SMALL, hidden: 8, sigma: 0.3 }), { file: "test/runtime/priors/t.intel" });

  it("lowers to a baseline with its IR node; --verbose names it and its Monte Carlo KL", () => {
    const r = compile("StudentT(df: 4, scale: 2)");
    expect(r.ir?.latent.prior).toEqual({ kind: "student_t", df: 4, scale: 2, kl: "monte_carlo" });
    expect(r.ir?.kind).toBe("baseline");
    expect(describeModel(r.ir!).join("\n")).toContain("y : Real[2] ~ Student-t (ν = 4, scale 2); KL by Monte Carlo");
    expect(r.check.diagnostics.map((d) => d.code)).toContain("IV5001");
  });

  it("a df of 0 is IV5004, from the descriptor's range", () => {
    const r = compile("StudentT(df: 0)");
    const d = r.check.diagnostics.find((x) => x.code === "IV5004");
    expect(d?.message).toBe("'df' of StudentT must be > 0, got 0");
  });

  it("IWAE(K = 1) equals the ELBO (β = 1) on the same seed", () => {
    const m = buildModel(compile("StudentT(df: 3)").ir!, 1);
    expectIwaeK1IsElbo(m);
    m.dispose();
  });
});
