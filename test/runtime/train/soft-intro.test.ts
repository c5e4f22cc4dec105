// Optimizer groups and the soft_intro scheme (#19) on tiny compiled specs: each group's optimizer
// moves only its own parameters; the players' losses equal a hand computation (float64, the
// networks written out); their gradients equal central finite differences; a stopped and resumed
// run equals the straight one bit for bit, with every group's optimizer state in the checkpoint.
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSource } from "../../../compiler/compile";
import type { LayerIR, ModelIR, NetworkIR } from "../../../compiler/ir/types";
import { selectBackend } from "../../../runtime/backend/select";
import { buildModel, stageSeeds } from "../../../runtime/model/build";
import type { CompiledModel } from "../../../runtime/model/compiled";
import { deriveSeed, reparamNoise, standardNormal, STREAM } from "../../../runtime/model/random";
import { readCheckpoint } from "../../../runtime/run/checkpoint";
import { checkpointPath } from "../../../runtime/run/run-dir";
import { resumeRun, startRun } from "../../../runtime/run/session";
import { GroupedOptimizer } from "../../../runtime/train/groups";
import { trainStep } from "../../../runtime/train/loop";
import { softIntroLosses } from "../../../runtime/train/schemes/soft-intro";
import { cleanupTmp, CPU, metricsOf, tmp, weightsOf } from "./helpers";

afterAll(cleanupTmp);
beforeAll(async () => {
  await selectBackend("cpu");
});

const spec = (prior: string, scheme: string, groups: string) => `
network enc(x: Real[2]) -> Real[3] {
  dense(3)
  tanh
}
network dec(z: Real[2]) -> Real[2] {
  dense(3)
  tanh
  dense(2)
}
model tiny {
  data x : Real[2] ~ gaussian_clusters(k: 4, radius: 2, std: 0.1, n: 64, validation: 16)
  encoder q(y | x) = enc()
  intermediary y : Real[2] ~ ${prior}
  decoder p(x | y) : Gaussian(sigma: 0.5) = dec()
  train { scheme: ${scheme}, optimizers: groups(${groups}), batch: 16, epochs: 2, seed: 3, log_every: 1 }
}
`;
const MOG = spec(
  "MixtureOfGaussians(k: 4, learnable: true)",
  "soft_intro(beta_rec: 1, beta_kl: 0.5, beta_neg: 2, gamma_r: 0.1, vae_steps: 2, responsibility: 0.1, reset_inactive: 3)",
  "encoder: adam(lr: 1e-2), decoder: adam(lr: 5e-3), prior: sgd(lr: 1e-2, momentum: 0.5)",
);
const NORMAL = spec("Normal(0, I)", "soft_intro(beta_rec: 0.7, beta_kl: 0.5, beta_neg: 3, gamma_r: 0.2)", "encoder: adam(), decoder: adam()");

