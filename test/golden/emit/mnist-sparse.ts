// Model mnist_sparse, compiled by `intel compile` from specs/examples/mnist-sparse.intel (IR 0.1, spec sha256 d1e69eb872a8).
// Plain tfjs: the model's math written out; seeds, fast dense/conv ops and the run directory come from
// intel-vae's runtime/support. Train it with `npx tsx THIS_FILE --epochs 1 [--backend cpu] [--seed N] [--out DIR]`.
// Generated code: recompile the spec rather than editing it.
import * as tf from "@tensorflow/tfjs";
import { batchNormTrain, conv2d, conv2dTranspose, dense, deriveSeed, type LossOptions, type LossTerms, type ModelInfo, type ProgramModel, runProgram, STREAM } from "../../../runtime/support";

/** What the run directory records about the model (the IR without its networks). */
export const MODEL: ModelInfo = {
  irVersion: "0.1",
  name: "mnist_sparse",
  source: { file: "specs/examples/mnist-sparse.intel", sha256: "d1e69eb872a850a6400cf2a479c4f6fccbf36344d721bc1d63c84891064511f3" },
  kind: "intel-vae",
  data: { name: "x", source: "mnist", args: { split: "train", validation: 1000, classes: null, multipliers: null, binarize: false, limit: null, flatten: false, seed: null }, shape: [28, 28, 1], range: [0, 1], at: { file: "specs/examples/mnist-sparse.intel", line: 8, col: 3 } },
  latent: { name: "y", dim: 50, prior: { kind: "normal" }, at: { file: "specs/examples/mnist-sparse.intel", line: 11, col: 3 } },
  likelihood: { kind: "bernoulli" },
  objective: { kind: "elbo", beta: 1, warmup: 0, samples: 1, kl: "auto" },
  train: { optimizer: { kind: "adam", lr: 0.001, beta1: 0.9, beta2: 0.999 }, batch: 100, epochs: 10, earlyStop: 5, seed: 1, validation: 1000, checkpointEvery: 1, settings: { min_epochs: 0, monitor: "validation_loss", validation_every: 1, checkpoint_steps: null, checkpoint_minutes: 10, keep_checkpoints: 2, log_every: 50, clip_norm: null, lr_schedule: "constant", lr_decay: 1, lr_warmup: 0, shuffle: true, max_steps: null, backend: "auto" } },
  evaluate: [{ name: "hoyer", args: { z: "z", sample: false }, at: { file: "specs/examples/mnist-sparse.intel", line: 17, col: 14 } }, { name: "iwae_nll", args: { k: 500, points: 1000 }, at: { file: "specs/examples/mnist-sparse.intel", line: 17, col: 24 } }, { name: "fewshot", args: { z: "z", sizes: [10, 100, 1000], classifier: "logistic", repeats: 5 }, at: { file: "specs/examples/mnist-sparse.intel", line: 17, col: 42 } }],
  penalties: [{ name: "sparsity", node: 10, at: { file: "specs/prelude.intel", line: 142, col: 3 } }],
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
  params.set("encoder/conv2d_0/weights", variable("encoder/conv2d_0/weights", true, () => glorotUniform([4, 4, 1, 32], 16, 512, deriveSeed(seed, STREAM.param, 0)))); // prelude.intel:203
  params.set("encoder/conv2d_0/bias", variable("encoder/conv2d_0/bias", true, () => tf.zeros([32]))); // prelude.intel:203
  params.set("encoder/batch_norm_0/gamma", variable("encoder/batch_norm_0/gamma", true, () => tf.ones([32]))); // prelude.intel:204
  params.set("encoder/batch_norm_0/beta", variable("encoder/batch_norm_0/beta", true, () => tf.zeros([32]))); // prelude.intel:204
  params.set("encoder/conv2d_1/weights", variable("encoder/conv2d_1/weights", true, () => glorotUniform([4, 4, 32, 64], 512, 1024, deriveSeed(seed, STREAM.param, 4)))); // prelude.intel:203
  params.set("encoder/conv2d_1/bias", variable("encoder/conv2d_1/bias", true, () => tf.zeros([64]))); // prelude.intel:203
  params.set("encoder/batch_norm_1/gamma", variable("encoder/batch_norm_1/gamma", true, () => tf.ones([64]))); // prelude.intel:204
  params.set("encoder/batch_norm_1/beta", variable("encoder/batch_norm_1/beta", true, () => tf.zeros([64]))); // prelude.intel:204
  params.set("encoder/conv2d_2/weights", variable("encoder/conv2d_2/weights", true, () => glorotUniform([4, 4, 64, 128], 1024, 2048, deriveSeed(seed, STREAM.param, 8)))); // prelude.intel:203
  params.set("encoder/conv2d_2/bias", variable("encoder/conv2d_2/bias", true, () => tf.zeros([128]))); // prelude.intel:203
  params.set("encoder/batch_norm_2/gamma", variable("encoder/batch_norm_2/gamma", true, () => tf.ones([128]))); // prelude.intel:204
  params.set("encoder/batch_norm_2/beta", variable("encoder/batch_norm_2/beta", true, () => tf.zeros([128]))); // prelude.intel:204
  params.set("encoder/head/kernel", variable("encoder/head/kernel", true, () => glorotUniform([2048, 100], 2048, 100, deriveSeed(seed, STREAM.param, 12)))); // mnist-sparse.intel:10
  params.set("encoder/head/bias", variable("encoder/head/bias", true, () => tf.zeros([100]))); // mnist-sparse.intel:10
  params.set("mapping/sparse/ds/dense_0/kernel", variable("mapping/sparse/ds/dense_0/kernel", true, () => glorotUniform([50, 10], 50, 10, deriveSeed(seed, STREAM.param, 14)))); // prelude.intel:139
  params.set("mapping/sparse/ds/dense_0/bias", variable("mapping/sparse/ds/dense_0/bias", true, () => tf.zeros([10]))); // prelude.intel:139
  params.set("mapping/sparse/ds/dense_1/kernel", variable("mapping/sparse/ds/dense_1/kernel", true, () => glorotUniform([10, 10], 10, 10, deriveSeed(seed, STREAM.param, 16)))); // prelude.intel:139
  params.set("mapping/sparse/ds/dense_1/bias", variable("mapping/sparse/ds/dense_1/bias", true, () => tf.zeros([10]))); // prelude.intel:139
  params.set("mapping/sparse/ds/dense_2/kernel", variable("mapping/sparse/ds/dense_2/kernel", true, () => glorotUniform([10, 50], 10, 50, deriveSeed(seed, STREAM.param, 18)))); // prelude.intel:139
  params.set("mapping/sparse/ds/dense_2/bias", variable("mapping/sparse/ds/dense_2/bias", true, () => tf.zeros([50]))); // prelude.intel:139
  params.set("decoder/dense_0/kernel", variable("decoder/dense_0/kernel", true, () => glorotUniform([50, 6272], 50, 6272, deriveSeed(seed, STREAM.param, 20)))); // prelude.intel:221
  params.set("decoder/dense_0/bias", variable("decoder/dense_0/bias", true, () => tf.zeros([6272]))); // prelude.intel:221
  params.set("decoder/batch_norm_0/gamma", variable("decoder/batch_norm_0/gamma", true, () => tf.ones([128]))); // prelude.intel:225
  params.set("decoder/batch_norm_0/beta", variable("decoder/batch_norm_0/beta", true, () => tf.zeros([128]))); // prelude.intel:225
  params.set("decoder/conv2d_transpose_0/weights", variable("decoder/conv2d_transpose_0/weights", true, () => glorotUniform([4, 4, 64, 128], 1024, 2048, deriveSeed(seed, STREAM.param, 24)))); // prelude.intel:227
  params.set("decoder/conv2d_transpose_0/bias", variable("decoder/conv2d_transpose_0/bias", true, () => tf.zeros([64]))); // prelude.intel:227
  params.set("decoder/batch_norm_1/gamma", variable("decoder/batch_norm_1/gamma", true, () => tf.ones([64]))); // prelude.intel:225
  params.set("decoder/batch_norm_1/beta", variable("decoder/batch_norm_1/beta", true, () => tf.zeros([64]))); // prelude.intel:225
  params.set("decoder/conv2d_transpose_1/weights", variable("decoder/conv2d_transpose_1/weights", true, () => glorotUniform([4, 4, 32, 64], 512, 1024, deriveSeed(seed, STREAM.param, 28)))); // prelude.intel:227
  params.set("decoder/conv2d_transpose_1/bias", variable("decoder/conv2d_transpose_1/bias", true, () => tf.zeros([32]))); // prelude.intel:227
  params.set("decoder/batch_norm_2/gamma", variable("decoder/batch_norm_2/gamma", true, () => tf.ones([32]))); // prelude.intel:229
  params.set("decoder/batch_norm_2/beta", variable("decoder/batch_norm_2/beta", true, () => tf.zeros([32]))); // prelude.intel:229
  params.set("decoder/conv2d_transpose_2/weights", variable("decoder/conv2d_transpose_2/weights", true, () => glorotUniform([4, 4, 1, 32], 16, 512, deriveSeed(seed, STREAM.param, 32)))); // prelude.intel:231
  params.set("decoder/conv2d_transpose_2/bias", variable("decoder/conv2d_transpose_2/bias", true, () => tf.zeros([1]))); // prelude.intel:231
  state.set("encoder/batch_norm_0/moving_mean", variable("encoder/batch_norm_0/moving_mean", false, () => tf.zeros([32]))); // prelude.intel:204
  state.set("encoder/batch_norm_0/moving_var", variable("encoder/batch_norm_0/moving_var", false, () => tf.ones([32]))); // prelude.intel:204
  state.set("encoder/batch_norm_1/moving_mean", variable("encoder/batch_norm_1/moving_mean", false, () => tf.zeros([64]))); // prelude.intel:204
  state.set("encoder/batch_norm_1/moving_var", variable("encoder/batch_norm_1/moving_var", false, () => tf.ones([64]))); // prelude.intel:204
  state.set("encoder/batch_norm_2/moving_mean", variable("encoder/batch_norm_2/moving_mean", false, () => tf.zeros([128]))); // prelude.intel:204
  state.set("encoder/batch_norm_2/moving_var", variable("encoder/batch_norm_2/moving_var", false, () => tf.ones([128]))); // prelude.intel:204
  state.set("decoder/batch_norm_0/moving_mean", variable("decoder/batch_norm_0/moving_mean", false, () => tf.zeros([128]))); // prelude.intel:225
  state.set("decoder/batch_norm_0/moving_var", variable("decoder/batch_norm_0/moving_var", false, () => tf.ones([128]))); // prelude.intel:225
  state.set("decoder/batch_norm_1/moving_mean", variable("decoder/batch_norm_1/moving_mean", false, () => tf.zeros([64]))); // prelude.intel:225
  state.set("decoder/batch_norm_1/moving_var", variable("decoder/batch_norm_1/moving_var", false, () => tf.ones([64]))); // prelude.intel:225
  state.set("decoder/batch_norm_2/moving_mean", variable("decoder/batch_norm_2/moving_mean", false, () => tf.zeros([32]))); // prelude.intel:229
  state.set("decoder/batch_norm_2/moving_var", variable("decoder/batch_norm_2/moving_var", false, () => tf.ones([32]))); // prelude.intel:229
  return { params, state };
}

