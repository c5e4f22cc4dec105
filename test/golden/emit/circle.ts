// Model ring_with_circle, compiled by `intel compile` from specs/examples/circle.intel (IR 0.1, spec sha256 99652597a8da).
// Plain tfjs: the model's math written out; seeds, fast dense/conv ops and the run directory come from
// intel-vae's runtime/support. Train it with `npx tsx THIS_FILE --epochs 1 [--backend cpu] [--seed N] [--out DIR]`.
// Generated code: recompile the spec rather than editing it.
import * as tf from "@tensorflow/tfjs";
import { dense, deriveSeed, type LossOptions, type LossTerms, type ModelInfo, type ProgramModel, runProgram, STREAM } from "../../../runtime/support";

/** What the run directory records about the model (the IR without its networks). */
export const MODEL: ModelInfo = {
  irVersion: "0.1",
  name: "ring_with_circle",
  source: { file: "specs/examples/circle.intel", sha256: "99652597a8dab1a03ee285aa4156348d6bb05b822f995b74daf718a75211cc0a" },
  kind: "intel-vae",
  data: { name: "x", source: "ring", args: { n: 2000, radius: 2, arc: 1, noise: 0.05, validation: 500, seed: null }, shape: [2], range: null, at: { file: "specs/examples/circle.intel", line: 8, col: 3 } },
  latent: { name: "y", dim: 2, prior: { kind: "normal" }, at: { file: "specs/examples/circle.intel", line: 11, col: 3 } },
  likelihood: { kind: "gaussian", sigma: "learned", logSigma: "likelihood/log_sigma" },
  objective: { kind: "elbo", beta: 1, warmup: 0, samples: 1, kl: "auto" },
  train: { optimizer: { kind: "adam", lr: 0.001, beta1: 0.9, beta2: 0.999 }, batch: 100, epochs: 200, earlyStop: 20, seed: 1, validation: 500, checkpointEvery: 1, settings: { min_epochs: 0, monitor: "validation_loss", validation_every: 1, checkpoint_steps: null, checkpoint_minutes: 10, keep_checkpoints: 2, log_every: 50, clip_norm: null, lr_schedule: "constant", lr_decay: 1, lr_warmup: 0, shuffle: true, max_steps: null, backend: "auto" } },
  evaluate: [{ name: "region_mass", args: { center: [0, 0], radius: 1, samples: 2000 }, at: { file: "specs/examples/circle.intel", line: 17, col: 14 } }, { name: "iwae_nll", args: { k: 500, points: 1000 }, at: { file: "specs/examples/circle.intel", line: 17, col: 54 } }],
  penalties: [],
};

type Vars = Map<string, tf.Variable>;
/** what a network needs: weights, batch-norm state, training mode, its dropout seed */
interface NetContext {
  params: Vars;
  state: Vars;
  training: boolean;
  seed: number;
}
type MapContext = NetContext;

function param(vars: Vars, id: string): tf.Variable {
  const v = vars.get(id);
  if (!v) throw new Error(`no tensor '${id}'`);
  return v;
}

function rowSum(t: tf.Tensor): tf.Tensor1D {
  return tf.sum(tf.reshape(t, [t.shape[0]!, -1]), 1) as tf.Tensor1D;
}

function glorotUniform(shape: number[], fanIn: number, fanOut: number, seed: number): tf.Tensor {
  const lim = Math.sqrt(6 / (fanIn + fanOut));
  return tf.randomUniform(shape, -lim, lim, "float32", seed);
}

let modelCount = 0;

