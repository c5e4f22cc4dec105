// The flow prior: its density integrates to 1 (2-D quadrature, random parameters), a fresh flow is
// exactly N(0, I) so its Monte Carlo KL estimates the analytic KL without bias, an actnorm-only flow
// is N(−loc, e^{−2s}) with a known KL, samples are the base noise pushed back through the layers,
// the KL's gradients match finite differences, and in a model IWAE(K = 1) = ELBO and a few Adam
// steps lower the loss and move the flow's parameters.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileSource } from "../../../compiler/compile";
import { describeModel } from "../../../compiler/describe";
import { buildModel } from "../../../runtime/model/build";
import { deriveSeed, standardNormal, STREAM } from "../../../runtime/model/random";
import { flowPrior } from "../flows/fixtures";
import { gradCheck, useTestBackend } from "../model/gradcheck";
import { RING_SMALL, tinySpec } from "../../tiny-spec";
import { LOGVAR, MEAN, tiledPosterior } from "./fixtures";
import { estimate, expectClose, expectIwaeK1IsElbo, logNormal } from "./reference";

beforeAll(useTestBackend);

const ALL = "actnorm(), affine_coupling(hidden: [8]), invertible_linear(), affine_coupling(hidden: [8]), planar(), radial(), householder_sylvester(), permute()";
/** every layer with an identity (or permutation) init: planar has none */
const IDENTITY_INIT = "actnorm(), affine_coupling(hidden: [8]), invertible_linear(seed: 4), affine_coupling(hidden: [8]), radial(), permute()";

/** KL(N(m, e^{lv}) ‖ N(c, diag e^{2 ls})), summed over coordinates */
const gaussKl = (m: number[], lv: number[], c: number[], ls: number[]) =>
  m.reduce((s, _, d) => s + ls[d]! - lv[d]! / 2 + (Math.exp(lv[d]!) + (m[d]! - c[d]!) ** 2) / (2 * Math.exp(2 * ls[d]!)) - 0.5, 0);

describe("flow prior", () => {
  it("with random parameters, its density integrates to 1 (midpoint rule on [−30, 30]², 400² cells)", () => {
    const { prior } = flowPrior(ALL, 2, 0.3, 3);
    const n = 400;
    const lim = 30; // the flow sends ~3% of its mass beyond ±12
    const step = (2 * lim) / n;
    const grid: number[][] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) grid.push([-lim + (i + 0.5) * step, -lim + (j + 0.5) * step]);
    const mass = tf.tidy(() => tf.sum(tf.exp(prior.logDensity(tf.tensor2d(grid)))).dataSync()[0]! * step * step);
    expect(Math.abs(mass - 1), `mass ${mass}`).toBeLessThan(5e-3);
    // and it is not N(0, I): the check above is about the flow
    const at0 = tf.tidy(() => prior.logDensity(tf.tensor2d([[0, 0]])).dataSync()[0]!);
    expect(Math.abs(at0 - logNormal([0, 0], [0, 0], [0, 0]))).toBeGreaterThan(0.05);
  });

  it("a fresh flow (identity inits) is exactly N(0, I), and its Monte Carlo KL is unbiased for the analytic KL", () => {
    const { prior } = flowPrior(IDENTITY_INIT, 2);
    const pts = [[0.3, -1.2], [2.5, 0.7]];
    const lp = tf.tidy(() => prior.logDensity(tf.tensor2d(pts)).arraySync());
    pts.forEach((y, i) => expect(lp[i]!).toBeCloseTo(logNormal(y, [0, 0], [0, 0]), 5));
    const n = 20_000;
    [0, 1, 2].forEach((r) => {
      const kl = tf.tidy(() => prior.elbo(tiledPosterior(r, n), tf.randomNormal([n, 2], 0, 1, "float32", 31 + r) as tf.Tensor2D, { seed: 1, chunk: 0 }).kl.dataSync());
      const want = gaussKl(MEAN[r]!, LOGVAR[r]!, [0, 0], [0, 0]);
      const c = expectClose(estimate(kl), { mean: want, se: 0 });
      expect(c.ok, `row ${r}: ${c.detail}`).toBe(true);
    });
  });

  it("an actnorm flow is N(−loc, e^{−2·log_scale}): the Monte Carlo KL matches that Gaussian's KL", () => {
    const { prior, vars } = flowPrior("actnorm()", 2);
    const loc = [0.7, -1.1];
    const logScale = [0.4, -0.3];
    vars.find((v) => v.name.endsWith("/loc"))!.assign(tf.tensor1d(loc));
    vars.find((v) => v.name.endsWith("/log_scale"))!.assign(tf.tensor1d(logScale));
    const n = 20_000;
    const r = 1;
    const kl = tf.tidy(() => prior.elbo(tiledPosterior(r, n), tf.randomNormal([n, 2], 0, 1, "float32", 77) as tf.Tensor2D, { seed: 1, chunk: 0 }).kl.dataSync());
    const want = gaussKl(MEAN[r]!, LOGVAR[r]!, loc.map((v) => -v), logScale.map((v) => -v));
    const c = expectClose(estimate(kl), { mean: want, se: 0 });
    expect(c.ok, c.detail).toBe(true);
  });

  it("samples are the base noise pushed back through the layers: normalising them gives that noise", () => {
    const { prior } = flowPrior(ALL, 2, 0.3, 5);
    const seed = 19;
    const diff = tf.tidy(() => {
      const y = prior.sample(500, seed);
      const eps = standardNormal([500, 2], deriveSeed(seed, STREAM.prior));
      return tf.max(tf.abs(tf.sub(prior.normalize(y).u, eps))).dataSync()[0]!;
    });
    expect(diff).toBeLessThan(1e-4);
  });

  it("the KL term's gradients in q's mean and log-variance match finite differences", () => {
    const { prior } = flowPrior(ALL, 2, 0.3, 9);
    const q = { mean: tf.variable(tf.tensor2d(MEAN)), logvar: tf.variable(tf.tensor2d(LOGVAR)) };
    const eps = tf.keep(tf.randomNormal([3, 2], 0, 1, "float32", 5) as tf.Tensor2D);
    const r = gradCheck(() => tf.sum(prior.elbo(q, eps, { seed: 3, chunk: 0 }).kl) as tf.Scalar, [q.mean, q.logvar]);
    expect(r.checked).toBe(12);
    expect(r.mismatches).toEqual([]);
  });
});

