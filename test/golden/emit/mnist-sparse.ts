// Model mnist_sparse, compiled by `intel compile` from specs/examples/mnist-sparse.intel (IR 0.4, spec sha256 d1e69eb872a8).
//   model mnist_sparse: an InteL-VAE
//   data        x : Real[28, 28, 1] from mnist
//   prior       y : Real[50] ~ N(0, I); KL analytic (Gaussian against N(0, I))
//   mapping     10 ops → z : Real[50]; penalties: sparsity
//   likelihood  Bernoulli (decoder logits)
//   objective   ELBO, β = 1
//   parameters  855,863 in 34 tensors
// The model's structure is written out below: its networks layer by layer, its mapping op by op,
// its parameters. The math (layers, built-ins, prior, likelihood, objective, Adam) is the runtime's,
// imported from intel-vae/support, so this program computes what `intel train` computes.
//   npx tsx THIS_FILE [--epochs N] [--seed N] [--backend B] [--out DIR]   train into a new run
//   npx tsx THIS_FILE --resume DIR · sample DIR [-n N] [-o F] · encode DIR [--data ROLE] [-o F]
// Generated code: recompile the spec rather than editing it.
import * as tf from "@tensorflow/tfjs";
import {
  assembleModel,
  batchNormLayer,
  conv2dLayer,
  conv2dTransposeLayer,
  denseChainLayer,
  deriveSeed,
  encode as encodeRun,
  entropySpread,
  initialValue,
  modelTag,
  newVariable,
  runProgram,
  sample as sampleRun,
  STREAM,
  type CompiledModel,
  type MapResult,
  type ModelIR,
  type NetContext,
  type Program,
} from "intel-vae/support";

type Vars = Map<string, tf.Variable>;

function param(vars: Vars, id: string): tf.Variable {
  const v = vars.get(id);
  if (!v) throw new Error(`no tensor '${id}'`);
  return v;
}

/**
 * Every learnable tensor (and the batch-norm state) in the IR's order: tensor i is initialised
 * with seed deriveSeed(seed, STREAM.param, i), as the interpreter does (runtime/model/params.ts).
 */