/**
* Every learnable tensor (and the batch-norm state) in the IR's order: tensor i is initialised
* with seed deriveSeed(seed, STREAM.param, i), as runtime/model/params.ts does.
*/
export function createVariables(seed: number): { params: Vars; state: Vars } {
  const tag = `compiled${++modelCount}`;
  const variable = (id: string, trainable: boolean, init: () => tf.Tensor): tf.Variable => {
    const v = tf.tidy(init);
    const out = tf.variable(v, trainable, `${tag}/${id}`);
    v.dispose();
    return out;
  };
  const params: Vars = new Map();
  const state: Vars = new Map();
  params.set("encoder/dense_0/kernel", variable("encoder/dense_0/kernel", true, () => glorotUniform([2, 10], 2, 10, deriveSeed(seed, STREAM.param, 0)))); // prelude.intel:181
  params.set("encoder/dense_0/bias", variable("encoder/dense_0/bias", true, () => tf.zeros([10]))); // prelude.intel:181
  params.set("encoder/dense_1/kernel", variable("encoder/dense_1/kernel", true, () => glorotUniform([10, 10], 10, 10, deriveSeed(seed, STREAM.param, 2)))); // prelude.intel:181
  params.set("encoder/dense_1/bias", variable("encoder/dense_1/bias", true, () => tf.zeros([10]))); // prelude.intel:181
  params.set("encoder/head/kernel", variable("encoder/head/kernel", true, () => glorotUniform([10, 4], 10, 4, deriveSeed(seed, STREAM.param, 4)))); // circle.intel:10
  params.set("encoder/head/bias", variable("encoder/head/bias", true, () => tf.zeros([4]))); // circle.intel:10
  params.set("decoder/dense_0/kernel", variable("decoder/dense_0/kernel", true, () => glorotUniform([2, 10], 2, 10, deriveSeed(seed, STREAM.param, 6)))); // prelude.intel:189
  params.set("decoder/dense_0/bias", variable("decoder/dense_0/bias", true, () => tf.zeros([10]))); // prelude.intel:189
  params.set("decoder/dense_1/kernel", variable("decoder/dense_1/kernel", true, () => glorotUniform([10, 10], 10, 10, deriveSeed(seed, STREAM.param, 8)))); // prelude.intel:189
  params.set("decoder/dense_1/bias", variable("decoder/dense_1/bias", true, () => tf.zeros([10]))); // prelude.intel:189
  params.set("decoder/dense_2/kernel", variable("decoder/dense_2/kernel", true, () => glorotUniform([10, 2], 10, 2, deriveSeed(seed, STREAM.param, 10)))); // prelude.intel:192
  params.set("decoder/dense_2/bias", variable("decoder/dense_2/bias", true, () => tf.zeros([2]))); // prelude.intel:192
  params.set("likelihood/log_sigma", variable("likelihood/log_sigma", true, () => tf.zeros([2]))); // circle.intel:13
  return { params, state };
}

/** s^(1/p) with a zero (not NaN) gradient at s = 0 */
function safeRoot(s: tf.Tensor, p: number): tf.Tensor {
  const pos = tf.greater(s, 0);
  const safe = tf.where(pos, s, tf.onesLike(s));
  return tf.where(pos, p === 2 ? tf.sqrt(safe) : tf.pow(safe, 1 / p), tf.zerosLike(s));
}

/** encoder mlp_encoder (prelude.intel:181): [B, 2] → [B, 4] */
function encoderNet(input: tf.Tensor, c: NetContext): tf.Tensor {
  let x = input;
  // prelude.intel:181 dense 10 + relu
  x = dense(x as tf.Tensor2D, param(c.params, "encoder/dense_0/kernel") as tf.Tensor2D, param(c.params, "encoder/dense_0/bias") as tf.Tensor1D, { activation: "relu", inputGrad: false });
  // prelude.intel:181 dense 10 + relu
  x = dense(x as tf.Tensor2D, param(c.params, "encoder/dense_1/kernel") as tf.Tensor2D, param(c.params, "encoder/dense_1/bias") as tf.Tensor1D, { activation: "relu", inputGrad: true });
  // circle.intel:10 dense 4
  x = dense(x as tf.Tensor2D, param(c.params, "encoder/head/kernel") as tf.Tensor2D, param(c.params, "encoder/head/bias") as tf.Tensor1D, { activation: "linear", inputGrad: true });
  return x;
}

/** decoder mlp_decoder (prelude.intel:189): [B, 2] → [B, 2] */
function decoderNet(input: tf.Tensor, c: NetContext): tf.Tensor {
  let x = input;
  // prelude.intel:189 dense 10 + relu
  x = dense(x as tf.Tensor2D, param(c.params, "decoder/dense_0/kernel") as tf.Tensor2D, param(c.params, "decoder/dense_0/bias") as tf.Tensor1D, { activation: "relu", inputGrad: true });
  // prelude.intel:189 dense 10 + relu
  x = dense(x as tf.Tensor2D, param(c.params, "decoder/dense_1/kernel") as tf.Tensor2D, param(c.params, "decoder/dense_1/bias") as tf.Tensor1D, { activation: "relu", inputGrad: true });
  // prelude.intel:192 dense 2
  x = dense(x as tf.Tensor2D, param(c.params, "decoder/dense_2/kernel") as tf.Tensor2D, param(c.params, "decoder/dense_2/bias") as tf.Tensor1D, { activation: "linear", inputGrad: true });
  return x;
}

/** bias circle (prelude.intel:27) */
function circle(y: tf.Tensor, c: MapContext): tf.Tensor {
  const n1 = safeRoot(tf.sum(tf.square(y), [1], true), 2); // prelude.intel:27 norm
  const n2 = tf.scalar(1e-7); // prelude.intel:27 const
  const n3 = tf.add(n1, n2); // prelude.intel:27 add
  const n4 = tf.div(y, n3); // prelude.intel:27 div
  return n4;
}

/** the mapping g: y [B, 2] → z, with its penalties (each averaged over the batch) */
function mapping(y: tf.Tensor, c: MapContext): { z: tf.Tensor; penalties: Record<string, tf.Scalar> } {
  const n4 = circle(y, c);
  const z = n4;
  const penalties: Record<string, tf.Scalar> = {};
  return { z, penalties };
}