describe("flow prior in a model", () => {
  const compile = (prior: string) => compileSource(tinySpec({ name: "f", prior, data: RING_SMALL, hidden: 8, sigma: 0.3 }), { file: "test/runtime/priors/flow.intel" });

  it("lowers to a baseline; --verbose says the KL is Monte Carlo and log p exact; the short form is depth Glow steps", () => {
    const r = compile("Flow(depth: 2, hidden: [6])");
    const p = r.ir!.latent.prior;
    expect(p.kind).toBe("flow");
    if (p.kind !== "flow") return;
    expect(p.layers.map((l) => l.kind)).toEqual(["actnorm", "affine_coupling", "permute", "actnorm", "affine_coupling", "permute"]);
    expect(r.ir!.params.filter((x) => x.id.startsWith("prior/flow/layer_1/")).map((x) => x.shape)).toEqual([[1, 6], [6], [6, 2], [2]]);
    expect(r.ir?.kind).toBe("baseline");
    expect(describeModel(r.ir!).join("\n")).toContain("y : Real[2] ~ a flow prior (N(0, I) through 6 layers: 2× actnorm, 2× affine_coupling, 2× permute); KL by Monte Carlo (log p(y) exact");
    expect(r.check.diagnostics.map((d) => d.code)).toContain("IV5001");
  });

  it("couplings alternate halves unless a permutation separates them", () => {
    const p = compile("Flow(layers: [affine_coupling(), affine_coupling(), permute(), affine_coupling(), invertible_linear(), affine_coupling()])").ir!.latent.prior;
    if (p.kind !== "flow") throw new Error("not a flow");
    expect(p.layers.flatMap((l) => (l.kind === "affine_coupling" ? [l.flip] : []))).toEqual([false, true, false, false]);
  });

  it("IWAE(K = 1) equals the ELBO (β = 1) on the same seed", () => {
    const m = buildModel(compile(`Flow(layers: [${ALL}])`).ir!, 1);
    // move the flow off its init so the prior term matters
    tf.tidy(() => {
      for (const [id, v] of m.variables) if (id.startsWith("prior/")) v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.2, "float32", 3)));
    });
    expectIwaeK1IsElbo(m);
    m.dispose();
  });

  it("a few Adam steps on ring data lower the loss and train the flow's parameters", () => {
    const m = buildModel(compile("Flow(depth: 2, hidden: [8])").ir!, 2);
    const x = tf.tidy(() => {
      const t = tf.randomUniform([64], 0, 2 * Math.PI, "float32", 4);
      return tf.mul(tf.stack([tf.cos(t), tf.sin(t)], 1), 2);
    });
    const flowVars = [...m.variables].filter(([id]) => id.startsWith("prior/")).map(([, v]) => v);
    const before = flowVars.map((v) => v.dataSync().slice());
    const opt = tf.train.adam(1e-2);
    const loss = (seed: number) => tf.tidy(() => m.loss(x, seed, true, { beta: 1 }).loss.dataSync()[0]!);
    const start = [1, 2, 3, 4].reduce((s, k) => s + loss(1000 + k), 0) / 4;
    for (let step = 0; step < 60; step++) opt.minimize(() => m.loss(x, step, true, { beta: 1 }).loss as tf.Scalar, false, [...m.variables.values()]);
    const end = [1, 2, 3, 4].reduce((s, k) => s + loss(1000 + k), 0) / 4;
    expect(end).toBeLessThan(start);
    const moved = flowVars.filter((v, i) => v.dataSync().some((a, j) => Math.abs(a - before[i]![j]!) > 1e-4)).length;
    expect(moved).toBe(flowVars.length);
    opt.dispose();
    x.dispose();
    m.dispose();
  });
});