export function createVariables(seed: number): { params: Vars; state: Vars } {
  const tag = modelTag();
  const params: Vars = new Map();
  const state: Vars = new Map();
  // prelude.intel:217
  params.set("encoder/conv2d_0/weights", newVariable(`${tag}/encoder/conv2d_0/weights`, true, () => initialValue([4, 4, 1, 32], { kind: "glorot_uniform", fanIn: 16, fanOut: 512 }, deriveSeed(seed, STREAM.param, 0))));
  // prelude.intel:217
  params.set("encoder/conv2d_0/bias", newVariable(`${tag}/encoder/conv2d_0/bias`, true, () => initialValue([32], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 1))));
  // prelude.intel:218
  params.set("encoder/batch_norm_0/gamma", newVariable(`${tag}/encoder/batch_norm_0/gamma`, true, () => initialValue([32], { kind: "ones" }, deriveSeed(seed, STREAM.param, 2))));
  // prelude.intel:218
  params.set("encoder/batch_norm_0/beta", newVariable(`${tag}/encoder/batch_norm_0/beta`, true, () => initialValue([32], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 3))));
  // prelude.intel:217
  params.set("encoder/conv2d_1/weights", newVariable(`${tag}/encoder/conv2d_1/weights`, true, () => initialValue([4, 4, 32, 64], { kind: "glorot_uniform", fanIn: 512, fanOut: 1024 }, deriveSeed(seed, STREAM.param, 4))));
  // prelude.intel:217
  params.set("encoder/conv2d_1/bias", newVariable(`${tag}/encoder/conv2d_1/bias`, true, () => initialValue([64], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 5))));
  // prelude.intel:218
  params.set("encoder/batch_norm_1/gamma", newVariable(`${tag}/encoder/batch_norm_1/gamma`, true, () => initialValue([64], { kind: "ones" }, deriveSeed(seed, STREAM.param, 6))));
  // prelude.intel:218
  params.set("encoder/batch_norm_1/beta", newVariable(`${tag}/encoder/batch_norm_1/beta`, true, () => initialValue([64], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 7))));
  // prelude.intel:217
  params.set("encoder/conv2d_2/weights", newVariable(`${tag}/encoder/conv2d_2/weights`, true, () => initialValue([4, 4, 64, 128], { kind: "glorot_uniform", fanIn: 1024, fanOut: 2048 }, deriveSeed(seed, STREAM.param, 8))));
  // prelude.intel:217
  params.set("encoder/conv2d_2/bias", newVariable(`${tag}/encoder/conv2d_2/bias`, true, () => initialValue([128], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 9))));
  // prelude.intel:218
  params.set("encoder/batch_norm_2/gamma", newVariable(`${tag}/encoder/batch_norm_2/gamma`, true, () => initialValue([128], { kind: "ones" }, deriveSeed(seed, STREAM.param, 10))));
  // prelude.intel:218
  params.set("encoder/batch_norm_2/beta", newVariable(`${tag}/encoder/batch_norm_2/beta`, true, () => initialValue([128], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 11))));
  // mnist-sparse.intel:10
  params.set("encoder/head/kernel", newVariable(`${tag}/encoder/head/kernel`, true, () => initialValue([2048, 100], { kind: "glorot_uniform", fanIn: 2048, fanOut: 100 }, deriveSeed(seed, STREAM.param, 12))));
  // mnist-sparse.intel:10
  params.set("encoder/head/bias", newVariable(`${tag}/encoder/head/bias`, true, () => initialValue([100], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 13))));
  // prelude.intel:150
  params.set("mapping/sparse/ds/dense_0/kernel", newVariable(`${tag}/mapping/sparse/ds/dense_0/kernel`, true, () => initialValue([50, 10], { kind: "glorot_uniform", fanIn: 50, fanOut: 10 }, deriveSeed(seed, STREAM.param, 14))));
  // prelude.intel:150
  params.set("mapping/sparse/ds/dense_0/bias", newVariable(`${tag}/mapping/sparse/ds/dense_0/bias`, true, () => initialValue([10], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 15))));
  // prelude.intel:150
  params.set("mapping/sparse/ds/dense_1/kernel", newVariable(`${tag}/mapping/sparse/ds/dense_1/kernel`, true, () => initialValue([10, 10], { kind: "glorot_uniform", fanIn: 10, fanOut: 10 }, deriveSeed(seed, STREAM.param, 16))));
  // prelude.intel:150
  params.set("mapping/sparse/ds/dense_1/bias", newVariable(`${tag}/mapping/sparse/ds/dense_1/bias`, true, () => initialValue([10], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 17))));
  // prelude.intel:150
  params.set("mapping/sparse/ds/dense_2/kernel", newVariable(`${tag}/mapping/sparse/ds/dense_2/kernel`, true, () => initialValue([10, 50], { kind: "glorot_uniform", fanIn: 10, fanOut: 50 }, deriveSeed(seed, STREAM.param, 18))));
  // prelude.intel:150
  params.set("mapping/sparse/ds/dense_2/bias", newVariable(`${tag}/mapping/sparse/ds/dense_2/bias`, true, () => initialValue([50], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 19))));
  // prelude.intel:236
  params.set("decoder/dense_0/kernel", newVariable(`${tag}/decoder/dense_0/kernel`, true, () => initialValue([50, 6272], { kind: "glorot_uniform", fanIn: 50, fanOut: 6272 }, deriveSeed(seed, STREAM.param, 20))));
  // prelude.intel:236
  params.set("decoder/dense_0/bias", newVariable(`${tag}/decoder/dense_0/bias`, true, () => initialValue([6272], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 21))));
  // prelude.intel:240
  params.set("decoder/batch_norm_0/gamma", newVariable(`${tag}/decoder/batch_norm_0/gamma`, true, () => initialValue([128], { kind: "ones" }, deriveSeed(seed, STREAM.param, 22))));
  // prelude.intel:240
  params.set("decoder/batch_norm_0/beta", newVariable(`${tag}/decoder/batch_norm_0/beta`, true, () => initialValue([128], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 23))));
  // prelude.intel:242
  params.set("decoder/conv2d_transpose_0/weights", newVariable(`${tag}/decoder/conv2d_transpose_0/weights`, true, () => initialValue([4, 4, 64, 128], { kind: "glorot_uniform", fanIn: 1024, fanOut: 2048 }, deriveSeed(seed, STREAM.param, 24))));
  // prelude.intel:242
  params.set("decoder/conv2d_transpose_0/bias", newVariable(`${tag}/decoder/conv2d_transpose_0/bias`, true, () => initialValue([64], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 25))));
  // prelude.intel:240
  params.set("decoder/batch_norm_1/gamma", newVariable(`${tag}/decoder/batch_norm_1/gamma`, true, () => initialValue([64], { kind: "ones" }, deriveSeed(seed, STREAM.param, 26))));
  // prelude.intel:240
  params.set("decoder/batch_norm_1/beta", newVariable(`${tag}/decoder/batch_norm_1/beta`, true, () => initialValue([64], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 27))));
  // prelude.intel:242
  params.set("decoder/conv2d_transpose_1/weights", newVariable(`${tag}/decoder/conv2d_transpose_1/weights`, true, () => initialValue([4, 4, 32, 64], { kind: "glorot_uniform", fanIn: 512, fanOut: 1024 }, deriveSeed(seed, STREAM.param, 28))));
  // prelude.intel:242
  params.set("decoder/conv2d_transpose_1/bias", newVariable(`${tag}/decoder/conv2d_transpose_1/bias`, true, () => initialValue([32], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 29))));
  // prelude.intel:244
  params.set("decoder/batch_norm_2/gamma", newVariable(`${tag}/decoder/batch_norm_2/gamma`, true, () => initialValue([32], { kind: "ones" }, deriveSeed(seed, STREAM.param, 30))));
  // prelude.intel:244
  params.set("decoder/batch_norm_2/beta", newVariable(`${tag}/decoder/batch_norm_2/beta`, true, () => initialValue([32], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 31))));
  // prelude.intel:246
  params.set("decoder/conv2d_transpose_2/weights", newVariable(`${tag}/decoder/conv2d_transpose_2/weights`, true, () => initialValue([4, 4, 1, 32], { kind: "glorot_uniform", fanIn: 16, fanOut: 512 }, deriveSeed(seed, STREAM.param, 32))));
  // prelude.intel:246
  params.set("decoder/conv2d_transpose_2/bias", newVariable(`${tag}/decoder/conv2d_transpose_2/bias`, true, () => initialValue([1], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 33))));
  // prelude.intel:218
  state.set("encoder/batch_norm_0/moving_mean", newVariable(`${tag}/encoder/batch_norm_0/moving_mean`, false, () => initialValue([32], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 34))));
  // prelude.intel:218
  state.set("encoder/batch_norm_0/moving_var", newVariable(`${tag}/encoder/batch_norm_0/moving_var`, false, () => initialValue([32], { kind: "ones" }, deriveSeed(seed, STREAM.param, 35))));
  // prelude.intel:218
  state.set("encoder/batch_norm_1/moving_mean", newVariable(`${tag}/encoder/batch_norm_1/moving_mean`, false, () => initialValue([64], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 36))));
  // prelude.intel:218
  state.set("encoder/batch_norm_1/moving_var", newVariable(`${tag}/encoder/batch_norm_1/moving_var`, false, () => initialValue([64], { kind: "ones" }, deriveSeed(seed, STREAM.param, 37))));
  // prelude.intel:218
  state.set("encoder/batch_norm_2/moving_mean", newVariable(`${tag}/encoder/batch_norm_2/moving_mean`, false, () => initialValue([128], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 38))));
  // prelude.intel:218
  state.set("encoder/batch_norm_2/moving_var", newVariable(`${tag}/encoder/batch_norm_2/moving_var`, false, () => initialValue([128], { kind: "ones" }, deriveSeed(seed, STREAM.param, 39))));
  // prelude.intel:240
  state.set("decoder/batch_norm_0/moving_mean", newVariable(`${tag}/decoder/batch_norm_0/moving_mean`, false, () => initialValue([128], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 40))));
  // prelude.intel:240
  state.set("decoder/batch_norm_0/moving_var", newVariable(`${tag}/decoder/batch_norm_0/moving_var`, false, () => initialValue([128], { kind: "ones" }, deriveSeed(seed, STREAM.param, 41))));
  // prelude.intel:240
  state.set("decoder/batch_norm_1/moving_mean", newVariable(`${tag}/decoder/batch_norm_1/moving_mean`, false, () => initialValue([64], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 42))));
  // prelude.intel:240
  state.set("decoder/batch_norm_1/moving_var", newVariable(`${tag}/decoder/batch_norm_1/moving_var`, false, () => initialValue([64], { kind: "ones" }, deriveSeed(seed, STREAM.param, 43))));
  // prelude.intel:244
  state.set("decoder/batch_norm_2/moving_mean", newVariable(`${tag}/decoder/batch_norm_2/moving_mean`, false, () => initialValue([32], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 44))));
  // prelude.intel:244
  state.set("decoder/batch_norm_2/moving_var", newVariable(`${tag}/decoder/batch_norm_2/moving_var`, false, () => initialValue([32], { kind: "ones" }, deriveSeed(seed, STREAM.param, 45))));
  return { params, state };
}