/**
 * KL(N(μ, diag e^logvar) ‖ N(0, I)) per datapoint: ½ Σ (μ² + e^logvar − 1 − logvar), with its
 * gradients dμ = μ, dlogvar = ½(e^logvar − 1) written by hand (as runtime/ops/losses.ts does)
 */
const klStdNormal = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const mu = args[0] as tf.Tensor2D;
  const lv = args[1] as tf.Tensor2D;
  const e = tf.exp(lv);
  (args[2] as tf.GradSaveFunc)([mu, e]);
  const value = tf.mul(tf.sum(tf.sub(tf.add(tf.square(mu), e), tf.add(lv, 1)), 1), 0.5);
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [smu, se] = saved as [tf.Tensor2D, tf.Tensor2D];
    const d = tf.reshape(dy, [-1, 1]);
    return [tf.mul(smu, d), tf.mul(tf.mul(tf.sub(se, 1), 0.5), d)];
  };
  return { value, gradFunc };
}) as (mean: tf.Tensor2D, logvar: tf.Tensor2D) => tf.Tensor1D;

/** log p(x | decoder output) per datapoint, summed over the data axes: [B] (gaussian; prelude.intel:192) */
function logLikelihood(x: tf.Tensor, out: tf.Tensor, params: Vars): tf.Tensor1D {
  const o = out;
  const logSigma = param(params, "likelihood/log_sigma");
  const r = tf.mul(tf.sub(x, o), tf.exp(tf.neg(logSigma)));
  return rowSum(tf.sub(tf.mul(tf.square(r), -0.5), tf.add(logSigma, 0.5 * Math.log(2 * Math.PI))));
}

/** q(y|x): mean and log-variance, each [B, 2] (circle.intel:11) */
function encode(x: tf.Tensor, c: NetContext): { mean: tf.Tensor2D; logvar: tf.Tensor2D } {
  const out = encoderNet(x, c);
  return { mean: tf.slice(out, [0, 0], [-1, 2]) as tf.Tensor2D, logvar: tf.slice(out, [0, 2], [-1, 2]) as tf.Tensor2D };
}

/**
* The ELBO on a batch: −E_q log p(x|g(y)) + β·KL(q(y|x) ‖ N(0, I)) + Σ penalties, with one
* reparameterised sample y = μ + σ·ε per datapoint; ε and each stage's dropout have their own seeds.
*/
function loss(x: tf.Tensor, seed: number, training: boolean, params: Vars, state: Vars, opts: LossOptions = {}): LossTerms {
  const terms = tf.tidy(() => {
    const beta = opts.beta ?? 1;
    const ctx = (s: number): NetContext => ({ params, state, training, seed: deriveSeed(seed, s) });
    const { mean, logvar } = encode(x, ctx(STREAM.encoder));
    const eps = tf.randomNormal([x.shape[0]!, 2], 0, 1, "float32", deriveSeed(seed, STREAM.noise, 0));
    const y = tf.add(mean, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps)) as tf.Tensor2D; // reparameterisation
    const { z, penalties } = mapping(y, ctx(STREAM.mapping));
    const out = decoderNet(z, ctx(STREAM.decoder));
    const recon = tf.neg(tf.mean(logLikelihood(x, out, params))) as tf.Scalar;
    const kl = tf.mean(klStdNormal(mean, logvar)) as tf.Scalar;
    let total = beta === 0 ? recon : (tf.add(recon, beta === 1 ? kl : tf.mul(kl, beta)) as tf.Scalar);
    return { loss: total, recon, kl, penalties } as unknown as tf.TensorContainer;
  });
  return terms as unknown as LossTerms;
}

/** The model with its variables initialised from `seed` (the run's deriveSeed(seed, "init", 0)). */
export function createModel(seed: number): ProgramModel {
  const { params, state } = createVariables(seed);
  const ctx = (training: boolean, s: number): NetContext => ({ params, state, training, seed: s });
  return {
    variables: params,
    state,
    latentDim: 2,
    loss: (x, s, training, opts) => loss(tf.cast(x, "float32"), s, training, params, state, opts),
    encode: (x, training, s) => encode(x, ctx(training, s)),
    map: (y, training, s) => mapping(y, ctx(training, s)),
    decode: (z, training, s) => decoderNet(z, ctx(training, s)),
    logLikelihood: (x, out) => logLikelihood(x, out, params),
    dispose: () => {
      for (const v of params.values()) v.dispose();
      for (const v of state.values()) v.dispose();
    },
  };
}

/** Trains the model with the spec's settings into runs/NAME-TIMESTAMP/ (flags as `intel train`). */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  return runProgram(MODEL, createModel, argv);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then((code) => {
    process.exitCode = code;
  });
}
