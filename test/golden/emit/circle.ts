// Model ring_with_circle, compiled by `intel compile` from specs/examples/circle.intel (IR 0.4, spec sha256 99652597a8da).
//   model ring_with_circle: an InteL-VAE
//   data        x : Real[2] from ring
//   prior       y : Real[2] ~ N(0, I); KL analytic (Gaussian against N(0, I))
//   mapping     4 ops → z : Real[2]; penalties: none
//   likelihood  Gaussian, σ learned per coordinate
//   objective   ELBO, β = 1
//   parameters  348 in 13 tensors
// The model's structure is written out below: its networks layer by layer, its mapping op by op,
// its parameters. The math (layers, built-ins, prior, likelihood, objective, Adam) is the runtime's,
// imported from intel-vae/support, so this program computes what `intel train` computes.
//   npx tsx THIS_FILE [--epochs N] [--seed N] [--backend B] [--out DIR]   train into a new run
//   npx tsx THIS_FILE --resume DIR · sample DIR [-n N] [-o F] · encode DIR [--data ROLE] [-o F]
// Generated code: recompile the spec rather than editing it.
import * as tf from "@tensorflow/tfjs";
import {
  assembleModel,
  denseChainLayer,
  deriveSeed,
  encode as encodeRun,
  initialValue,
  modelTag,
  newVariable,
  runProgram,
  safeRoot,
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
  // prelude.intel:192
  params.set("encoder/dense_0/kernel", newVariable(`${tag}/encoder/dense_0/kernel`, true, () => initialValue([2, 10], { kind: "glorot_uniform", fanIn: 2, fanOut: 10 }, deriveSeed(seed, STREAM.param, 0))));
  // prelude.intel:192
  params.set("encoder/dense_0/bias", newVariable(`${tag}/encoder/dense_0/bias`, true, () => initialValue([10], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 1))));
  // prelude.intel:192
  params.set("encoder/dense_1/kernel", newVariable(`${tag}/encoder/dense_1/kernel`, true, () => initialValue([10, 10], { kind: "glorot_uniform", fanIn: 10, fanOut: 10 }, deriveSeed(seed, STREAM.param, 2))));
  // prelude.intel:192
  params.set("encoder/dense_1/bias", newVariable(`${tag}/encoder/dense_1/bias`, true, () => initialValue([10], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 3))));
  // circle.intel:10
  params.set("encoder/head/kernel", newVariable(`${tag}/encoder/head/kernel`, true, () => initialValue([10, 4], { kind: "glorot_uniform", fanIn: 10, fanOut: 4 }, deriveSeed(seed, STREAM.param, 4))));
  // circle.intel:10
  params.set("encoder/head/bias", newVariable(`${tag}/encoder/head/bias`, true, () => initialValue([4], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 5))));
  // prelude.intel:200
  params.set("decoder/dense_0/kernel", newVariable(`${tag}/decoder/dense_0/kernel`, true, () => initialValue([2, 10], { kind: "glorot_uniform", fanIn: 2, fanOut: 10 }, deriveSeed(seed, STREAM.param, 6))));
  // prelude.intel:200
  params.set("decoder/dense_0/bias", newVariable(`${tag}/decoder/dense_0/bias`, true, () => initialValue([10], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 7))));
  // prelude.intel:200
  params.set("decoder/dense_1/kernel", newVariable(`${tag}/decoder/dense_1/kernel`, true, () => initialValue([10, 10], { kind: "glorot_uniform", fanIn: 10, fanOut: 10 }, deriveSeed(seed, STREAM.param, 8))));
  // prelude.intel:200
  params.set("decoder/dense_1/bias", newVariable(`${tag}/decoder/dense_1/bias`, true, () => initialValue([10], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 9))));
  // prelude.intel:203
  params.set("decoder/dense_2/kernel", newVariable(`${tag}/decoder/dense_2/kernel`, true, () => initialValue([10, 2], { kind: "glorot_uniform", fanIn: 10, fanOut: 2 }, deriveSeed(seed, STREAM.param, 10))));
  // prelude.intel:203
  params.set("decoder/dense_2/bias", newVariable(`${tag}/decoder/dense_2/bias`, true, () => initialValue([2], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 11))));
  // circle.intel:13
  params.set("likelihood/log_sigma", newVariable(`${tag}/likelihood/log_sigma`, true, () => initialValue([2], { kind: "zeros" }, deriveSeed(seed, STREAM.param, 12))));
  return { params, state };
}

