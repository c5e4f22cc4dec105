// A discrete VAE end to end: the Categorical prior compiled from a spec and run by the interpreter.
// Which bound: training maximises the analytic-KL ELBO with the relaxed (or straight-through) sample
// in the reconstruction; IWAE uses hard samples with the exact categorical densities. With K = 3
// classes both are checked against the exact value Σ_k q(k|x) log p(x|e_k) − KL(q ‖ p), enumerated:
// IWAE(K = 1) and the straight-through ELBO are unbiased for it (a statistical test over seeds),
// and a tiny spec trains (its loss falls).
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileSource } from "../../../compiler/compile";
import { describeModel } from "../../../compiler/describe";
import { buildModel } from "../../../runtime/model/build";
import type { CompiledModel } from "../../../runtime/model/compiled";
import { useTestBackend } from "../model/gradcheck";
import { estimate } from "../priors/reference";

beforeAll(useTestBackend);

const K = 3;
const spec = (prior: string, latent = `OneHot[${K}]`, mapping = "codebook(c)") => `import "prelude"
bias codebook<K>(c: OneHot[K]) -> Real[2] {
  param E = normal(K, 2)
  return matmul(c, E)
}
bias codebooks<G, K>(c: OneHot[G, K]) -> Real[2] {
  param E = normal(K, 2)
  return sum(matmul(c, E), axis: 0)
}
model d {
  data x : Real[2] ~ two_gaussians(n: 60, distance: 2, std: 0.3, validation: 10)
  encoder q(c | x) = mlp_encoder(hidden: [8])
  intermediary c : ${latent} ~ ${prior}
  mapping z = ${mapping}
  decoder p(x | z) : Gaussian(sigma: 0.5) = mlp_decoder(hidden: [8])
  train { optimizer: adam(lr: 1e-2), batch: 20, epochs: 1, seed: 1 }
}
`;
const compile = (prior: string, latent?: string, mapping?: string) => {
  const r = compileSource(spec(prior, latent, mapping), { file: "test/runtime/latents/d.intel" });
  if (!r.ir) throw new Error(r.check.diagnostics.map((d) => d.message).join("\n"));
  return r.ir;
};
const X = [[2.1, 0.2], [-1.8, -0.3], [2.4, -0.1], [-2.2, 0.4], [0.1, 0.1], [1.9, 0.5]];

/** Σ_k q(k|x) log p(x|e_k) − KL per datapoint, by enumerating the K classes */
function exactElbo(m: CompiledModel, x: tf.Tensor2D): number[] {
  return tf.tidy(() => {
    const q = m.encode(x, false);
    const probs = q.mean.arraySync();
    const lp = Math.log(1 / K);
    const ll = Array.from({ length: K }, (_, k) => {
      const c = tf.oneHot(tf.fill([x.shape[0]], k, "int32") as tf.Tensor1D, K, 1, 0, "float32") as tf.Tensor2D;
      return m.logLikelihood(x, m.decode(m.map(c).z, false)).arraySync();
    });
    return probs.map((p, b) => p.reduce((s, pk, k) => s + pk * (ll[k]![b]! - (Math.log(pk) - lp)), 0));
  });
}

/** 300 draws of `draw(seed)` (seeds 100…399) average to the enumerated ELBO within 4 standard errors. */
function expectUnbiasedForExactElbo(m: CompiledModel, x: tf.Tensor2D, draw: (seed: number) => number): { mean: number; se: number } {
  const exact = exactElbo(m, x);
  const e = estimate(Array.from({ length: 300 }, (_, s) => draw(100 + s)));
  const want = exact.reduce((a, b) => a + b, 0) / exact.length;
  expect(Math.abs(e.mean - want), `${e.mean} ± ${e.se} vs ${want}`).toBeLessThan(4 * e.se + 1e-4);
  return e;
}