/** batch norm: batch statistics + moving averages (Keras' momentum, unbiased variance) in training, moving statistics otherwise */
function batchNorm(x: tf.Tensor, c: NetContext, gammaId: string, betaId: string, meanId: string, varId: string, momentum: number, eps: number): tf.Tensor {
  const gamma = param(c.params, gammaId) as tf.Tensor1D;
  const beta = param(c.params, betaId) as tf.Tensor1D;
  const mm = param(c.state, meanId);
  const mv = param(c.state, varId);
  if (!c.training) return tf.add(tf.mul(tf.div(tf.sub(x, mm), tf.sqrt(tf.add(mv, eps))), gamma), beta);
  const { y, mean, variance } = batchNormTrain(x, gamma, beta, eps);
  const n = x.size / x.shape[x.rank - 1]!;
  const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
  mm.assign(tf.add(tf.mul(mm, momentum), tf.mul(mean, 1 - momentum)));
  mv.assign(tf.add(tf.mul(mv, momentum), tf.mul(unbiased, 1 - momentum)));
  return y;
}

/** mean_i H(p_i) − H(mean_i p_i) over the batch, p_i = s_i / Σ s_i: one scalar per batch */
function entropySpread(x: tf.Tensor, batched: boolean, eps: number): tf.Tensor {
  const s = batched ? tf.reshape(x, [x.shape[0]!, -1]) : tf.reshape(x, [1, -1]);
  const p = tf.div(s, tf.sum(s, 1, true));
  const h = (q: tf.Tensor) => tf.neg(tf.sum(tf.mul(q, tf.log(tf.add(q, eps))), -1));
  return tf.sub(tf.mean(h(p)), h(tf.mean(p, 0)));
}

