// A tiny linear VAE written directly in tfjs, implementing CompiledModel, so the training
// infrastructure can be tested without the IR interpreter. Encoder: x → [μ, log σ²] (one dense
// layer); mapping: identity, plus an optional penalty γ·mean(z²) that can be made to go NaN;
// decoder: z → x (one dense layer), Gaussian (σ = 1) or Bernoulli likelihood.
import * as tf from "@tensorflow/tfjs";
import { IR_VERSION, type DataIR, type ModelIR, type TrainIR, type TrainSettingsIR } from "../../../compiler/ir/types";
import type { CompiledModel, LossTerms } from "../../../runtime/model/compiled";
import { OPT, SETTINGS } from "../fixtures/train-ir";

export interface FakeOptions {
  data?: Partial<DataIR>;
  train?: Partial<Omit<TrainIR, "settings">> & { settings?: Partial<TrainSettingsIR> };
  latent?: number;
  likelihood?: "gaussian" | "bernoulli";
  /** adds the penalty "spread" = gamma · mean(z²) */
  gamma?: number;
}

const at = (line: number) => ({ file: "fake.intel", line, col: 3 });

export function fakeIR(o: FakeOptions = {}): ModelIR {
  const data: DataIR = { name: "x", source: "ring", args: { n: 96, noise: 0.05, radius: 2 }, shape: [2], range: null, at: at(2), ...o.data };
  const p = data.shape.reduce((a, b) => a * b, 1);
  const d = o.latent ?? 2;
  const penalties = o.gamma ? [{ name: "spread", node: 1, at: at(9) }] : [];
  return {
    irVersion: IR_VERSION,
    name: "fake",
    source: { file: "fake.intel", sha256: "0".repeat(64) },
    kind: "intel-vae",
    sparse: false,
    data,
    encoder: { name: "enc", input: data.shape, output: [2 * d], layers: [] },
    latent: { name: "y", dim: d, prior: { kind: "normal" }, at: at(5) },
    mapping: {
      input: { name: "y", shape: [d] },
      nodes: [
        { op: "input", inputs: [], shape: [d], at: at(6) },
        { op: "mean", inputs: [0], shape: [], at: at(9), attrs: { gamma: o.gamma ?? 0 } },
      ],
      output: 0,
      penalties,
    },
    decoder: { name: "dec", input: [d], output: data.shape, layers: [] },
    likelihood: o.likelihood === "bernoulli" ? { kind: "bernoulli" } : { kind: "gaussian", sigma: 1 },
    objective: { kind: "elbo", beta: 1, warmup: 0, samples: 1, kl: "auto" },
    train: { optimizer: { ...OPT.adam, lr: 0.01 }, groups: null, scheme: null, batch: 16, epochs: 2, earlyStop: 0, seed: 7, validation: 16, checkpointEvery: 1, ...o.train, settings: { ...SETTINGS, ...o.train?.settings } },
    evaluate: [],
    params: [
      { id: "encoder/kernel", shape: [p, 2 * d], init: { kind: "normal", mean: 0, std: 0.1 }, at: at(4) },
      { id: "encoder/bias", shape: [2 * d], init: { kind: "zeros" }, at: at(4) },
      { id: "decoder/kernel", shape: [d, p], init: { kind: "normal", mean: 0, std: 0.1 }, at: at(7) },
      { id: "decoder/bias", shape: [p], init: { kind: "zeros" }, at: at(7) },
    ],
    state: [],
  };
}

let instances = 0;

/** Controls for tests: make the penalty NaN from the n-th training loss call on; slow training
 * steps down (a busy wait, like real compute) so a child process can be signalled mid-epoch. */
export const fakeControls = { nanFromCall: Infinity, stepDelayMs: 0 };

