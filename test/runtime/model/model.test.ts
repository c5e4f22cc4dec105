// The built model: ELBO gradients, IWAE identities, determinism, batch norm, sampling, memory.
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelIR } from "../../../compiler/ir/types";
import { buildModel } from "../../../runtime/model/build";
import type { CompiledModel } from "../../../runtime/model/compiled";
import { logPriorMinusLogQ } from "../../../runtime/objectives/likelihood";
import { deriveSeed, reparamNoise } from "../../../runtime/model/random";
import { convVae, mlpVae, sparseMapping } from "../fixtures/ir";
import { gradCheck, rng, useTestBackend } from "./gradcheck";

beforeAll(useTestBackend);

const models: CompiledModel[] = [];
afterAll(() => models.forEach((m) => m.dispose()));
const build = (ir: ModelIR, seed = 7) => {
  const m = buildModel(ir, seed);
  models.push(m);
  return m;
};

const data = (shape: number[], n: number, seed: number) => {
  const r = rng(seed);
  return tf.tensor(Array.from({ length: n * shape.reduce((a, b) => a * b, 1) }, () => r()), [n, ...shape]);
};
const num = (t: tf.Tensor) => t.dataSync()[0]!;
const first = (n: number) => () => Array.from({ length: n }, (_, i) => i);

const sparseIR = () =>
  mlpVae({ data: [6], hidden: [5], latent: 3, activation: "tanh", likelihood: { kind: "gaussian", sigma: "learned" }, mapping: (p, d) => sparseMapping(p, d, 2) });

describe("ELBO gradients = finite differences (h 3e-3, |Δ| ≤ 2e-3 + 1e-2·|g|, fixed noise seed)", () => {
  it("whole loss of a sparse InteL-VAE w.r.t. encoder, mapping, decoder and log σ", () => {
    const m = build(sparseIR());
    const x = data([6], 4, 1);
    const f = () => tf.tidy(() => m.loss(x, 5, false).loss);
    const ids = ["encoder/dense_0/kernel", "encoder/dense_1/bias", "mapping/ds/dense_0/kernel", "mapping/ds/dense_2/bias", "decoder/dense_1/kernel", "likelihood/log_sigma"];
    const res = gradCheck(f, ids.map((id) => m.variables.get(id)!), { h: 3e-3, entries: first(4) });
    expect(res.mismatches).toEqual([]);
    expect(res.checked).toBe(23);
  });

  it("each term separately: KL (encoder), penalty (mapping), recon (decoder)", () => {
    const m = build(sparseIR());
    const x = data([6], 4, 2);
    const term = (pick: (t: ReturnType<CompiledModel["loss"]>) => tf.Scalar) => () => tf.tidy(() => pick(m.loss(x, 9, false)));
    const v = (id: string) => [m.variables.get(id)!];
    const o = { h: 3e-3, entries: first(5) };
    expect(gradCheck(term((t) => t.kl), v("encoder/dense_1/kernel"), o).mismatches).toEqual([]);
    expect(gradCheck(term((t) => t.penalties["sparsity"]!), v("mapping/ds/dense_1/kernel"), o).mismatches).toEqual([]);
    expect(gradCheck(term((t) => t.recon), v("decoder/dense_0/kernel"), o).mismatches).toEqual([]);
  });

  it("conv VAE in training mode (batch statistics, dropout with a fixed seed)", () => {
    const m = build(convVae({ likelihood: { kind: "bernoulli" } }));
    const x = data([8, 8, 1], 3, 3);
    const f = () => tf.tidy(() => m.loss(x, 4, true).loss);
    const ids = ["encoder/conv_0/weights", "encoder/bn_0/gamma", "decoder/convt_0/weights", "decoder/conv_out/bias", "decoder/bn_0/beta"];
    expect(gradCheck(f, ids.map((id) => m.variables.get(id)!), { h: 3e-3, entries: first(3) }).mismatches).toEqual([]);
  });
});

describe("IWAE", () => {
  const ir = mlpVae({ data: [6], hidden: [8], latent: 2, activation: "tanh" });
  let x: tf.Tensor;
  beforeAll(() => {
    x = data([6], 8, 4);
  });

  it("IWAE(K=1) = log p(x|g(y)) + log N(y) − log q(y|x) on the ELBO's own noise (|Δ| ≤ 1e-4·|v|)", () => {
    const m = build(ir);
    const seed = 31;
    const { got, want } = tf.tidy(() => {
      const recon = num(m.loss(x, seed, false, { beta: 1 }).recon); // −mean log p(x|g(y)) with y from `seed`
      const { mean, logvar } = m.encode(x, false);
      const eps = reparamNoise(seed, 8, 2);
      const y = tf.add(mean, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps)) as tf.Tensor2D;
      return { got: num(tf.mean(m.iwae(x, 1, seed))), want: -recon + num(tf.mean(logPriorMinusLogQ(y, eps, logvar))) };
    });
    expect(Math.abs(got - want)).toBeLessThan(1e-4 * Math.abs(want));
  });

  it("IWAE(K=1) and −ELBO(β=1) differ by zero-mean noise: |mean| < 4 s.e. over 150 seeds", () => {
    const m = build(ir);
    const d = Array.from({ length: 150 }, (_, s) => tf.tidy(() => num(tf.mean(m.iwae(x, 1, s + 1))) + num(m.loss(x, s + 1, false, { beta: 1 }).loss)));
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1));
    expect(Math.abs(mean)).toBeLessThan((4 * sd) / Math.sqrt(d.length));
  });

  it("IWAE(K) ≥ ELBO on average and grows with K (20 seeds)", () => {
    const m = build(ir);
    const avg = (f: (s: number) => number) => Array.from({ length: 20 }, (_, s) => f(s + 100)).reduce((a, b) => a + b, 0) / 20;
    const elbo = avg((s) => tf.tidy(() => -num(m.loss(x, s, false, { beta: 1 }).loss)));
    const iw = (k: number) => avg((s) => tf.tidy(() => num(tf.mean(m.iwae(x, k, s)))));
    const [i5, i50] = [iw(5), iw(50)];
    expect(i5).toBeGreaterThan(elbo);
    expect(i50).toBeGreaterThan(i5);
  });

  it("the IWAE objective's loss is −mean IWAE(K) on the same seed, and chunked K stays bounded", () => {
    const m = build(mlpVae({ data: [6], hidden: [8], latent: 2, objective: { kind: "iwae", k: 7, warmup: 0 } }));
    const [loss, est] = tf.tidy(() => [num(m.loss(x, 3, false).loss), num(tf.mean(m.iwae(x, 7, 3)))]);
    expect(Math.abs(loss + est)).toBeLessThan(1e-5 * Math.abs(est));
    const before = tf.memory().numTensors;
    const big = m.iwae(x, 600, 5); // 600·8 rows: three chunks of 256 samples
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(Array.from(big.dataSync()).every(Number.isFinite)).toBe(true);
    big.dispose();
  });
});