/** encoder conv_encoder (prelude.intel:203): [B, 28, 28, 1] → [B, 100] */
function encoderNet(input: tf.Tensor, c: NetContext): tf.Tensor {
  let x = input;
  // prelude.intel:203 conv2d 32 filters 4×4, stride 2×2, padding same
  x = tf.add(conv2d(x as tf.Tensor4D, param(c.params, "encoder/conv2d_0/weights") as tf.Tensor4D, [2, 2], "same"), param(c.params, "encoder/conv2d_0/bias"));
  // prelude.intel:204 batch_norm
  x = batchNorm(x, c, "encoder/batch_norm_0/gamma", "encoder/batch_norm_0/beta", "encoder/batch_norm_0/moving_mean", "encoder/batch_norm_0/moving_var", 0.99, 0.001);
  x = tf.leakyRelu(x, 0.2); // prelude.intel:205 leaky_relu
  // prelude.intel:203 conv2d 64 filters 4×4, stride 2×2, padding same
  x = tf.add(conv2d(x as tf.Tensor4D, param(c.params, "encoder/conv2d_1/weights") as tf.Tensor4D, [2, 2], "same"), param(c.params, "encoder/conv2d_1/bias"));
  // prelude.intel:204 batch_norm
  x = batchNorm(x, c, "encoder/batch_norm_1/gamma", "encoder/batch_norm_1/beta", "encoder/batch_norm_1/moving_mean", "encoder/batch_norm_1/moving_var", 0.99, 0.001);
  x = tf.leakyRelu(x, 0.2); // prelude.intel:205 leaky_relu
  // prelude.intel:203 conv2d 128 filters 4×4, stride 2×2, padding same
  x = tf.add(conv2d(x as tf.Tensor4D, param(c.params, "encoder/conv2d_2/weights") as tf.Tensor4D, [2, 2], "same"), param(c.params, "encoder/conv2d_2/bias"));
  // prelude.intel:204 batch_norm
  x = batchNorm(x, c, "encoder/batch_norm_2/gamma", "encoder/batch_norm_2/beta", "encoder/batch_norm_2/moving_mean", "encoder/batch_norm_2/moving_var", 0.99, 0.001);
  x = tf.leakyRelu(x, 0.2); // prelude.intel:205 leaky_relu
  // prelude.intel:207 flatten
  x = tf.reshape(x, [x.shape[0]!, 2048]);
  // mnist-sparse.intel:10 dense 100
  x = dense(x as tf.Tensor2D, param(c.params, "encoder/head/kernel") as tf.Tensor2D, param(c.params, "encoder/head/bias") as tf.Tensor1D, { activation: "linear", inputGrad: true });
  return x;
}