/** encoder conv_encoder (prelude.intel:217): [B, 28, 28, 1] → [B, 100] */
function encoderNet(input: tf.Tensor, c: NetContext): tf.Tensor {
  let x = input;
  // prelude.intel:217 conv2d 32 filters 4×4, stride 2×2, padding same
  x = conv2dLayer(x as tf.Tensor4D, param(c.params, "encoder/conv2d_0/weights") as tf.Tensor4D, param(c.params, "encoder/conv2d_0/bias") as tf.Tensor1D, [2, 2], "same");
  // prelude.intel:218 batch_norm
  x = batchNormLayer(x, param(c.params, "encoder/batch_norm_0/gamma"), param(c.params, "encoder/batch_norm_0/beta"), param(c.state, "encoder/batch_norm_0/moving_mean"), param(c.state, "encoder/batch_norm_0/moving_var"), c.training, 0.99, 0.001);
  x = tf.leakyRelu(x, 0.2); // prelude.intel:219 leaky_relu
  // prelude.intel:217 conv2d 64 filters 4×4, stride 2×2, padding same
  x = conv2dLayer(x as tf.Tensor4D, param(c.params, "encoder/conv2d_1/weights") as tf.Tensor4D, param(c.params, "encoder/conv2d_1/bias") as tf.Tensor1D, [2, 2], "same");
  // prelude.intel:218 batch_norm
  x = batchNormLayer(x, param(c.params, "encoder/batch_norm_1/gamma"), param(c.params, "encoder/batch_norm_1/beta"), param(c.state, "encoder/batch_norm_1/moving_mean"), param(c.state, "encoder/batch_norm_1/moving_var"), c.training, 0.99, 0.001);
  x = tf.leakyRelu(x, 0.2); // prelude.intel:219 leaky_relu
  // prelude.intel:217 conv2d 128 filters 4×4, stride 2×2, padding same
  x = conv2dLayer(x as tf.Tensor4D, param(c.params, "encoder/conv2d_2/weights") as tf.Tensor4D, param(c.params, "encoder/conv2d_2/bias") as tf.Tensor1D, [2, 2], "same");
  // prelude.intel:218 batch_norm
  x = batchNormLayer(x, param(c.params, "encoder/batch_norm_2/gamma"), param(c.params, "encoder/batch_norm_2/beta"), param(c.state, "encoder/batch_norm_2/moving_mean"), param(c.state, "encoder/batch_norm_2/moving_var"), c.training, 0.99, 0.001);
  x = tf.leakyRelu(x, 0.2); // prelude.intel:219 leaky_relu
  // prelude.intel:221 flatten
  x = tf.reshape(x, [x.shape[0]!, 2048]);
  // mnist-sparse.intel:10 dense 100
  x = denseChainLayer(x as tf.Tensor2D, [
    { w: param(c.params, "encoder/head/kernel") as tf.Tensor2D, b: param(c.params, "encoder/head/bias") as tf.Tensor1D, activation: "linear" },
  ], true);
  return x;
}