function irOf(text: string): ModelIR {
  const c = compileSource(text, { file: "tiny.intel" });
  expect(c.check.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return c.ir!;
}
type Scheme = Extract<NonNullable<ModelIR["train"]["scheme"]>, { kind: "soft_intro" }>;
const schemeOf = (ir: ModelIR) => ir.train.scheme as Scheme;
const snapshot = (m: CompiledModel) => new Map([...m.variables].map(([id, v]) => [id, Float32Array.from(v.dataSync())]));
const batch = () => tf.tensor2d([[2, 0.1], [-0.1, 1.9], [-2, 0], [0.05, -2.1], [1.4, 1.5], [-1.3, -1.4]]);

describe("optimizer groups", () => {
  it("resolve every parameter into one group: mapping and prior default to the decoder's", () => {
    const ir = irOf(spec("MixtureOfGaussians(k: 4, learnable: true)", "soft_intro()", "encoder: adam(), decoder: adam()"));
    const [enc, dec] = ir.train.groups!;
    expect(enc!.params.every((p) => p.startsWith("encoder/"))).toBe(true);
    expect(dec!.params.filter((p) => p.startsWith("prior/"))).toHaveLength(3);
    expect([...enc!.params, ...dec!.params].sort()).toEqual(ir.params.map((p) => p.id).sort());
    expect([enc!.player, dec!.player]).toEqual(["encoder", "decoder"]);
  });

  it("each optimizer moves only its group's parameters; the others stay bit-identical", () => {
    const ir = irOf(MOG);
    const model = buildModel(ir, 1);
    const opt = new GroupedOptimizer(ir.train.groups!, ir.train.optimizer.lr);
    opt.bind(model.variables);
    const x = batch();
    const group = (name: string) => new Set(ir.train.groups!.find((g) => g.name === name)!.params);
    const moved = (before: Map<string, Float32Array>) => [...model.variables].filter(([id, v]) => !v.dataSync().every((a, i) => a === before.get(id)![i])).map(([id]) => id);
    const losses = softIntroLosses(schemeOf(ir), model, x, 5);

    // the encoder player: only the encoder group moves
    let before = snapshot(model);
    const encVars = opt.variablesOf("encoder", model.variables);
    const eg = tf.variableGrads(() => losses.encoder().loss, encVars);
    opt.applyGradients(encVars.map((v) => ({ name: v.name, tensor: eg.grads[v.name]! })));
    tf.dispose([eg.value, ...Object.values(eg.grads)]);
    expect(new Set(moved(before))).toEqual(group("encoder"));

    // the decoder player trains the decoder and the prior groups, each with its own optimizer
    before = snapshot(model);
    const y = tf.tidy(() => tf.keep(losses.encoder().y));
    const decVars = opt.variablesOf("decoder", model.variables);
    const dg = tf.variableGrads(() => softIntroLosses(schemeOf(ir), model, x, 5, y).decoder().loss, decVars);
    opt.applyGradients(decVars.map((v) => ({ name: v.name, tensor: dg.grads[v.name]! })));
    tf.dispose([dg.value, ...Object.values(dg.grads), y]);
    expect(new Set(moved(before))).toEqual(new Set([...group("decoder"), ...group("prior")]));

    // one step on the prior's gradient only: the decoder group does not step (its Adam state would change its next step)
    before = snapshot(model);
    const priorVars = [...model.variables].filter(([id]) => group("prior").has(id)).map(([, v]) => v);
    opt.applyGradients(priorVars.map((v) => ({ name: v.name, tensor: tf.onesLike(v) })));
    expect(new Set(moved(before))).toEqual(group("prior"));
    // a plain step moves every group
    before = snapshot(model);
    trainStep(model, opt, [...model.variables.values()], x, 7, {});
    expect(new Set(moved(before))).toEqual(new Set(ir.params.map((p) => p.id)));
    x.dispose();
    opt.dispose();
    model.dispose();
  });
});

// ---------- the hand computation: the networks and the ELBO terms written out in float64 ----------

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
type Rows = number[][];

function net(model: CompiledModel, n: NetworkIR, x: Rows): Rows {
  let h = x;
  for (const l of n.layers as LayerIR[]) {
    if (l.kind === "dense") {
      const k = model.variables.get(l.kernel)!.arraySync() as Rows;
      const b = model.variables.get(l.bias!)!.arraySync() as number[];
      h = h.map((r) => b.map((bj, j) => bj + r.reduce((s, v, i) => s + v * k[i]![j]!, 0)));
    } else if (l.kind === "activation" && l.fn === "tanh") h = h.map((r) => r.map(Math.tanh));
    else throw new Error(`the hand computation has no ${l.kind}`);
  }
  return h;
}

function handElbo(model: CompiledModel, x: Rows, call: number, chunk: number, sigma: number) {
  const d = 2;
  const out = net(model, model.ir.encoder, x);
  const mean = out.map((r) => r.slice(0, d));
  const logvar = out.map((r) => r.slice(d, 2 * d));
  const eps = reparamNoise(call, x.length, d, chunk).arraySync() as Rows;
  const y = mean.map((m, b) => m.map((mi, i) => mi + Math.exp(0.5 * logvar[b]![i]!) * eps[b]![i]!));
  const kl = mean.map((m, b) => m.reduce((s, mi, i) => s + 0.5 * (mi * mi + Math.exp(logvar[b]![i]!) - 1 - logvar[b]![i]!), 0));
  const dec = net(model, model.ir.decoder, y);
  const rec = x.map((r, b) => r.reduce((s, xi, i) => s + 0.5 * ((xi - dec[b]![i]!) / sigma) ** 2 + Math.log(sigma) + HALF_LOG_2PI, 0));
  return { y, kl, rec, dec };
}

const avg = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const pass = (seed: number, k: number) => stageSeeds(deriveSeed(seed, 11, k)).call;

describe("soft_intro's losses", () => {
  it("equal a hand computation on a tiny network (N(0, I) prior, s = 1/2, α = 2)", () => {
    const ir = irOf(NORMAL);
    const sc = schemeOf(ir);
    const model = buildModel(ir, 2);
    const seed = 11;
    const xs = batch();
    const x = xs.arraySync() as Rows;
    const s = 0.5;
    const sigma = 0.5;
    const fakesY = standardNormal([x.length, 2], deriveSeed(deriveSeed(seed, 11, 99), STREAM.prior)).arraySync() as Rows;
    const xf = net(model, ir.decoder, fakesY);
    const real = handElbo(model, x, stageSeeds(seed).call, 0, sigma);
    const exp = (t: { rec: number[]; kl: number[] }) => avg(t.rec.map((r, b) => Math.exp(-2 * s * (sc.betaRec * r + sc.betaNeg * t.kl[b]!))));
    const rr = handElbo(model, real.dec, pass(seed, 1), 1, sigma);
    const ff = handElbo(model, xf, pass(seed, 2), 2, sigma);
    const encoder = s * (sc.betaRec * avg(real.rec) + sc.betaKl * avg(real.kl)) + 0.25 * (exp(rr) + exp(ff));

    const recD = avg(x.map((r, b) => r.reduce((acc, xi, i) => acc + 0.5 * ((xi - real.dec[b]![i]!) / sigma) ** 2 + Math.log(sigma) + HALF_LOG_2PI, 0)));
    const r2 = handElbo(model, real.dec, pass(seed, 4), 3, sigma);
    const f2 = handElbo(model, xf, pass(seed, 5), 4, sigma);
    const decoder = s * (sc.betaRec * recD + 0.5 * sc.betaKl * (avg(r2.kl) + avg(f2.kl)) + 0.5 * sc.gammaR * sc.betaRec * (avg(r2.rec) + avg(f2.rec)));

    const l = softIntroLosses(sc, model, xs, seed);
    tf.tidy(() => {
      const e = l.encoder();
      expect(e.loss.dataSync()[0]).toBeCloseTo(encoder, 4);
      expect(e.recon.dataSync()[0]).toBeCloseTo(avg(real.rec), 4);
      const d = softIntroLosses(sc, model, xs, seed, e.y).decoder();
      expect(d.loss.dataSync()[0]).toBeCloseTo(decoder, 4);
    });
    // the exponential terms matter: β_neg changes the encoder's loss, not the decoder's
    const other = { ...sc, betaNeg: sc.betaNeg * 2 };
    tf.tidy(() => void expect(softIntroLosses(other, model, xs, seed).encoder().loss.dataSync()[0]).not.toBeCloseTo(encoder, 3));
    xs.dispose();
    model.dispose();
  });
});

describe("soft_intro's gradients", () => {
  /** max relative error of d loss / d v against central differences, over every entry of `v` */
  function fdError(loss: () => tf.Scalar, vars: tf.Variable[], v: tf.Variable, h = 1e-2): number {
    const { grads, value } = tf.variableGrads(loss, vars);
    const g = Float32Array.from(grads[v.name]!.dataSync());
    tf.dispose([value, ...Object.values(grads)]);
    const base = Float32Array.from(v.dataSync());
    let worst = 0;
    const at = (i: number, delta: number) => {
      const p = Float32Array.from(base);
      p[i] = p[i]! + delta;
      v.assign(tf.tensor(p, v.shape));
      return tf.tidy(() => loss().dataSync()[0]!);
    };
    for (let i = 0; i < base.length; i++) {
      const fd = (at(i, h) - at(i, -h)) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - g[i]!) / Math.max(0.05, Math.abs(fd)));
    }
    v.assign(tf.tensor(base, v.shape));
    return worst;
  }

  it("each player's loss w.r.t. its own parameters matches finite differences (learned mixture prior)", () => {
    const ir = irOf(MOG);
    const model = buildModel(ir, 4);
    const opt = new GroupedOptimizer(ir.train.groups!, ir.train.optimizer.lr);
    opt.bind(model.variables);
    const xs = batch();
    // γ_r = 0: the decoder's terms under sg(·) weigh nothing, so its surrogate loss is the function differentiated
    const sc = { ...schemeOf(ir), gammaR: 0 };
    const l = softIntroLosses(sc, model, xs, 9);
    const enc = opt.variablesOf("encoder", model.variables);
    // the encoder's sg(x_r) held at its value, as the algorithm does for the gradient
    const xr = tf.tidy(() => tf.keep(model.decode(model.map(l.encoder().y, true, stageSeeds(9).mapping).z, true, stageSeeds(9).decoder)));
    for (const v of enc) expect(fdError(() => l.encoder(xr).loss, enc, v), v.name).toBeLessThan(1e-2);
    const y = tf.tidy(() => tf.keep(l.encoder().y));
    const dl = softIntroLosses(sc, model, xs, 9, y);
    const dec = opt.variablesOf("decoder", model.variables);
    for (const id of ["decoder/dense_0/kernel", "decoder/dense_1/bias", "prior/mean_offsets", "prior/log_std", "prior/logits"]) {
      const v = model.variables.get(id);
      expect(v, id).toBeDefined();
      expect(fdError(() => dl.decoder().loss, dec, v!, 1e-2), id).toBeLessThan(1e-2);
    }
    tf.dispose([xs, y, xr]);
    opt.dispose();
    model.dispose();
  });
});