/** network mlp, applied at prelude.intel:140 in bias sparse: [B, 50] → [B, 50] */
function mlpNet(input: tf.Tensor, c: NetContext): tf.Tensor {
  let x = input;
  // prelude.intel:139 dense 10 + relu
  x = dense(x as tf.Tensor2D, param(c.params, "mapping/sparse/ds/dense_0/kernel") as tf.Tensor2D, param(c.params, "mapping/sparse/ds/dense_0/bias") as tf.Tensor1D, { activation: "relu", inputGrad: true });
  // prelude.intel:139 dense 10 + relu
  x = dense(x as tf.Tensor2D, param(c.params, "mapping/sparse/ds/dense_1/kernel") as tf.Tensor2D, param(c.params, "mapping/sparse/ds/dense_1/bias") as tf.Tensor1D, { activation: "relu", inputGrad: true });
  // prelude.intel:139 dense 50
  x = dense(x as tf.Tensor2D, param(c.params, "mapping/sparse/ds/dense_2/kernel") as tf.Tensor2D, param(c.params, "mapping/sparse/ds/dense_2/bias") as tf.Tensor1D, { activation: "linear", inputGrad: true });
  return x;
}

/** decoder conv_decoder (prelude.intel:221): [B, 50] → [B, 28, 28, 1] */
function decoderNet(input: tf.Tensor, c: NetContext): tf.Tensor {
  let x = input;
  // prelude.intel:221 dense 6272 + relu
  x = dense(x as tf.Tensor2D, param(c.params, "decoder/dense_0/kernel") as tf.Tensor2D, param(c.params, "decoder/dense_0/bias") as tf.Tensor1D, { activation: "relu", inputGrad: true });
  // prelude.intel:223 reshape
  x = tf.reshape(x, [x.shape[0]!, 7, 7, 128]);
  // prelude.intel:225 batch_norm
  x = batchNorm(x, c, "decoder/batch_norm_0/gamma", "decoder/batch_norm_0/beta", "decoder/batch_norm_0/moving_mean", "decoder/batch_norm_0/moving_var", 0.99, 0.001);
  x = tf.relu(x); // prelude.intel:226 relu
  // prelude.intel:227 conv2d_transpose 64 filters 4×4, stride 2×2, padding same
  x = tf.add(conv2dTranspose(x as tf.Tensor4D, param(c.params, "decoder/conv2d_transpose_0/weights") as tf.Tensor4D, [14, 14], [2, 2], "same"), param(c.params, "decoder/conv2d_transpose_0/bias"));
  // prelude.intel:225 batch_norm
  x = batchNorm(x, c, "decoder/batch_norm_1/gamma", "decoder/batch_norm_1/beta", "decoder/batch_norm_1/moving_mean", "decoder/batch_norm_1/moving_var", 0.99, 0.001);
  x = tf.relu(x); // prelude.intel:226 relu
  // prelude.intel:227 conv2d_transpose 32 filters 4×4, stride 2×2, padding same
  x = tf.add(conv2dTranspose(x as tf.Tensor4D, param(c.params, "decoder/conv2d_transpose_1/weights") as tf.Tensor4D, [28, 28], [2, 2], "same"), param(c.params, "decoder/conv2d_transpose_1/bias"));
  // prelude.intel:229 batch_norm
  x = batchNorm(x, c, "decoder/batch_norm_2/gamma", "decoder/batch_norm_2/beta", "decoder/batch_norm_2/moving_mean", "decoder/batch_norm_2/moving_var", 0.99, 0.001);
  x = tf.relu(x); // prelude.intel:230 relu
  // prelude.intel:231 conv2d_transpose 1 filters 4×4, stride 1×1, padding same
  x = tf.add(conv2dTranspose(x as tf.Tensor4D, param(c.params, "decoder/conv2d_transpose_2/weights") as tf.Tensor4D, [28, 28], [1, 1], "same"), param(c.params, "decoder/conv2d_transpose_2/bias"));
  return x;
}