/** network mlp, applied at prelude.intel:151 in bias sparse: [B, 50] → [B, 50] */
function mlpNet(input: tf.Tensor, c: NetContext): tf.Tensor {
  let x = input;
  // prelude.intel:150 dense 10 + relu
  // prelude.intel:150 dense 10 + relu
  // prelude.intel:150 dense 50
  x = denseChainLayer(x as tf.Tensor2D, [
    { w: param(c.params, "mapping/sparse/ds/dense_0/kernel") as tf.Tensor2D, b: param(c.params, "mapping/sparse/ds/dense_0/bias") as tf.Tensor1D, activation: "relu" },
    { w: param(c.params, "mapping/sparse/ds/dense_1/kernel") as tf.Tensor2D, b: param(c.params, "mapping/sparse/ds/dense_1/bias") as tf.Tensor1D, activation: "relu" },
    { w: param(c.params, "mapping/sparse/ds/dense_2/kernel") as tf.Tensor2D, b: param(c.params, "mapping/sparse/ds/dense_2/bias") as tf.Tensor1D, activation: "linear" },
  ], !c.inputIsData);
  return x;
}

/** decoder conv_decoder (prelude.intel:236): [B, 50] → [B, 28, 28, 1] */
function decoderNet(input: tf.Tensor, c: NetContext): tf.Tensor {
  let x = input;
  // prelude.intel:236 dense 6272 + relu
  x = denseChainLayer(x as tf.Tensor2D, [
    { w: param(c.params, "decoder/dense_0/kernel") as tf.Tensor2D, b: param(c.params, "decoder/dense_0/bias") as tf.Tensor1D, activation: "relu" },
  ], !c.inputIsData);
  // prelude.intel:238 reshape
  x = tf.reshape(x, [x.shape[0]!, 7, 7, 128]);
  // prelude.intel:240 batch_norm
  x = batchNormLayer(x, param(c.params, "decoder/batch_norm_0/gamma"), param(c.params, "decoder/batch_norm_0/beta"), param(c.state, "decoder/batch_norm_0/moving_mean"), param(c.state, "decoder/batch_norm_0/moving_var"), c.training, 0.99, 0.001);
  x = tf.relu(x); // prelude.intel:241 relu
  // prelude.intel:242 conv2d_transpose 64 filters 4×4, stride 2×2, padding same
  x = conv2dTransposeLayer(x as tf.Tensor4D, param(c.params, "decoder/conv2d_transpose_0/weights") as tf.Tensor4D, param(c.params, "decoder/conv2d_transpose_0/bias") as tf.Tensor1D, [14, 14, 64], [2, 2], "same");
  // prelude.intel:240 batch_norm
  x = batchNormLayer(x, param(c.params, "decoder/batch_norm_1/gamma"), param(c.params, "decoder/batch_norm_1/beta"), param(c.state, "decoder/batch_norm_1/moving_mean"), param(c.state, "decoder/batch_norm_1/moving_var"), c.training, 0.99, 0.001);
  x = tf.relu(x); // prelude.intel:241 relu
  // prelude.intel:242 conv2d_transpose 32 filters 4×4, stride 2×2, padding same
  x = conv2dTransposeLayer(x as tf.Tensor4D, param(c.params, "decoder/conv2d_transpose_1/weights") as tf.Tensor4D, param(c.params, "decoder/conv2d_transpose_1/bias") as tf.Tensor1D, [28, 28, 32], [2, 2], "same");
  // prelude.intel:244 batch_norm
  x = batchNormLayer(x, param(c.params, "decoder/batch_norm_2/gamma"), param(c.params, "decoder/batch_norm_2/beta"), param(c.state, "decoder/batch_norm_2/moving_mean"), param(c.state, "decoder/batch_norm_2/moving_var"), c.training, 0.99, 0.001);
  x = tf.relu(x); // prelude.intel:245 relu
  // prelude.intel:246 conv2d_transpose 1 filters 4×4, stride 1×1, padding same
  x = conv2dTransposeLayer(x as tf.Tensor4D, param(c.params, "decoder/conv2d_transpose_2/weights") as tf.Tensor4D, param(c.params, "decoder/conv2d_transpose_2/bias") as tf.Tensor1D, [28, 28, 1], [1, 1], "same");
  return x;
}

/** bias sparse (prelude.intel:151) */
function sparse(y: tf.Tensor, c: NetContext): [tf.Tensor, tf.Tensor] {
  const n1 = mlpNet(y, { params: c.params, state: c.state, training: c.training, seed: deriveSeed(c.seed, 1) }); // prelude.intel:151 apply
  const n2 = tf.sigmoid(n1); // prelude.intel:151 sigmoid
  const n3 = tf.scalar(0.8); // prelude.intel:151 const
  const n4 = tf.mul(n3, n2); // prelude.intel:151 mul
  const n5 = tf.scalar(0.2); // prelude.intel:151 const
  const n6 = tf.add(n5, n4); // prelude.intel:151 add
  const n7 = tf.mul(y, n6); // prelude.intel:152 mul
  const n8 = entropySpread(n6, true, 1e-8); // prelude.intel:153 entropy_spread
  const n9 = tf.scalar(30); // prelude.intel:153 const
  const n10 = tf.mul(n9, n8); // prelude.intel:153 mul
  return [n7, n10];
}

/** the mapping g: y [B, 50] → z, with its penalties (each averaged over the batch) */
function mapping(y: tf.Tensor2D, c: NetContext): MapResult {
  const [n7, n10] = sparse(y, c);
  const z = n7;
  const penalties: Record<string, tf.Scalar> = {};
  penalties["sparsity"] = tf.mean(n10) as tf.Scalar; // prelude.intel:153 penalty
  return { z, penalties };
}