export function buildFakeModel(ir: ModelIR, seed: number): CompiledModel {
  const id = instances++;
  const p = ir.data.shape.reduce((a, b) => a * b, 1);
  const d = ir.latent.dim;
  const gamma = Number((ir.mapping.nodes[1]?.attrs as { gamma?: number } | undefined)?.gamma ?? 0);
  const bernoulli = ir.likelihood.kind === "bernoulli";
  const variables = new Map<string, tf.Variable>();
  ir.params.forEach((pr, i) => {
    const init = pr.init.kind === "normal" ? tf.randomNormal(pr.shape, 0, pr.init.std, "float32", seed + i) : tf.zeros(pr.shape);
    variables.set(pr.id, tf.variable(init, true, `fake${id}/${pr.id}`));
    init.dispose();
  });
  const v = (k: string) => variables.get(k)!;
  let calls = 0;

  const encode = (x: tf.Tensor) =>
    tf.tidy(() => {
      const h = x.reshape([x.shape[0]!, p]).matMul(v("encoder/kernel")).add(v("encoder/bias")) as tf.Tensor2D;
      return { mean: h.slice([0, 0], [-1, d]) as tf.Tensor2D, logvar: h.slice([0, d], [-1, d]) as tf.Tensor2D };
    });
  const map = (y: tf.Tensor2D, poison = false) =>
    tf.tidy(() => {
      const penalties: Record<string, tf.Scalar> = {};
      if (gamma) penalties.spread = y.square().mean().mul(poison ? NaN : gamma) as tf.Scalar;
      return { z: y as tf.Tensor, penalties };
    });
  const decode = (z: tf.Tensor) => tf.tidy(() => z.matMul(v("decoder/kernel")).add(v("decoder/bias")).reshape([z.shape[0]!, ...ir.data.shape]));
  /** log p(x | z) per datapoint */
  const logLik = (x: tf.Tensor, out: tf.Tensor): tf.Tensor1D =>
    tf.tidy(() => {
      const b = x.shape[0]!;
      const xf = x.reshape([b, p]);
      const of = out.reshape([b, p]);
      if (bernoulli) return tf.sum(xf.mul(of).sub(tf.softplus(of)), 1) as tf.Tensor1D;
      return tf.sum(xf.sub(of).square(), 1).mul(-0.5).sub(0.5 * p * Math.log(2 * Math.PI)) as tf.Tensor1D;
    });
  const logNormal = (y: tf.Tensor, mean: tf.Tensor, logvar: tf.Tensor): tf.Tensor =>
    tf.tidy(() => tf.sum(y.sub(mean).square().div(logvar.exp()).add(logvar).add(Math.log(2 * Math.PI)), -1).mul(-0.5));

  return {
    ir,
    variables,
    state: new Map(),
    latentDim: d,
    readsData: false,
    logLikelihood: (x, out) => logLik(x, out),
    loss(x, seed, training, opts = {}): LossTerms {
      const poison = training && ++calls >= fakeControls.nanFromCall;
      if (training && fakeControls.stepDelayMs > 0) {
        const until = Date.now() + fakeControls.stepDelayMs;
        while (Date.now() < until);
      }
      return tf.tidy(() => {
        const { mean, logvar } = encode(x);
        const eps = tf.randomNormal(mean.shape, 0, 1, "float32", seed);
        const y = mean.add(logvar.mul(0.5).exp().mul(eps)) as tf.Tensor2D;
        const { z, penalties } = map(y, poison);
        const recon = logLik(x, decode(z)).mean().neg() as tf.Scalar;
        const kl = tf.sum(logvar.exp().add(mean.square()).sub(1).sub(logvar), 1).mul(0.5).mean() as tf.Scalar;
        let loss = recon.add(kl.mul(opts.beta ?? 1)) as tf.Scalar;
        for (const t of Object.values(penalties)) loss = loss.add(t);
        return { loss, recon, kl, penalties };
      });
    },
    encode: (x) => encode(x),
    map: (y) => map(y),
    decode: (z) => decode(z),
    iwae(x, k, seed) {
      return tf.tidy(() => {
        const { mean, logvar } = encode(x);
        const b = x.shape[0]!;
        const eps = tf.randomNormal([k, b, d], 0, 1, "float32", seed);
        const y = mean.add(logvar.mul(0.5).exp().mul(eps)); // [k, b, d]
        const yf = y.reshape([k * b, d]) as tf.Tensor2D;
        const xk = tf.tile(x.reshape([1, b, p]), [k, 1, 1]).reshape([k * b, ...ir.data.shape]);
        const lp = logLik(xk, decode(map(yf).z)).reshape([k, b]);
        const prior = logNormal(y, tf.zerosLike(y), tf.zerosLike(y));
        const q = logNormal(y, mean, logvar);
        return tf.logSumExp(lp.add(prior).sub(q), 0).sub(Math.log(k)) as tf.Tensor1D;
      });
    },
    sample(n, seed) {
      return tf.tidy(() => {
        const out = decode(tf.randomNormal([n, d], 0, 1, "float32", seed));
        return bernoulli ? tf.sigmoid(out) : out;
      });
    },
    dispose() {
      for (const x of variables.values()) x.dispose();
    },
  };
}
