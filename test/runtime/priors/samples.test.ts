// sample() draws from the prior: moments against their exact values, within 4 standard errors.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestBackend } from "../model/gradcheck";
import { fixedMog, LAPLACE, laplace, learnableMog, SPIKE_ALPHA, spikeSlab, vamp } from "./fixtures";
import { estimate, expectClose, phi } from "./reference";

beforeAll(useTestBackend);

const N = 20_000;
const column = (t: tf.Tensor2D, d: number): Float32Array => tf.tidy(() => tf.slice(t, [0, d], [-1, 1]).dataSync() as Float32Array);
const check = (xs: ArrayLike<number>, want: number, what: string) => {
  const c = expectClose(estimate(xs), { mean: want, se: 0 });
  expect(c.ok, `${what}: ${c.detail}`).toBe(true);
};

describe("prior samples", () => {
  it("fixed mixture at ±2 on dim 0: E|y₀| = E|N(2, 1)|, E y₀ = 0, Var y₁ = 1", () => {
    const y = fixedMog().sample(N, 3);
    const y0 = column(y, 0);
    // E|N(μ, 1)| = √(2/π)·e^{−μ²/2} + μ·(1 − 2Φ(−μ))
    check(y0.map(Math.abs), Math.sqrt(2 / Math.PI) * Math.exp(-2) + 2 * (1 - 2 * phi(-2)), "E|y0|");
    check(y0, 0, "E y0");
    check(column(y, 1).map((v) => v * v), 1, "E y1²");
    y.dispose();
  });

  it("learnable mixture: components are picked by softmax(logits)", () => {
    // logits [0.5, −0.5]: weights σ(±1); components N(−1.7, 0.7²) and N(1.9, 1.3²) on dim 0
    const y = learnableMog().prior.sample(N, 4);
    const w0 = 1 / (1 + Math.exp(-1));
    check(column(y, 0).map((v) => (v < 0 ? 1 : 0)), w0 * phi(1.7 / 0.7) + (1 - w0) * phi(-1.9 / 1.3), "P(y0 < 0)");
    y.dispose();
  });

  it("Laplace: mean loc, variance 2·scale²", () => {
    const y = laplace().sample(N, 5);
    for (const d of [0, 1]) {
      const c = column(y, d);
      check(c, LAPLACE.loc, `E y${d}`);
      check(c.map((v) => (v - LAPLACE.loc) ** 2), 2 * LAPLACE.scale ** 2, `Var y${d}`);
    }
    y.dispose();
  });

  it("spike-and-slab: a fraction 1 − α exactly 0, the rest N(0, 1)", () => {
    const y = spikeSlab().sample(N, 6);
    const c = column(y, 1);
    check(c.map((v) => (v === 0 ? 1 : 0)), 1 - SPIKE_ALPHA, "P(y = 0)");
    check(c.map((v) => v * v), SPIKE_ALPHA, "E y²");
    y.dispose();
  });

  it("VampPrior: the mixture mean is the mean of the encoded pseudo-inputs", () => {
    const v = vamp();
    const y = v.prior.sample(N, 7);
    const means = tf.tidy(() => v.prior.components().mean.arraySync());
    for (const d of [0, 1]) check(column(y, d), means.reduce((s, m) => s + m[d]!, 0) / 3, `E y${d}`);
    y.dispose();
  });
});