/** encoder mlp_encoder (prelude.intel:192): [B, 2] → [B, 4] */
function encoderNet(input: tf.Tensor, c: NetContext): tf.Tensor {
  let x = input;
  // prelude.intel:192 dense 10 + relu
  // prelude.intel:192 dense 10 + relu
  // circle.intel:10 dense 4
  x = denseChainLayer(x as tf.Tensor2D, [
    { w: param(c.params, "encoder/dense_0/kernel") as tf.Tensor2D, b: param(c.params, "encoder/dense_0/bias") as tf.Tensor1D, activation: "relu" },
    { w: param(c.params, "encoder/dense_1/kernel") as tf.Tensor2D, b: param(c.params, "encoder/dense_1/bias") as tf.Tensor1D, activation: "relu" },
    { w: param(c.params, "encoder/head/kernel") as tf.Tensor2D, b: param(c.params, "encoder/head/bias") as tf.Tensor1D, activation: "linear" },
  ], !c.inputIsData);
  return x;
}

/** decoder mlp_decoder (prelude.intel:200): [B, 2] → [B, 2] */
function decoderNet(input: tf.Tensor, c: NetContext): tf.Tensor {
  let x = input;
  // prelude.intel:200 dense 10 + relu
  // prelude.intel:200 dense 10 + relu
  // prelude.intel:203 dense 2
  x = denseChainLayer(x as tf.Tensor2D, [
    { w: param(c.params, "decoder/dense_0/kernel") as tf.Tensor2D, b: param(c.params, "decoder/dense_0/bias") as tf.Tensor1D, activation: "relu" },
    { w: param(c.params, "decoder/dense_1/kernel") as tf.Tensor2D, b: param(c.params, "decoder/dense_1/bias") as tf.Tensor1D, activation: "relu" },
    { w: param(c.params, "decoder/dense_2/kernel") as tf.Tensor2D, b: param(c.params, "decoder/dense_2/bias") as tf.Tensor1D, activation: "linear" },
  ], !c.inputIsData);
  return x;
}

/** bias circle (prelude.intel:27) */
function circle(y: tf.Tensor, c: NetContext): tf.Tensor {
  const n1 = safeRoot(tf.sum(tf.square(y), [1], true), 2); // prelude.intel:27 norm
  const n2 = tf.scalar(1e-7); // prelude.intel:27 const
  const n3 = tf.add(n1, n2); // prelude.intel:27 add
  const n4 = tf.div(y, n3); // prelude.intel:27 div
  return n4;
}