describe("training with soft_intro", () => {
  const start = (dir: string, extra: Partial<Parameters<typeof startRun>[0]> = {}) =>
    startRun({ ir: irOf(MOG), specText: MOG, specPath: null, outDir: dir, buildModel, backend: CPU, command: [], progress: null, ...extra });
  let straight = "";
  beforeAll(async () => {
    straight = tmp();
    await start(straight);
  });

  it("logs both players' losses and the prior's mode weights; the checkpoint holds every group's optimizer state", () => {
    const steps = metricsOf(straight).map((l) => JSON.parse(l)).filter((r) => r.type === "step");
    expect(steps).toHaveLength(6); // 48 training points, batch 16, 2 epochs
    expect(steps[0].penalties["soft_intro.encoder"]).toBeUndefined(); // vae_steps: 2
    expect(Number.isFinite(steps[2].penalties["soft_intro.encoder"])).toBe(true);
    expect(Number.isFinite(steps[2].penalties["soft_intro.decoder"])).toBe(true);
    expect(steps[2].prior_weights).toHaveLength(4);
    expect(steps[2].prior_weights.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
    const c = readCheckpoint(checkpointPath(straight, "last"));
    expect(c.optimizerKind).toBe("groups(encoder: adam, decoder: adam, prior: sgd)");
    const names = c.optimizer.map((t) => t.name);
    for (const g of ["encoder", "decoder", "prior"]) expect(names.some((n) => n.startsWith(`${g}::`)), g).toBe(true);
    expect(names.filter((n) => n.endsWith("::iter"))).toHaveLength(3); // each group counts its own steps
  });

  it("a mid-run stop and resume equals the straight run bit for bit", async () => {
    const b = tmp();
    const stop = { requested: false };
    const r = await start(b, { stop, afterStep: (s) => void (s.step === 5 && (stop.requested = true)) });
    expect(r.result.status).toBe("interrupted");
    await resumeRun({ dir: b, buildModel, backend: CPU, command: [], progress: null });
    expect(metricsOf(b)).toEqual(metricsOf(straight));
    expect(weightsOf(b)).toEqual(weightsOf(straight));
  });
});

describe("the learned prior as a third player", () => {
  it("resets modes of weight below (1/K)² around the heaviest one, sharing its weight", () => {
    const ir = irOf(MOG);
    const model = buildModel(ir, 1);
    const v = (id: string) => model.variables.get(id)!;
    v("prior/logits").assign(tf.tensor1d([3, 0, -4, -5])); // weights ≈ 0.95, 0.047, 0.0009, 0.0003
    const prior = model.forward!().prior as import("../../../runtime/priors/mog").MixturePrior;
    const before = tf.tidy(() => tf.exp(prior.components().logW).arraySync() as number[]);
    expect(before.filter((w) => w < 1 / 16)).toHaveLength(3);
    expect(prior.resetInactiveModes(5)).toBe(3);
    const c = tf.tidy(() => {
      const k = prior.components();
      return { w: tf.exp(k.logW).arraySync() as number[], means: k.means.arraySync() as number[][], logSd: (k.logSd.arraySync() as number[][]).map((r) => r[0]!) };
    });
    // the heaviest mode's weight split in four (it and the three reset), normalised: every mode 1/4
    for (const i of [0, 1, 2, 3]) expect(c.w[i]).toBeCloseTo(0.25, 5);
    for (const i of [1, 2, 3]) {
      expect(c.logSd[i]).toBeCloseTo(c.logSd[0]!, 6);
      const dist = Math.hypot(c.means[i]![0]! - c.means[0]![0]!, c.means[i]![1]! - c.means[0]![1]!);
      expect(dist).toBeGreaterThan(0);
      expect(dist).toBeLessThan(0.1 * Math.exp(c.logSd[0]!) * 5); // 0.1·σ·ε, |ε| < 5
    }
    expect(prior.resetInactiveModes(6)).toBe(0); // none inactive now
    model.dispose();
  });

  it("a VampPrior's pseudo-inputs train with the decoder under soft_intro", async () => {
    const text = spec("VampPrior(k: 4)", "soft_intro(beta_neg: 2)", "encoder: adam(lr: 1e-2), decoder: adam(lr: 1e-2)");
    const ir = irOf(text);
    expect(ir.train.groups![1]!.params).toContain("prior/pseudo_inputs");
    const dir = tmp();
    await startRun({ ir, specText: text, specPath: null, outDir: dir, buildModel, backend: CPU, command: [], progress: null, epochs: 1 });
    const steps = metricsOf(dir).map((l) => JSON.parse(l)).filter((r) => r.type === "step");
    expect(steps).toHaveLength(3);
    for (const s of steps) expect(Number.isFinite(s.penalties["soft_intro.decoder"])).toBe(true);
  });
});