/** bias sparse (prelude.intel:140) */
function sparse(y: tf.Tensor, c: MapContext): [tf.Tensor, tf.Tensor] {
  const n1 = mlpNet(y, { params: c.params, state: c.state, training: c.training, seed: deriveSeed(c.seed, 1) }); // prelude.intel:140 apply
  const n2 = tf.sigmoid(n1); // prelude.intel:140 sigmoid
  const n3 = tf.scalar(0.8); // prelude.intel:140 const
  const n4 = tf.mul(n3, n2); // prelude.intel:140 mul
  const n5 = tf.scalar(0.2); // prelude.intel:140 const
  const n6 = tf.add(n5, n4); // prelude.intel:140 add
  const n7 = tf.mul(y, n6); // prelude.intel:141 mul
  const n8 = entropySpread(n6, true, 1e-8); // prelude.intel:142 entropy_spread
  const n9 = tf.scalar(30); // prelude.intel:142 const
  const n10 = tf.mul(n9, n8); // prelude.intel:142 mul
  return [n7, n10];
}

/** the mapping g: y [B, 50] → z, with its penalties (each averaged over the batch) */
function mapping(y: tf.Tensor, c: MapContext): { z: tf.Tensor; penalties: Record<string, tf.Scalar> } {
  const [n7, n10] = sparse(y, c);
  const z = n7;
  const penalties: Record<string, tf.Scalar> = {};
  penalties["sparsity"] = tf.mean(n10) as tf.Scalar; // prelude.intel:142 penalty
  return { z, penalties };
}

