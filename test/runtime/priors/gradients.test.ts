// Gradients of the KL term against central finite differences with fixed noise (cpu backend): with
// respect to the posterior's mean and log-variance (and spike logits), and to the prior's own
// parameters (learnable mixture; VampPrior pseudo-inputs and the encoder that encodes them).
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Prior } from "../../../runtime/priors/prior";
import { gradCheck, useTestBackend } from "../model/gradcheck";
import { SpikeSlabPrior } from "../../../runtime/priors/spike-slab";
import { fixedMog, laplace, learnableMog, LOGITS, LOGVAR, MEAN, SPIKE_ALPHA, spikeSlab, vamp } from "./fixtures";

beforeAll(useTestBackend);

/** the batch's summed KL term as a function of fresh posterior variables, on fixed noise */
function klOf(prior: Prior, logits = false, progress?: number) {
  const q = { mean: tf.variable(tf.tensor2d(MEAN)), logvar: tf.variable(tf.tensor2d(LOGVAR)), logits: tf.variable(tf.tensor2d(LOGITS)) };
  const eps = tf.keep(tf.randomNormal([3, 2], 0, 1, "float32", 5) as tf.Tensor2D);
  const f = () => tf.sum(prior.elbo({ mean: q.mean, logvar: q.logvar, ...(logits ? { logits: q.logits } : {}) }, eps, { seed: 3, chunk: 0, progress }).kl) as tf.Scalar;
  return { f, vars: logits ? [q.mean, q.logvar, q.logits] : [q.mean, q.logvar] };
}

describe("KL term gradients vs finite differences", () => {
  it.each([
    ["fixed mixture", () => ({ prior: fixedMog() as Prior, extra: [] as tf.Variable[] })],
    ["learnable mixture (means, stds, weights too)", () => {
      const m = learnableMog();
      return { prior: m.prior as Prior, extra: m.vars };
    }],
    ["Laplace", () => ({ prior: laplace() as Prior, extra: [] as tf.Variable[] })],
    ["VampPrior (pseudo-inputs and encoder too)", () => {
      const v = vamp();
      return { prior: v.prior as Prior, extra: v.vars };
    }],
  ])("%s", (_name, make) => {
    const { prior, extra } = make();
    const { f, vars } = klOf(prior);
    const r = gradCheck(f, [...vars, ...extra]);
    expect(r.checked).toBe(12 + extra.reduce((s, v) => s + v.size, 0));
    expect(r.mismatches).toEqual([]);
  });

  it("spike-and-slab: the analytic KL in mean, log-variance and spike logits", () => {
    const { f, vars } = klOf(spikeSlab(), true);
    const r = gradCheck(f, vars);
    expect(r.checked).toBe(18);
    expect(r.mismatches).toEqual([]);
  });

  it("spike-and-slab: the relaxed y carries gradients to mean, log-variance and logits", () => {
    // c small enough that the relaxation is smooth at the finite-difference step
    const soft = new SpikeSlabPrior(SPIKE_ALPHA, [2, 2], 2);
    const q = { mean: tf.variable(tf.tensor2d(MEAN)), logvar: tf.variable(tf.tensor2d(LOGVAR)), logits: tf.variable(tf.tensor2d(LOGITS)) };
    const eps = tf.randomNormal([3, 2], 0, 1, "float32", 5) as tf.Tensor2D;
    const f = () => tf.sum(tf.square(soft.elbo(q, eps, { seed: 3, chunk: 0 }).y)) as tf.Scalar;
    const r = gradCheck(f, [q.mean, q.logvar, q.logits]);
    expect(r.mismatches).toEqual([]);
  });
});