describe("model behaviour", () => {
  it("determinism: same IR + seed → identical parameters and loss values; another seed differs", () => {
    const ir = sparseIR();
    const x = data([6], 5, 8);
    const values = (m: CompiledModel, s: number) =>
      tf.tidy(() => {
        const t = m.loss(x, s, true);
        return [num(t.loss), num(t.recon), num(t.kl), num(t.penalties["sparsity"]!)];
      });
    const [a, b, c] = [build(ir, 11), build(ir, 11), build(ir, 12)];
    expect(values(a, 3)).toEqual(values(b, 3));
    expect(values(a, 3)).not.toEqual(values(c, 3));
    expect(values(a, 4)).not.toEqual(values(a, 3));
    expect(Array.from(a.variables.keys())).toEqual(ir.params.map((p) => p.id));
    for (const [id, v] of a.variables) expect(Array.from(v.dataSync())).toEqual(Array.from(b.variables.get(id)!.dataSync()));
  });

  it("β scales the KL; no penalties means loss = recon + β·KL", () => {
    const m = build(mlpVae({ data: [6], hidden: [5], latent: 2 }));
    const x = data([6], 4, 9);
    const t = tf.tidy(() => [0, 1, 3].map((beta) => m.loss(x, 2, false, { beta })).map((l) => [num(l.loss), num(l.recon), num(l.kl)]));
    for (const [i, beta] of [0, 1, 3].entries()) expect(t[i]![0]).toBeCloseTo(t[i]![1]! + beta * t[i]![2]!, 4);
  });

  it("batch norm: training updates the moving statistics (momentum 0.9), evaluation reads them", () => {
    const m = build(convVae());
    const x = data([8, 8, 1], 6, 10);
    const mm = m.state.get("encoder/bn_0/moving_mean")!;
    const ev = () => tf.tidy(() => num(m.loss(x, 1, false).loss));
    const e0 = ev();
    expect(Array.from(mm.dataSync())).toEqual([0, 0, 0, 0]);
    expect(ev()).toBe(e0); // evaluation changes nothing
    const batchMean = tf.tidy(() => {
      const c = m.ir.encoder.layers[0]!;
      const w = m.variables.get((c as { weights: string }).weights)!;
      return tf.mean(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor as tf.Tensor4D, 2, "same"), [0, 1, 2]).arraySync() as number[];
    });
    tf.tidy(() => void m.loss(x, 1, true));
    Array.from(mm.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(0.1 * batchMean[i]!, 5));
    expect(ev()).not.toBe(e0);
  });

  it("sample(n): Bernoulli means in (0, 1) with the data's shape, deterministic in the seed", () => {
    const m = build(convVae());
    const a = m.sample(4, 3);
    const b = m.sample(4, 3);
    expect(a.shape).toEqual([4, 8, 8, 1]);
    expect(Array.from(a.dataSync()).every((v) => v > 0 && v < 1)).toBe(true);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b]);
  });

  it("no tensor outlives a tidy around loss(); encode/map/decode chain to the data shape", () => {
    const m = build(mlpVae({ data: [2, 3], hidden: [4], latent: 3, mapping: (p, d) => sparseMapping(p, d) }));
    const x = data([2, 3], 5, 11);
    tf.tidy(() => void m.loss(x, 1, true)); // warm caches
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.tidy(() => void m.loss(x, i, true));
    expect(tf.memory().numTensors).toBe(before);
    tf.tidy(() => {
      const { mean, logvar } = m.encode(x, false);
      expect([mean.shape, logvar.shape]).toEqual([[5, 3], [5, 3]]);
      const { z, penalties } = m.map(mean);
      expect(Object.keys(penalties)).toEqual(["sparsity"]);
      expect(m.decode(z, false).shape).toEqual([5, 2, 3]);
    });
  });

  it("derived seeds are never 0 and do not collide on small paths", () => {
    const seen = new Set<number>();
    for (let s = 0; s < 50; s++) for (let i = 0; i < 50; i++) seen.add(deriveSeed(s, i));
    expect(seen.has(0)).toBe(false);
    expect(seen.size).toBe(2500);
  });
});