/**
 * Σ x·l − softplus(l) per datapoint (softplus(l) = max(l, 0) − log σ(|l|)), with its gradient
 * x − σ(l) written by hand (one fused op, as runtime/ops/losses.ts computes it)
 */
const bernoulliLogLik = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const l = args[0] as tf.Tensor;
  const x = args[1] as tf.Tensor;
  (args[2] as tf.GradSaveFunc)([l, x]);
  const value = rowSum(tf.sub(tf.mul(x, l), tf.sub(tf.relu(l), tf.log(tf.sigmoid(tf.abs(l))))));
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [sl, sx] = saved as [tf.Tensor, tf.Tensor];
    const dl = tf.mul(tf.sub(sx, tf.sigmoid(sl)), tf.reshape(dy, [dy.shape[0]!, ...sl.shape.slice(1).map(() => 1)]));
    return [dl, tf.zerosLike(sx)];
  };
  return { value, gradFunc };
}) as (logits: tf.Tensor, x: tf.Tensor) => tf.Tensor1D;

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

/** log p(x | decoder output) per datapoint, summed over the data axes: [B] (bernoulli; prelude.intel:231) */
function logLikelihood(x: tf.Tensor, out: tf.Tensor, params: Vars): tf.Tensor1D {
  const o = out;
  return bernoulliLogLik(o, x);
}

/** q(y|x): mean and log-variance, each [B, 50] (mnist-sparse.intel:11) */
function encode(x: tf.Tensor, c: NetContext): { mean: tf.Tensor2D; logvar: tf.Tensor2D } {
  const out = encoderNet(x, c);
  return { mean: tf.slice(out, [0, 0], [-1, 50]) as tf.Tensor2D, logvar: tf.slice(out, [0, 50], [-1, 50]) as tf.Tensor2D };
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
    const eps = tf.randomNormal([x.shape[0]!, 50], 0, 1, "float32", deriveSeed(seed, STREAM.noise, 0));
    const y = tf.add(mean, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps)) as tf.Tensor2D; // reparameterisation
    const { z, penalties } = mapping(y, ctx(STREAM.mapping));
    const out = decoderNet(z, ctx(STREAM.decoder));
    const recon = tf.neg(tf.mean(logLikelihood(x, out, params))) as tf.Scalar;
    const kl = tf.mean(klStdNormal(mean, logvar)) as tf.Scalar;
    let total = beta === 0 ? recon : (tf.add(recon, beta === 1 ? kl : tf.mul(kl, beta)) as tf.Scalar);
    total = tf.add(total, Object.values(penalties)[0]!);
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
    latentDim: 50,
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
