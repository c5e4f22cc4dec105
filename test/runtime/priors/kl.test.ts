// The KL estimators against references: single-sample Monte Carlo KL (mean over many draws) vs a
// 100k-draw float64 JS reference, within 4 combined standard errors; spike-and-slab's analytic KL
// vs Monte Carlo with hard selections and the mixed-measure densities.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Prior } from "../../../runtime/priors/prior";
import { useTestBackend } from "../model/gradcheck";
import { fixedMog, fixedMogLogP, LAPLACE, laplace, laplaceLogP, learnableMog, LOGITS, LOGVAR, MEAN, SPIKE_ALPHA, spikeSlab, tiledPosterior, vamp } from "./fixtures";
import { estimate, expectClose, phi, referenceKl, type Estimate } from "./reference";

beforeAll(useTestBackend);

const N = 6_000;

/** mean and s.e. of the prior's single-sample KL over N draws, for each fixture row (one call) */
function mcKl(prior: Prior): Estimate[] {
  const kl = tf.tidy(() => {
    const qs = [0, 1, 2].map((r) => tiledPosterior(r, N));
    const q = { mean: tf.concat(qs.map((x) => x.mean)) as tf.Tensor2D, logvar: tf.concat(qs.map((x) => x.logvar)) as tf.Tensor2D };
    return prior.elbo(q, tf.randomNormal([3 * N, 2], 0, 1, "float32", 101) as tf.Tensor2D, { seed: 7, chunk: 0 }).kl.dataSync();
  });
  return [0, 1, 2].map((r) => estimate(kl.subarray(r * N, (r + 1) * N)));
}

describe.each([
  ["fixed mixture of Gaussians", () => ({ prior: fixedMog() as Prior, logP: fixedMogLogP })],
  ["learnable mixture of Gaussians", () => learnableMog()],
  ["Laplace", () => ({ prior: laplace() as Prior, logP: laplaceLogP })],
  ["VampPrior", () => vamp()],
])("%s: Monte Carlo KL", (_name, make) => {
  it("on each of three posteriors, the mean single-sample KL matches a 100k-draw float64 reference", () => {
    const { prior, logP } = make();
    mcKl(prior).forEach((got, r) => {
      const c = expectClose(got, referenceKl(MEAN[r]!, LOGVAR[r]!, logP, 100_000, 12345 + r));
      expect(c.ok, `row ${r}: ${c.detail}`).toBe(true);
    });
  });
});

describe("Laplace: closed form", () => {
  it("E_q[−log p] has a closed form (folded normal): the Monte Carlo KL agrees", () => {
    // KL = −½ Σ log(2πe σ²) + Σ [log 2b + E|y − loc| / b], E|y − loc| = σ√(2/π) e^{−δ²/2σ²} + δ(1 − 2Φ(−δ/σ))
    const got = mcKl(laplace());
    for (let r = 0; r < 3; r++) {
      let kl = 0;
      for (let d = 0; d < 2; d++) {
        const s = Math.exp(LOGVAR[r]![d]! / 2);
        const delta = MEAN[r]![d]! - LAPLACE.loc;
        const absMean = s * Math.sqrt(2 / Math.PI) * Math.exp(-(delta * delta) / (2 * s * s)) + delta * (1 - 2 * phi(-delta / s));
        kl += -0.5 * Math.log(2 * Math.PI * Math.E * s * s) + Math.log(2 * LAPLACE.scale) + absMean / LAPLACE.scale;
      }
      const c = expectClose(got[r]!, { mean: kl, se: 0 });
      expect(c.ok, `row ${r}: ${c.detail}`).toBe(true);
    }
  });
});

describe("spike-and-slab", () => {
  it.each([0, 1, 2])("row %i: the analytic KL equals E_q[log q − log p] with hard selections (12k draws)", (r) => {
    const prior = spikeSlab();
    const analytic = tf.tidy(() => prior.kl(tiledPosterior(r, 1, true)).dataSync()[0]!);
    const draws = tf.tidy(() => tf.neg(prior.importance(tiledPosterior(r, 2 * N, true), tf.randomNormal([2 * N, 2], 0, 1, "float32", 200 + r) as tf.Tensor2D, { seed: 9, chunk: r }).logRatio).dataSync());
    const c = expectClose(estimate(draws), { mean: analytic, se: 0 });
    expect(c.ok, c.detail).toBe(true);
  });

  it("the analytic KL matches the formula in float64", () => {
    const prior = spikeSlab();
    const got = tf.tidy(() => prior.kl({ mean: tf.tensor2d(MEAN), logvar: tf.tensor2d(LOGVAR), logits: tf.tensor2d(LOGITS) }).arraySync());
    MEAN.forEach((m, r) => {
      let want = 0;
      m.forEach((mu, d) => {
        const lv = LOGVAR[r]![d]!;
        const g = 1 / (1 + Math.exp(-LOGITS[r]![d]!));
        want += (g / 2) * (-1 - lv + mu * mu + Math.exp(lv)) + (1 - g) * Math.log((1 - g) / (1 - SPIKE_ALPHA)) + g * Math.log(g / SPIKE_ALPHA);
      });
      expect(got[r]!).toBeCloseTo(want, 4);
    });
  });
});