describe("a discrete VAE (Categorical prior)", () => {
  it("lowers to a categorical node with one logit per class; --verbose says how it is trained and evaluated", () => {
    const ir = compile("Categorical(temperature: 2, temperature_end: 0.2, straight_through: true)");
    expect(ir.latent.dim).toBe(K);
    expect(ir.encoder.output).toEqual([K]);
    expect(ir.latent.prior).toMatchObject({ kind: "categorical", groups: 1, classes: K, temperature: [2, 0.2], straightThrough: true });
    expect(describeModel(ir).join("\n")).toContain(`c : OneHot[${K}] ~ a categorical (one-hot) prior (1 × ${K} classes, uniform prior; relaxed samples, τ 2 → 0.2, straight-through); KL analytic`);
  });

  it("IWAE(K = 1) on hard samples is unbiased for the enumerated ELBO (300 seeds, 4 se)", () => {
    const m = buildModel(compile("Categorical()"), 3);
    const x = tf.tensor2d(X);
    const e = expectUnbiasedForExactElbo(m, x, (s) => tf.tidy(() => tf.mean(m.iwae(x, 1, s)).dataSync()[0]!));
    expect(e.se).toBeGreaterThan(0); // the hard samples do vary
    x.dispose();
    m.dispose();
  });

  it("with the relaxed-responsibility posterior: the encoder gives code_dim features, the prior owns a codebook; IWAE(K = 1) is still unbiased", () => {
    const ir = compile('Categorical(posterior: "responsibility", code_dim: 4, sigma: 0.5)');
    expect(ir.encoder.output).toEqual([4]);
    expect(ir.params.filter((p) => p.id.startsWith("prior/")).map((p) => [p.id, p.shape])).toEqual([["prior/codebook", [K, 4]], ["prior/weights", [K]]]);
    const m = buildModel(ir, 3);
    const x = tf.tensor2d(X);
    // the enumerated ELBO with the learned weights as the prior (zeros at init: uniform)
    expectUnbiasedForExactElbo(m, x, (s) => tf.tidy(() => tf.mean(m.iwae(x, 1, s)).dataSync()[0]!));
    x.dispose();
    m.dispose();
  });

  it("the straight-through ELBO (hard sample in the reconstruction, analytic KL) has the same expectation", () => {
    const m = buildModel(compile("Categorical(straight_through: true)"), 3);
    const x = tf.tensor2d(X);
    expectUnbiasedForExactElbo(m, x, (s) => tf.tidy(() => -m.loss(x, s, false, { beta: 1 }).loss.dataSync()[0]!));
    x.dispose();
    m.dispose();
  });

  it("a OneHot[G, K] latent reaches the mapping as [B, G, K]; its KL is the sum over the G groups", () => {
    const m = buildModel(compile("Categorical()", `OneHot[2, ${K}]`, "codebooks(c)"), 5);
    expect(m.latentDim).toBe(2 * K);
    const x = tf.tensor2d(X);
    const [kl, klSum] = tf.tidy(() => {
      const q = m.encode(x, false);
      const p = q.mean.arraySync();
      const byHand = p.map((row) => row.reduce((s, v) => s + v * Math.log(v * K), 0));
      return [m.loss(x, 9, false).kl.dataSync()[0]!, byHand.reduce((a, b) => a + b, 0) / byHand.length];
    });
    expect(kl).toBeCloseTo(klSum, 4);
    const s = tf.tidy(() => m.sample(4, 2).shape);
    expect(s).toEqual([4, 2]);
    x.dispose();
    m.dispose();
  });

  it("trains: 60 Adam steps lower the loss on fixed evaluation seeds, with τ annealed by progress", () => {
    const m = buildModel(compile("Categorical(temperature: 1, temperature_end: 0.3)"), 1);
    const x = tf.tensor2d(X);
    const evalLoss = () => tf.tidy(() => estimate(Array.from({ length: 20 }, (_, s) => m.loss(x, 1000 + s, false).loss.dataSync()[0]!)).mean);
    const before = evalLoss();
    const opt = tf.train.adam(1e-2);
    const vars = [...m.variables.values()];
    for (let t = 0; t < 60; t++) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => m.loss(x, t, true, { progress: t / 60 }).loss, vars);
        opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name]! })));
      });
    }
    const after = evalLoss();
    expect(Number.isFinite(after)).toBe(true);
    expect(after, `${before} → ${after}`).toBeLessThan(before - 0.1);
    opt.dispose();
    x.dispose();
    m.dispose();
  });
});
