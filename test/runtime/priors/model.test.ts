// Baseline priors inside the real model, built from spec sources: IWAE(K = 1) equals the ELBO on the
// same noise, prior parameters get gradients, spike-and-slab representations are γ ⊙ μ, the
// VampPrior starts from training points, and each prior trains a few steps with a finite, falling loss.
import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../../../compiler/compile";
import type { ModelIR } from "../../../compiler/ir/types";
import { makeDataset } from "../../../runtime/data/dataset";
import { buildModel } from "../../../runtime/model/build";
import type { CompiledModel } from "../../../runtime/model/compiled";
import { latentCodes } from "../../../runtime/run/inference";
import { startRun } from "../../../runtime/run/session";
import { useTestBackend } from "../model/gradcheck";

const dir = mkdtempSync(join(tmpdir(), "intel-priors-"));
beforeAll(useTestBackend);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PRIORS = {
  mog: "MixtureOfGaussians(k: 2, distance: 2)",
  mog_learnable: "MixtureOfGaussians(k: 3, learnable: true)",
  vamp: "VampPrior(k: 5)",
  laplace: "Laplace(scale: 1)",
  spike_slab: "SpikeAndSlab(alpha: 0.5)",
  hierarchical: "Hierarchical(zeta: 2, hidden: [8], k: 4)",
} as const;
type Name = keyof typeof PRIORS;

function specIR(name: Name): ModelIR {
  const path = join(dir, `${name}.intel`);
  writeFileSync(
    path,
    `import "${join(process.cwd(), "specs/prelude.intel")}"
model prior_${name} {
  data x : Real[2] ~ ring(n: 240, radius: 2, noise: 0.05, validation: 40)
  encoder q(y | x) = mlp_encoder(hidden: [8])
  intermediary y : Real[2] ~ ${PRIORS[name]}
  mapping z = identity(y)
  decoder p(x | z) : Gaussian(sigma: 0.3) = mlp_decoder(hidden: [8])
  train { optimizer: adam(lr: 1e-2), batch: 50, epochs: 3, seed: 2 }
}
`,
  );
  const r = compileFile(path);
  if (!r.ir) throw new Error(r.check.diagnostics.map((d) => d.message).join("; "));
  return r.ir;
}

const num = (t: tf.Tensor): number => t.dataSync()[0]!;
const batch = () => tf.tidy(() => tf.mul(tf.randomNormal([8, 2], 0, 1, "float32", 21), 1.5));

describe("IWAE(K = 1) = ELBO(β = 1) on the same seed (Monte Carlo KL on the same y)", () => {
  it.each(["mog", "mog_learnable", "laplace", "vamp"] as const)("%s", (name) => {
    const m = buildModel(specIR(name), 1);
    const x = batch();
    for (const seed of [3, 17]) {
      const [iw, elbo] = tf.tidy(() => [num(tf.mean(m.iwae(x, 1, seed))), -num(m.loss(x, seed, false, { beta: 1 }).loss)]);
      expect(Math.abs(iw - elbo), `${iw} vs ${elbo}`).toBeLessThan(1e-4 * Math.abs(elbo) + 1e-5);
    }
    x.dispose();
    m.dispose();
  });
});

describe("the prior in the model", () => {
  it("a learnable mixture's means, stds and weights get gradients from the loss", () => {
    const ir = specIR("mog_learnable");
    const m = buildModel(ir, 1);
    const x = batch();
    const ids = ir.params.filter((p) => p.id.startsWith("prior/")).map((p) => p.id);
    expect(ids).toHaveLength(3);
    const { value, grads } = tf.variableGrads(() => m.loss(x, 4, true).loss, ids.map((id) => m.variables.get(id)!));
    for (const id of ids) {
      const g = grads[m.variables.get(id)!.name]!;
      expect(tf.tidy(() => num(tf.max(tf.abs(g)))), id).toBeGreaterThan(0);
    }
    tf.dispose([x, value, ...Object.values(grads)]);
    m.dispose();
  });

  it("spike-and-slab: the encoder emits 3·D values; representations are γ ⊙ μ; it samples", () => {
    const ir = specIR("spike_slab");
    expect(ir.encoder.output).toEqual([6]);
    const m = buildModel(ir, 1);
    const x = batch();
    const ds = makeDataset(x.dataSync() as Float32Array, [2], null);
    const want = tf.tidy(() => {
      const q = m.encode(x, false);
      return tf.mul(tf.sigmoid(q.logits!), q.mean).dataSync();
    });
    const { z, dim } = latentCodes(m, ds, "y", { batch: 3 });
    expect(dim).toBe(2);
    Array.from(want).forEach((v, i) => expect(z[i]).toBeCloseTo(v, 6));
    // z = g(γ ⊙ μ) too (identity mapping), and not μ
    expect(latentCodes(m, ds, "z", { batch: 8 }).z).toEqual(z);
    // the selection sharpness warms up from 50 to 200: the relaxed y differs, the end value outside training
    const at = (progress?: number) => tf.tidy(() => num(m.loss(x, 9, false, { beta: 1, progress }).recon));
    expect(at(0)).not.toBe(at(1));
    expect(at(1)).toBe(at(undefined));
    const s = m.sample(4, 5);
    expect(s.shape).toEqual([4, 2]);
    expect(Array.from(s.dataSync()).every(Number.isFinite)).toBe(true);
    s.dispose();
    x.dispose();
    m.dispose();
  });
});