/** the mapping g: y [B, 2] → z, with its penalties (each averaged over the batch) */
function mapping(y: tf.Tensor2D, c: NetContext): MapResult {
  const n4 = circle(y, c);
  const z = n4;
  const penalties: Record<string, tf.Scalar> = {};
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
const IR: ModelIR = JSON.parse("{\"irVersion\":\"0.4\",\"name\":\"ring_with_circle\",\"source\":{\"file\":\"specs/examples/circle.intel\",\"sha256\":\"99652597a8dab1a03ee285aa4156348d6bb05b822f995b74daf718a75211cc0a\"},\"kind\":\"intel-vae\",\"sparse\":false,\"data\":{\"name\":\"x\",\"source\":\"ring\",\"args\":{\"n\":2000,\"radius\":2,\"arc\":1,\"noise\":0.05,\"validation\":500,\"seed\":null},\"shape\":[2],\"range\":null,\"at\":{\"file\":\"specs/examples/circle.intel\",\"line\":8,\"col\":3}},\"encoder\":{\"name\":\"mlp_encoder\",\"input\":[2],\"output\":[4],\"layers\":[{\"kind\":\"dense\",\"units\":10,\"kernel\":\"encoder/dense_0/kernel\",\"bias\":\"encoder/dense_0/bias\",\"in\":[2],\"out\":[10],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":192,\"col\":5}},{\"kind\":\"activation\",\"fn\":\"relu\",\"in\":[10],\"out\":[10],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":193,\"col\":5}},{\"kind\":\"dense\",\"units\":10,\"kernel\":\"encoder/dense_1/kernel\",\"bias\":\"encoder/dense_1/bias\",\"in\":[10],\"out\":[10],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":192,\"col\":5}},{\"kind\":\"activation\",\"fn\":\"relu\",\"in\":[10],\"out\":[10],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":193,\"col\":5}},{\"kind\":\"dense\",\"units\":4,\"kernel\":\"encoder/head/kernel\",\"bias\":\"encoder/head/bias\",\"in\":[10],\"out\":[4],\"at\":{\"file\":\"specs/examples/circle.intel\",\"line\":10,\"col\":3}}]},\"latent\":{\"name\":\"y\",\"dim\":2,\"prior\":{\"kind\":\"normal\"},\"at\":{\"file\":\"specs/examples/circle.intel\",\"line\":11,\"col\":3}},\"mapping\":{\"input\":{\"name\":\"y\",\"shape\":[2]},\"nodes\":[{\"op\":\"input\",\"inputs\":[],\"shape\":[2],\"at\":{\"file\":\"specs/examples/circle.intel\",\"line\":11,\"col\":3}},{\"op\":\"norm\",\"inputs\":[0],\"shape\":[1],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":27,\"col\":15},\"attrs\":{\"ord\":2,\"axis\":-1,\"keepdims\":true},\"bias\":\"circle\"},{\"op\":\"const\",\"inputs\":[],\"shape\":[],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":27,\"col\":25},\"attrs\":{\"value\":1e-7},\"bias\":\"circle\"},{\"op\":\"add\",\"inputs\":[1,2],\"shape\":[1],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":27,\"col\":15},\"bias\":\"circle\"},{\"op\":\"div\",\"inputs\":[0,3],\"shape\":[2],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":27,\"col\":10},\"bias\":\"circle\"}],\"output\":4,\"penalties\":[]},\"decoder\":{\"name\":\"mlp_decoder\",\"input\":[2],\"output\":[2],\"layers\":[{\"kind\":\"dense\",\"units\":10,\"kernel\":\"decoder/dense_0/kernel\",\"bias\":\"decoder/dense_0/bias\",\"in\":[2],\"out\":[10],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":200,\"col\":5}},{\"kind\":\"activation\",\"fn\":\"relu\",\"in\":[10],\"out\":[10],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":201,\"col\":5}},{\"kind\":\"dense\",\"units\":10,\"kernel\":\"decoder/dense_1/kernel\",\"bias\":\"decoder/dense_1/bias\",\"in\":[10],\"out\":[10],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":200,\"col\":5}},{\"kind\":\"activation\",\"fn\":\"relu\",\"in\":[10],\"out\":[10],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":201,\"col\":5}},{\"kind\":\"dense\",\"units\":2,\"kernel\":\"decoder/dense_2/kernel\",\"bias\":\"decoder/dense_2/bias\",\"in\":[10],\"out\":[2],\"at\":{\"file\":\"specs/prelude.intel\",\"line\":203,\"col\":3}}]},\"likelihood\":{\"kind\":\"gaussian\",\"sigma\":\"learned\",\"logSigma\":\"likelihood/log_sigma\"},\"objective\":{\"kind\":\"elbo\",\"beta\":1,\"warmup\":0,\"samples\":1,\"kl\":\"auto\"},\"train\":{\"optimizer\":{\"kind\":\"adam\",\"lr\":0.001,\"beta1\":0.9,\"beta2\":0.999},\"groups\":null,\"scheme\":null,\"batch\":100,\"epochs\":200,\"earlyStop\":20,\"seed\":1,\"validation\":500,\"checkpointEvery\":1,\"settings\":{\"min_epochs\":0,\"monitor\":\"validation_loss\",\"validation_every\":1,\"checkpoint_steps\":null,\"checkpoint_minutes\":10,\"keep_checkpoints\":2,\"log_every\":50,\"clip_norm\":null,\"lr_schedule\":\"constant\",\"lr_decay\":1,\"lr_warmup\":0,\"shuffle\":true,\"max_steps\":null,\"backend\":\"auto\"}},\"evaluate\":[{\"name\":\"region_mass\",\"args\":{\"center\":[0,0],\"radius\":1,\"samples\":2000},\"at\":{\"file\":\"specs/examples/circle.intel\",\"line\":17,\"col\":14}},{\"name\":\"iwae_nll\",\"args\":{\"k\":500,\"points\":1000},\"at\":{\"file\":\"specs/examples/circle.intel\",\"line\":17,\"col\":54}}],\"params\":[{\"id\":\"encoder/dense_0/kernel\",\"shape\":[2,10],\"init\":{\"kind\":\"glorot_uniform\",\"fanIn\":2,\"fanOut\":10},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":192,\"col\":5}},{\"id\":\"encoder/dense_0/bias\",\"shape\":[10],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":192,\"col\":5}},{\"id\":\"encoder/dense_1/kernel\",\"shape\":[10,10],\"init\":{\"kind\":\"glorot_uniform\",\"fanIn\":10,\"fanOut\":10},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":192,\"col\":5}},{\"id\":\"encoder/dense_1/bias\",\"shape\":[10],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":192,\"col\":5}},{\"id\":\"encoder/head/kernel\",\"shape\":[10,4],\"init\":{\"kind\":\"glorot_uniform\",\"fanIn\":10,\"fanOut\":4},\"at\":{\"file\":\"specs/examples/circle.intel\",\"line\":10,\"col\":3}},{\"id\":\"encoder/head/bias\",\"shape\":[4],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/examples/circle.intel\",\"line\":10,\"col\":3}},{\"id\":\"decoder/dense_0/kernel\",\"shape\":[2,10],\"init\":{\"kind\":\"glorot_uniform\",\"fanIn\":2,\"fanOut\":10},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":200,\"col\":5}},{\"id\":\"decoder/dense_0/bias\",\"shape\":[10],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":200,\"col\":5}},{\"id\":\"decoder/dense_1/kernel\",\"shape\":[10,10],\"init\":{\"kind\":\"glorot_uniform\",\"fanIn\":10,\"fanOut\":10},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":200,\"col\":5}},{\"id\":\"decoder/dense_1/bias\",\"shape\":[10],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":200,\"col\":5}},{\"id\":\"decoder/dense_2/kernel\",\"shape\":[10,2],\"init\":{\"kind\":\"glorot_uniform\",\"fanIn\":10,\"fanOut\":2},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":203,\"col\":3}},{\"id\":\"decoder/dense_2/bias\",\"shape\":[2],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/prelude.intel\",\"line\":203,\"col\":3}},{\"id\":\"likelihood/log_sigma\",\"shape\":[2],\"init\":{\"kind\":\"zeros\"},\"at\":{\"file\":\"specs/examples/circle.intel\",\"line\":13,\"col\":22}}],\"state\":[]}") as ModelIR;
/** The spec as compiled: the run's spec.intel. */
const SPEC_TEXT: string | null = null;

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then((code) => {
    process.exitCode = code;
  });
}