/**
 * The model with its variables initialised from `seed` (the run's deriveSeed(seed, "init", 0)): the
 * runtime builds the prior, encoder flow, likelihood and objective of IR around these stages.
 */
export function createModel(seed: number): CompiledModel {
  const { params, state } = createVariables(seed);
  return assembleModel(IR, seed, { params, state, encoder: encoderNet, mapping, decoder: decoderNet, dispose: () => {} });
}

/** This program as intel-vae/support runs it. */
export const PROGRAM: Program = { get ir() { return IR; }, get specText() { return SPEC_TEXT; }, createModel };

/** Trains (or with --resume continues) a run; `sample DIR` and `encode DIR` use one. Returns the exit code. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  return runProgram(PROGRAM, argv);
}

/** n samples y ~ p(y) → z = g(y) → decoder mean from a run of this program (PNG for images, else CSV). */
export const sample = (dir: string, o: { n?: number; out?: string; seed?: number } = {}) => sampleRun(PROGRAM, dir, o);
/** The representations g(μ(x)) of a run's data (CSV). */
export const encode = (dir: string, o: { role?: "train" | "validation" | "test"; out?: string } = {}) => encodeRun(PROGRAM, dir, o);

/** The IR this program was compiled from: the run's ir.json, which `intel eval|sample|encode|report` read. */
const IR: ModelIR = JSON.parse("{\"irVersion\":\"0.4\",\"name\":\"mnist_sparse\",\"source\":{\"file\":\"specs/examples/mnist-sparse.intel\",\"sha256\":\"d1e69eb872a850a6400cf2a479c4f6fccbf36344d721bc1d63c84891064511f3\"},\"kind\":\"intel-vae\",\"sparse\":true,\"data\":{\"name\":\"x\",\"source\":\"mnist\",\"args\":{\"split\":\"train\",\"validation\":1000,\"classes\":null,\"multipliers\":null,\"binarize\":false,\"limit\":null,\"flatten\":false,\"seed\":null},\"shape\":[28,28,1],\"range\":[0,1],\"at\":{\"file\":\"specs/examples/mnist-sparse.intel\",\"line\":8,\"col\":3}},\"encoder\":{\"name\":\"conv_encoder\",\"input\":[28,28,1],\"output\":[100],\"layers\":[{\"kind\":\"conv2d\",\"filters\":32,\"kernel\":[4,4],\"stride\":[2,2],\"padding\":\"same\",\"weights\":\"encoder/conv2d_0/weights\",\"bias\":\"encoder/conv2d_0/bias\",\"in\":[28,28,1],\"out\":[14,14,32],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":217,\"col\":5}},{\"kind\":\"batch_norm\",\"gamma\":\"encoder/batch_norm_0/gamma\",\"beta\":\"encoder/batch_norm_0/beta\",\"movingMean\":\"encoder/batch_norm_0/moving_mean\",\"movingVar\":\"encoder/batch_norm_0/moving_var\",\"momentum\":0.99,\"epsilon\":0.001,\"in\":[14,14,32],\"out\":[14,14,32],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":218,\"col\":5}},{\"kind\":\"activation\",\"fn\":\"leaky_relu\",\"in\":[14,14,32],\"out\":[14,14,32],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":219,\"col\":5},\"alpha\":0.2},{\"kind\":\"conv2d\",\"filters\":64,\"kernel\":[4,4],\"stride\":[2,2],\"padding\":\"same\",\"weights\":\"encoder/conv2d_1/weights\",\"bias\":\"encoder/conv2d_1/bias\",\"in\":[14,14,32],\"out\":[7,7,64],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":217,\"col\":5}},{\"kind\":\"batch_norm\",\"gamma\":\"encoder/batch_norm_1/gamma\",\"beta\":\"encoder/batch_norm_1/beta\",\"movingMean\":\"encoder/batch_norm_1/moving_mean\",\"movingVar\":\"encoder/batch_norm_1/moving_var\",\"momentum\":0.99,\"epsilon\":0.001,\"in\":[7,7,64],\"out\":[7,7,64],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":218,\"col\":5}},{\"kind\":\"activation\",\"fn\":\"leaky_relu\",\"in\":[7,7,64],\"out\":[7,7,64],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":219,\"col\":5},\"alpha\":0.2},{\"kind\":\"conv2d\",\"filters\":128,\"kernel\":[4,4],\"stride\":[2,2],\"padding\":\"same\",\"weights\":\"encoder/conv2d_2/weights\",\"bias\":\"encoder/conv2d_2/bias\",\"in\":[7,7,64],\"out\":[4,4,128],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":217,\"col\":5}},{\"kind\":\"batch_norm\",\"gamma\":\"encoder/batch_norm_2/gamma\",\"beta\":\"encoder/batch_norm_2/beta\",\"movingMean\":\"encoder/batch_norm_2/moving_mean\",\"movingVar\":\"encoder/batch_norm_2/moving_var\",\"momentum\":0.99,\"epsilon\":0.001,\"in\":[4,4,128],\"out\":[4,4,128],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":218,\"col\":5}},{\"kind\":\"activation\",\"fn\":\"leaky_relu\",\"in\":[4,4,128],\"out\":[4,4,128],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":219,\"col\":5},\"alpha\":0.2},{\"kind\":\"flatten\",\"in\":[4,4,128],\"out\":[2048],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":221,\"col\":3}},{\"kind\":\"dense\",\"units\":100,\"kernel\":\"encoder/head/kernel\",\"bias\":\"encoder/head/bias\",\"in\":[2048],\"out\":[100],\"at\":{\"file\":\"specs/examples/mnist-sparse.intel\",\"line\":10,\"col\":3}}]},\"latent\":{\"name\":\"y\",\"dim\":50,\"prior\":{\"kind\":\"normal\"},\"at\":{\"file\":\"specs/examples/mnist-sparse.intel\",\"line\":11,\"col\":3}},\"mapping\":{\"input\":{\"name\":\"y\",\"shape\":[50]},\"nodes\":[{\"op\":\"input\",\"inputs\":[],\"shape\":[50],\"at\":{\"file\":\"specs/examples/mnist-sparse.intel\",\"line\":11,\"col\":3}},{\"op\":\"apply\",\"inputs\":[0],\"shape\":[50],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":151,\"col\":41},\"attrs\":{\"network\":{\"name\":\"mlp\",\"input\":[50],\"output\":[50],\"layers\":[{\"kind\":\"dense\",\"units\":10,\"kernel\":\"mapping/sparse/ds/dense_0/kernel\",\"bias\":\"mapping/sparse/ds/dense_0/bias\",\"in\":[50],\"out\":[10],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":150,\"col\":14}},{\"kind\":\"activation\",\"fn\":\"relu\",\"in\":[10],\"out\":[10],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":150,\"col\":14}},{\"kind\":\"dense\",\"units\":10,\"kernel\":\"mapping/sparse/ds/dense_1/kernel\",\"bias\":\"mapping/sparse/ds/dense_1/bias\",\"in\":[10],\"out\":[10],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":150,\"col\":14}},{\"kind\":\"activation\",\"fn\":\"relu\",\"in\":[10],\"out\":[10],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":150,\"col\":14}},{\"kind\":\"dense\",\"units\":50,\"kernel\":\"mapping/sparse/ds/dense_2/kernel\",\"bias\":\"mapping/sparse/ds/dense_2/bias\",\"in\":[10],\"out\":[50],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":150,\"col\":14}}]}},\"bias\":\"sparse\"},{\"op\":\"sigmoid\",\"inputs\":[1],\"shape\":[50],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":151,\"col\":33},\"bias\":\"sparse\"},{\"op\":\"const\",\"inputs\":[],\"shape\":[],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":151,\"col\":19},\"attrs\":{\"value\":0.8},\"bias\":\"sparse\"},{\"op\":\"mul\",\"inputs\":[3,2],\"shape\":[50],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":151,\"col\":19},\"bias\":\"sparse\"},{\"op\":\"const\",\"inputs\":[],\"shape\":[],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":151,\"col\":11},\"attrs\":{\"value\":0.2},\"bias\":\"sparse\"},{\"op\":\"add\",\"inputs\":[5,4],\"shape\":[50],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":151,\"col\":11},\"bias\":\"sparse\"},{\"op\":\"mul\",\"inputs\":[0,6],\"shape\":[50],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":152,\"col\":11},\"bias\":\"sparse\"},{\"op\":\"entropy_spread\",\"inputs\":[6],\"shape\":[],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":153,\"col\":74},\"attrs\":{\"eps\":1e-8},\"bias\":\"sparse\"},{\"op\":\"const\",\"inputs\":[],\"shape\":[],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":153,\"col\":22},\"attrs\":{\"value\":30},\"bias\":\"sparse\"},{\"op\":\"mul\",\"inputs\":[9,8],\"shape\":[],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":153,\"col\":22},\"bias\":\"sparse\"}],\"output\":7,\"penalties\":[{\"name\":\"sparsity\",\"node\":10,\"at\":{\"file\":\"specs/prelude.intel\",\"line\":153,\"col\":3}}]},\"decoder\":{\"name\":\"conv_decoder\",\"input\":[50],\"output\":[28,28,1],\"layers\":[{\"kind\":\"dense\",\"units\":6272,\"kernel\":\"decoder/dense_0/kernel\",\"bias\":\"decoder/dense_0/bias\",\"in\":[50],\"out\":[6272],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":236,\"col\":3}},{\"kind\":\"activation\",\"fn\":\"relu\",\"in\":[6272],\"out\":[6272],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":237,\"col\":3}},{\"kind\":\"reshape\",\"in\":[6272],\"out\":[7,7,128],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":238,\"col\":3}},{\"kind\":\"batch_norm\",\"gamma\":\"decoder/batch_norm_0/gamma\",\"beta\":\"decoder/batch_norm_0/beta\",\"movingMean\":\"decoder/batch_norm_0/moving_mean\",\"movingVar\":\"decoder/batch_norm_0/moving_var\",\"momentum\":0.99,\"epsilon\":0.001,\"in\":[7,7,128],\"out\":[7,7,128],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":240,\"col\":5}},{\"kind\":\"activation\",\"fn\":\"relu\",\"in\":[7,7,128],\"out\":[7,7,128],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":241,\"col\":5}},{\"kind\":\"conv2d_transpose\",\"filters\":64,\"kernel\":[4,4],\"stride\":[2,2],\"padding\":\"same\",\"weights\":\"decoder/conv2d_transpose_0/weights\",\"bias\":\"decoder/conv2d_transpose_0/bias\",\"in\":[7,7,128],\"out\":[14,14,64],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":242,\"col\":5}},{\"kind\":\"batch_norm\",\"gamma\":\"decoder/batch_norm_1/gamma\",\"beta\":\"decoder/batch_norm_1/beta\",\"movingMean\":\"decoder/batch_norm_1/moving_mean\",\"movingVar\":\"decoder/batch_norm_1/moving_var\",\"momentum\":0.99,\"epsilon\":0.001,\"in\":[14,14,64],\"out\":[14,14,64],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":240,\"col\":5}},{\"kind\":\"activation\",\"fn\":\"relu\",\"in\":[14,14,64],\"out\":[14,14,64],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":241,\"col\":5}},{\"kind\":\"conv2d_transpose\",\"filters\":32,\"kernel\":[4,4],\"stride\":[2,2],\"padding\":\"same\",\"weights\":\"decoder/conv2d_transpose_1/weights\",\"bias\":\"decoder/conv2d_transpose_1/bias\",\"in\":[14,14,64],\"out\":[28,28,32],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":242,\"col\":5}},{\"kind\":\"batch_norm\",\"gamma\":\"decoder/batch_norm_2/gamma\",\"beta\":\"decoder/batch_norm_2/beta\",\"movingMean\":\"decoder/batch_norm_2/moving_mean\",\"movingVar\":\"decoder/batch_norm_2/moving_var\",\"momentum\":0.99,\"epsilon\":0.001,\"in\":[28,28,32],\"out\":[28,28,32],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":244,\"col\":3}},{\"kind\":\"activation\",\"fn\":\"relu\",\"in\":[28,28,32],\"out\":[28,28,32],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":245,\"col\":3}},{\"kind\":\"conv2d_transpose\",\"filters\":1,\"kernel\":[4,4],\"stride\":[1,1],\"padding\":\"same\",\"weights\":\"decoder/conv2d_transpose_2/weights\",\"bias\":\"decoder/conv2d_transpose_2/bias\",\"in\":[28,28,32],\"out\":[28,28,1],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":246,\"col\":3}}]},\"likelihood\":{\"kind\":\"bernoulli\"},\"objective\":{\"kind\":\"elbo\",\"beta\":1,\"warmup\":0,\"samples\":1,\"kl\":\"auto\"},\"train\":{\"optimizer\":{\"kind\":\"adam\",\"lr\":0.001,\"beta1\":0.9,\"beta2\":0.999},\"groups\":null,\"scheme\":null,\"batch\":100,\"epochs\":10,\"earlyStop\":5,\"seed\":1,\"validation\":1000,\"checkpointEvery\":1,\"settings\":{\"min_epochs\":0,\"monitor\":\"validation_loss\",\"validation_every\":1,\"checkpoint_steps\":null,\"checkpoint_minutes\":10,\"keep_checkpoints\":2,\"log_every\":50,\"clip_norm\":null,\"lr_schedule\":\"constant\",\"lr_decay\":1,\"lr_warmup\":0,\"shuffle\":true,\"max_steps\":null,\"backend\":\"auto\"}},\"evaluate\":[{\"name\":\"hoyer\",\"args\":{\"z\":\"z\",\"sample\":false},\"at\":{\"file\":\"specs/examples/mnist-sparse.intel\",\"line\":17,\"col\":14}},{\"name\":\"iwae_nll\",\"args\":{\"k\":500,\"points\":1000},\"at\":{\"file\":\"specs/examples/mnist-sparse.intel\",\"line\":17,\"col\":24}},{\"name\":\"fewshot\",\"args\":{\"z\":\"z\",\"sizes\":[10,100,1000],\"classifier\":\"logistic\",\"repeats\":5,\"balanced\":false},\"at\":{\"file\":\"specs/examples/mnist-sparse.intel\",\"line\":17,\"col\":42}}],\"params\":[{\"id\":\"encoder/conv2d_0/weights\",\"shape\":[4,4,1,32],\"init\":{\"kind\":\"glorot_uniform\",\"fanIn\":16,\"fanOut\":512},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":217,\"col\":5}},{\"id\":\"encoder/conv2d_0/bias\",\"shape\":[32],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":217,\"col\":5}},{\"id\":\"encoder/batch_norm_0/gamma\",\"shape\":[32],\"init\":{\"kind\":\"ones\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":218,\"col\":5}},{\"id\":\"encoder/batch_norm_0/beta\",\"shape\":[32],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":218,\"col\":5}},{\"id\":\"encoder/conv2d_1/weights\",\"shape\":[4,4,32,64],\"init\":{\"kind\":\"glorot_uniform\",\"fanIn\":512,\"fanOut\":1024},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":217,\"col\":5}},{\"id\":\"encoder/conv2d_1/bias\",\"shape\":[64],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":217,\"col\":5}},{\"id\":\"encoder/batch_norm_1/gamma\",\"shape\":[64],\"init\":{\"kind\":\"ones\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":218,\"col\":5}},{\"id\":\"encoder/batch_norm_1/beta\",\"shape\":[64],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":218,\"col\":5}},{\"id\":\"encoder/conv2d_2/weights\",\"shape\":[4,4,64,128],\"init\":{\"kind\":\"glorot_uniform\",\"fanIn\":1024,\"fanOut\":2048},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":217,\"col\":5}},{\"id\":\"encoder/conv2d_2/bias\",\"shape\":[128],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":217,\"col\":5}},{\"id\":\"encoder/batch_norm_2/gamma\",\"shape\":[128],\"init\":{\"kind\":\"ones\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":218,\"col\":5}},{\"id\":\"encoder/batch_norm_2/beta\",\"shape\":[128],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":218,\"col\":5}},{\"id\":\"encoder/head/kernel\",\"shape\":[2048,100],\"init\":{\"kind\":\"glorot_uniform\",\"fanIn\":2048,\"fanOut\":100},\"at\":{\"file\":\"specs/examples/mnist-sparse.intel\",\"line\":10,\"col\":3}},{\"id\":\"encoder/head/bias\",\"shape\":[100],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/examples/mnist-sparse.intel\",\"line\":10,\"col\":3}},{\"id\":\"mapping/sparse/ds/dense_0/kernel\",\"shape\":[50,10],\"init\":{\"kind\":\"glorot_uniform\",\"fanIn\":50,\"fanOut\":10},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":150,\"col\":14}},{\"id\":\"mapping/sparse/ds/dense_0/bias\",\"shape\":[10],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":150,\"col\":14}},{\"id\":\"mapping/sparse/ds/dense_1/kernel\",\"shape\":[10,10],\"init\":{\"kind\":\"glorot_uniform\",\"fanIn\":10,\"fanOut\":10},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":150,\"col\":14}},{\"id\":\"mapping/sparse/ds/dense_1/bias\",\"shape\":[10],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":150,\"col\":14}},{\"id\":\"mapping/sparse/ds/dense_2/kernel\",\"shape\":[10,50],\"init\":{\"kind\":\"glorot_uniform\",\"fanIn\":10,\"fanOut\":50},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":150,\"col\":14}},{\"id\":\"mapping/sparse/ds/dense_2/bias\",\"shape\":[50],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":150,\"col\":14}},{\"id\":\"decoder/dense_0/kernel\",\"shape\":[50,6272],\"init\":{\"kind\":\"glorot_uniform\",\"fanIn\":50,\"fanOut\":6272},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":236,\"col\":3}},{\"id\":\"decoder/dense_0/bias\",\"shape\":[6272],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":236,\"col\":3}},{\"id\":\"decoder/batch_norm_0/gamma\",\"shape\":[128],\"init\":{\"kind\":\"ones\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":240,\"col\":5}},{\"id\":\"decoder/batch_norm_0/beta\",\"shape\":[128],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":240,\"col\":5}},{\"id\":\"decoder/conv2d_transpose_0/weights\",\"shape\":[4,4,64,128],\"init\":{\"kind\":\"glorot_uniform\",\"fanIn\":1024,\"fanOut\":2048},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":242,\"col\":5}},{\"id\":\"decoder/conv2d_transpose_0/bias\",\"shape\":[64],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":242,\"col\":5}},{\"id\":\"decoder/batch_norm_1/gamma\",\"shape\":[64],\"init\":{\"kind\":\"ones\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":240,\"col\":5}},{\"id\":\"decoder/batch_norm_1/beta\",\"shape\":[64],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":240,\"col\":5}},{\"id\":\"decoder/conv2d_transpose_1/weights\",\"shape\":[4,4,32,64],\"init\":{\"kind\":\"glorot_uniform\",\"fanIn\":512,\"fanOut\":1024},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":242,\"col\":5}},{\"id\":\"decoder/conv2d_transpose_1/bias\",\"shape\":[32],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":242,\"col\":5}},{\"id\":\"decoder/batch_norm_2/gamma\",\"shape\":[32],\"init\":{\"kind\":\"ones\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":244,\"col\":3}},{\"id\":\"decoder/batch_norm_2/beta\",\"shape\":[32],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":244,\"col\":3}},{\"id\":\"decoder/conv2d_transpose_2/weights\",\"shape\":[4,4,1,32],\"init\":{\"kind\":\"glorot_uniform\",\"fanIn\":16,\"fanOut\":512},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":246,\"col\":3}},{\"id\":\"decoder/conv2d_transpose_2/bias\",\"shape\":[1],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":246,\"col\":3}}],\"state\":[{\"id\":\"encoder/batch_norm_0/moving_mean\",\"shape\":[32],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":218,\"col\":5}},{\"id\":\"encoder/batch_norm_0/moving_var\",\"shape\":[32],\"init\":{\"kind\":\"ones\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":218,\"col\":5}},{\"id\":\"encoder/batch_norm_1/moving_mean\",\"shape\":[64],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":218,\"col\":5}},{\"id\":\"encoder/batch_norm_1/moving_var\",\"shape\":[64],\"init\":{\"kind\":\"ones\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":218,\"col\":5}},{\"id\":\"encoder/batch_norm_2/moving_mean\",\"shape\":[128],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":218,\"col\":5}},{\"id\":\"encoder/batch_norm_2/moving_var\",\"shape\":[128],\"init\":{\"kind\":\"ones\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":218,\"col\":5}},{\"id\":\"decoder/batch_norm_0/moving_mean\",\"shape\":[128],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":240,\"col\":5}},{\"id\":\"decoder/batch_norm_0/moving_var\",\"shape\":[128],\"init\":{\"kind\":\"ones\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":240,\"col\":5}},{\"id\":\"decoder/batch_norm_1/moving_mean\",\"shape\":[64],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":240,\"col\":5}},{\"id\":\"decoder/batch_norm_1/moving_var\",\"shape\":[64],\"init\":{\"kind\":\"ones\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":240,\"col\":5}},{\"id\":\"decoder/batch_norm_2/moving_mean\",\"shape\":[32],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":244,\"col\":3}},{\"id\":\"decoder/batch_norm_2/moving_var\",\"shape\":[32],\"init\":{\"kind\":\"ones\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":244,\"col\":3}}]}") as ModelIR;
/** The spec as compiled: the run's spec.intel. */
const SPEC_TEXT: string | null = null;

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then((code) => {
    process.exitCode = code;
  });
}