describe("training each prior for a few steps (startRun, cpu)", () => {
  let captured: CompiledModel | null = null;
  let pseudoAtStart: number[][] | null = null;

  it.each(Object.keys(PRIORS) as Name[])("%s: finite losses that go down", async (name) => {
    const ir = specIR(name);
    captured = null;
    pseudoAtStart = null;
    const progress: (number | undefined)[] = [];
    const out = join(dir, `run-${name}`);
    await startRun({
      ir,
      specText: null,
      specPath: null,
      outDir: out,
      buildModel: (i, seed) => {
        const m = buildModel(i, seed);
        const loss = m.loss.bind(m);
        // records the schedule position the training loop passes (spike-and-slab's sharpness)
        m.loss = (x, s, training, o) => {
          if (training) progress.push(o?.progress);
          return loss(x, s, training, o);
        };
        return (captured = m);
      },
      backend: { name: "cpu", detail: "test", tfjsVersion: "test" },
      command: [],
      progress: null,
      afterStep: (st) => {
        // the VampPrior's pseudo-inputs after one step: still (almost) the training points they started as
        if (st.step === 1 && name === "vamp") pseudoAtStart = captured!.variables.get("prior/pseudo_inputs")!.arraySync() as number[][];
      },
    });
    const epochs = readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l)).filter((r) => r.type === "epoch");
    expect(epochs).toHaveLength(3);
    for (const e of epochs) expect(Number.isFinite(e.train.loss) && Number.isFinite(e.validation.loss), JSON.stringify(e)).toBe(true);
    expect(epochs[2].train.loss).toBeLessThan(epochs[0].train.loss);
    // 3 epochs of 4 steps: the fraction of training done before each step
    expect(progress).toHaveLength(12);
    progress.forEach((p, i) => expect(p).toBeCloseTo(i / 12, 12));
    if (name === "vamp") {
      // ring data of radius 2: pseudo-inputs drawn from N(0, I) would not all lie near it
      expect(pseudoAtStart).toHaveLength(5);
      for (const u of pseudoAtStart!) expect(Math.abs(Math.hypot(u[0]!, u[1]!) - 2)).toBeLessThan(0.3);
    }
  });
});

describe("sampled representations are exact draws from q(y|x) (hoyer(y, sample: true))", () => {
  it("spike-and-slab: inactive coordinates are exactly 0, at the rate 1 − γ; N(0, I): μ + σ·ε", () => {
    const m = buildModel(specIR("spike_slab"), 1);
    const x = tf.tidy(() => tf.tile(tf.tensor2d([[0.5, -1]]), [4000, 1]));
    const ds = makeDataset(x.dataSync() as Float32Array, [2], null);
    const gamma = tf.tidy(() => Array.from(tf.sigmoid(m.encode(tf.slice(x, [0, 0], [1, -1]), false).logits!).dataSync()));
    const { z } = latentCodes(m, ds, "y", { batch: 500, sample: true, seed: 3 });
    for (let j = 0; j < 2; j++) {
      let zeros = 0;
      for (let i = 0; i < 4000; i++) if (z[i * 2 + j] === 0) zeros++;
      const p = 1 - gamma[j]!;
      // 4 binomial standard errors: a slab-only draw (no exact zeros) fails this
      expect(Math.abs(zeros / 4000 - p), `coordinate ${j}: ${zeros} zeros, 1 − γ = ${p}`).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / 4000) + 1e-3);
    }
    x.dispose();
    m.dispose();
  });

  it("the Gaussian intermediary: mean and spread of the draws are μ(x) and σ(x)", () => {
    const m = buildModel(specIR("laplace"), 1);
    const x = tf.tidy(() => tf.tile(tf.tensor2d([[0.3, 0.7]]), [4000, 1]));
    const ds = makeDataset(x.dataSync() as Float32Array, [2], null);
    const [mu, lv] = tf.tidy(() => {
      const q = m.encode(tf.slice(x, [0, 0], [1, -1]), false);
      return [Array.from(q.mean.dataSync()), Array.from(q.logvar.dataSync())];
    });
    const { z } = latentCodes(m, ds, "y", { batch: 1000, sample: true, seed: 5 });
    for (let j = 0; j < 2; j++) {
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < 4000; i++) s += z[i * 2 + j]!;
      const mean = s / 4000;
      for (let i = 0; i < 4000; i++) s2 += (z[i * 2 + j]! - mean) ** 2;
      const sd = Math.exp(lv[j]! / 2);
      expect(Math.abs(mean - mu[j]!)).toBeLessThan((4 * sd) / Math.sqrt(4000));
      expect(Math.abs(Math.sqrt(s2 / 4000) / sd - 1)).toBeLessThan(0.06);
    }
    x.dispose();
    m.dispose();
  });
});
