// Breaks down a training step of a model built by the IR interpreter from hand-written IR (test
// fixtures; `--mapping sparse` adds the sparse mapping), for profiling. `npm run bench` times the
// real thing: specs compiled by the front end and the training loop's own step (bench/step.ts).
//   npx tsx bench/interpreter-step.ts [--backend wasm] [--threads 1] [--arch mlp|conv]
//        [--mapping identity|sparse] [--batch 128] [--latent 50] [--steps 30]
// Prints one JSON line per measurement: forward+backward alone, and a whole step with tfjs's
// Adam and with runtime/ops' fused Adam, as the median ms over `steps` steps after 5 warm-up steps.
import * as tf from "@tensorflow/tfjs";
import { parseArgs } from "node:util";
import { selectBackend, type BackendName } from "../runtime/backend/select";
import { buildModel } from "../runtime/model/build";
import { Adam } from "../runtime/ops/adam";
import type { ModelIR } from "../compiler/ir/types";
import { mlpVae, sparseMapping, Params, act, AT, dense } from "../test/runtime/fixtures/ir";
import type { LayerIR } from "../compiler/ir/types";

const { values: a } = parseArgs({
  options: {
    backend: { type: "string", default: "wasm" },
    threads: { type: "string", default: "1" },
    arch: { type: "string", default: "mlp" },
    mapping: { type: "string", default: "identity" },
    batch: { type: "string", default: "128" },
    latent: { type: "string", default: "50" },
    steps: { type: "string", default: "30" },
  },
});
const info = await selectBackend(a.backend as BackendName, { wasmThreads: Number(a.threads) });
const batch = Number(a.batch);
const latent = Number(a.latent);
const mapping = a.mapping === "sparse" ? (p: Params, d: number) => sparseMapping(p, d) : undefined;

/** The reference's conv VAE (torch_vae.py `conv`), as IR. */
function convPaperVae(): ModelIR {
  const ir = mlpVae({ data: [28, 28, 1], hidden: [8], latent, mapping });
  const ps = new Params();
  const bn = (id: string, s: number[]): LayerIR => ({
    kind: "batch_norm", in: s, out: s, at: AT, momentum: 0.9, epsilon: 1e-5,
    gamma: ps.add(`${id}/gamma`, [s[2]!], { kind: "ones" }), beta: ps.add(`${id}/beta`, [s[2]!], { kind: "zeros" }),
    movingMean: ps.addState(`${id}/mm`, [s[2]!], { kind: "zeros" }), movingVar: ps.addState(`${id}/mv`, [s[2]!], { kind: "ones" }),
  });
  const conv = (id: string, kind: "conv2d" | "conv2d_transpose", i: number[], o: number[], k: number, s: number): LayerIR => ({
    kind, in: i, out: o, at: AT, filters: o[2]!, kernel: [k, k], stride: [s, s], padding: "same",
    weights: ps.add(`${id}/w`, kind === "conv2d" ? [k, k, i[2]!, o[2]!] : [k, k, o[2]!, i[2]!], { kind: "glorot_uniform", fanIn: k * k * i[2]!, fanOut: k * k * o[2]! }),
    bias: ps.add(`${id}/b`, [o[2]!], { kind: "zeros" }),
  });
  const enc: LayerIR[] = [];
  let s = [28, 28, 1];
  for (const [i, f] of [32, 64, 128].entries()) {
    const o = [Math.ceil(s[0]! / 2), Math.ceil(s[1]! / 2), f];
    enc.push(conv(`enc/c${i}`, "conv2d", s, o, 4, 2), bn(`enc/bn${i}`, o), act(o, "leaky_relu", 0.2));
    s = o;
  }
  enc.push({ kind: "flatten", in: s, out: [s[0]! * s[1]! * s[2]!], at: AT }, dense(ps, "enc/head", s[0]! * s[1]! * s[2]!, 2 * latent));
  const dec: LayerIR[] = [dense(ps, "dec/fc", latent, 7 * 7 * 128), act([7 * 7 * 128], "relu"), { kind: "reshape", in: [7 * 7 * 128], out: [7, 7, 128], at: AT }];
  s = [7, 7, 128];
  for (const [i, f] of [64, 32].entries()) {
    const o = [s[0]! * 2, s[1]! * 2, f];
    dec.push(bn(`dec/bn${i}`, s), act(s, "relu"), conv(`dec/t${i}`, "conv2d_transpose", s, o, 4, 2));
    s = o;
  }
  dec.push(bn("dec/bn2", s), act(s, "relu"), conv("dec/out", "conv2d", s, [28, 28, 1], 3, 1));
  // keep the mapping's own params (sparse DS) and add the conv ones
  const mapParams = ir.params.filter((p) => p.id.startsWith("mapping/"));
  return {
    ...ir,
    encoder: { name: "conv_encoder", input: [28, 28, 1], output: [2 * latent], layers: enc },
    decoder: { name: "conv_decoder", input: [latent], output: [28, 28, 1], layers: dec },
    params: [...ps.params, ...mapParams],
    state: ps.state,
  };
}

const ir = a.arch === "conv" ? convPaperVae() : mlpVae({ data: [28, 28, 1], hidden: [512, 256], latent, mapping });
const model = buildModel(ir, 1);
const vars = [...model.variables.values()];
const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([batch, 28, 28, 1], 0, 1, "float32", 5), 0.5), "float32"));

/** Median wall ms and median process CPU ms per call (CPU time is steadier on a loaded machine). */
function median(f: (i: number) => void, n: number): [number, number] {
  for (let i = 0; i < 5; i++) f(i);
  const ts: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    f(i + 5);
    ts.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cs.push((d.user + d.system) / 1000);
  }
  const mid = (v: number[]) => v.sort((p, q) => p - q)[n >> 1]!;
  return [+mid(ts).toFixed(2), +mid(cs).toFixed(2)];
}

const steps = Number(a.steps);
let seed = 1;
const fwdBwd = median(() => {
  const { value, grads } = tf.variableGrads(() => model.loss(x, seed++, true).loss, vars);
  value.dataSync();
  tf.dispose([value, ...Object.values(grads)]);
}, steps);
const tfAdam = tf.train.adam(1e-3);
const stepTf = median(() => {
  const { value, grads } = tf.variableGrads(() => model.loss(x, seed++, true).loss, vars);
  tfAdam.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name]! })));
  value.dataSync();
  tf.dispose([value, ...Object.values(grads)]);
}, steps);
const adam = new Adam({ lr: 1e-3 });
let loss = 0;
const stepFused = median(() => {
  const { value, grads } = tf.variableGrads(() => model.loss(x, seed++, true).loss, vars);
  adam.apply(vars, grads);
  loss = value.dataSync()[0]!;
  tf.dispose([value, ...Object.values(grads)]);
}, steps);
const common = { backend: info.name, detail: info.detail, arch: a.arch, mapping: a.mapping, batch, latent, steps };
// [wall ms, cpu ms] medians
console.log(JSON.stringify({ ...common, fwd_bwd: fwdBwd, step_tf_adam: stepTf, step_fused_adam: stepFused, final_loss: +loss.toFixed(3), tensors: tf.memory().numTensors }));
