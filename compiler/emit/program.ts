// Emits the program skeleton around the model: the header and imports, the MODEL info literal,
// the shared types and small functions, the parameter initialisers and createVariables, and at the
// end createModel and main.
import type { InitIR, ModelIR, NetworkIR } from "../ir/types";
import { arr, at, num, str, type Emitter, type Lines } from "./common";

// ---------- parameters ----------

function initExpr(shape: number[], init: InitIR, seedExpr: string): string {
  const s = arr(shape);
  switch (init.kind) {
    case "glorot_uniform":
      return `glorotUniform(${s}, ${init.fanIn}, ${init.fanOut}, ${seedExpr})`;
    case "he_normal":
      return `heNormal(${s}, ${init.fanIn}, ${seedExpr})`;
    case "zeros":
      return `tf.zeros(${s})`;
    case "ones":
      return `tf.ones(${s})`;
    case "constant":
      return `tf.fill(${s}, ${num(init.value)})`;
    case "normal":
      return `tf.randomNormal(${s}, ${num(init.mean)}, ${num(init.std)}, "float32", ${seedExpr})`;
    case "uniform":
      return `tf.randomUniform(${s}, ${num(init.low)}, ${num(init.high)}, "float32", ${seedExpr})`;
  }
}

/** A JS object literal of plain JSON data: unquoted keys where they are identifiers, one line per field. */
function literal(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(literal).join(", ")}]`;
  if (v && typeof v === "object") {
    const es = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return es.length ? `{ ${es.map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${literal(x)}`).join(", ")} }` : "{}";
  }
  return typeof v === "number" ? num(v) : JSON.stringify(v);
}

function infoLiteral(ir: ModelIR): string {
  const info: Record<string, unknown> = {
    irVersion: ir.irVersion,
    name: ir.name,
    source: ir.source,
    kind: ir.kind,
    data: ir.data,
    latent: ir.latent,
    likelihood: ir.likelihood,
    objective: ir.objective,
    train: ir.train,
    evaluate: ir.evaluate,
    penalties: ir.mapping.penalties,
  };
  return `{\n${Object.entries(info).map(([k, v]) => `${k}: ${literal(v)},`).join("\n")}\n}`;
}

/** The header, imports, MODEL and the shared types and functions every emitted module has. */
export function emitPreamble(L: Lines, e: Emitter, ir: ModelIR, support: string): void {
  L.line(`// Model ${ir.name}, compiled by \`intel compile\` from ${ir.source.file} (IR ${ir.irVersion}, spec sha256 ${ir.source.sha256.slice(0, 12)}).`);
  L.line("// Plain tfjs: the model's math written out; seeds, fast dense/conv ops and the run directory come from");
  L.line("// intel-vae's runtime/support. Train it with `npx tsx THIS_FILE --epochs 1 [--backend cpu] [--seed N] [--out DIR]`.");
  L.line("// Generated code: recompile the spec rather than editing it.");
  L.line(`import * as tf from "@tensorflow/tfjs";`);
  const imports = ["deriveSeed", "runProgram", "STREAM", "type LossOptions", "type LossTerms", "type ModelInfo", "type ProgramModel"];
  const allLayers = [...ir.encoder.layers, ...ir.decoder.layers, ...ir.mapping.nodes.flatMap((n) => (n.op === "apply" ? (n.attrs?.network as NetworkIR).layers : []))];
  const needsDense = allLayers.some((l) => l.kind === "dense") || e.helpers.has("hierarchy");
  if (needsDense) imports.push("dense");
  if (allLayers.some((l) => l.kind === "conv2d")) imports.push("conv2d");
  if (allLayers.some((l) => l.kind === "conv2d_transpose")) imports.push("conv2dTranspose");
  if (e.helpers.has("batchNorm")) imports.push("batchNormTrain");
  imports.sort((a, b) => a.replace("type ", "").localeCompare(b.replace("type ", "")));
  L.line(`import { ${imports.join(", ")} } from ${str(support)};`);
  L.line();
  L.line("/** What the run directory records about the model (the IR without its networks). */");
  for (const line of `export const MODEL: ModelInfo = ${infoLiteral(ir)};`.split("\n")) L.line(line);
  L.line();
  L.line("type Vars = Map<string, tf.Variable>;");
  L.line("/** what a network needs: weights, batch-norm state, training mode, its dropout seed */");
  L.line("interface NetContext {");
  L.line("params: Vars;");
  L.line("state: Vars;");
  L.line("training: boolean;");
  L.line("seed: number;");
  L.line("}");
  L.line("type MapContext = NetContext;");
  L.line();
  L.line("function param(vars: Vars, id: string): tf.Variable {");
  L.line("const v = vars.get(id);");
  L.line("if (!v) throw new Error(`no tensor '${id}'`);");
  L.line("return v;");
  L.line("}");
  L.line();
  L.line("function rowSum(t: tf.Tensor): tf.Tensor1D {");
  L.line("return tf.sum(tf.reshape(t, [t.shape[0]!, -1]), 1) as tf.Tensor1D;");
  L.line("}");
  L.line();
}

/** The initialisers the parameters use, and createVariables. */
export function emitVariables(L: Lines, ir: ModelIR): void {
  const inits = new Set([...ir.params, ...ir.state].map((p) => p.init.kind));
  if (inits.has("glorot_uniform")) {
    L.line("function glorotUniform(shape: number[], fanIn: number, fanOut: number, seed: number): tf.Tensor {");
    L.line("const lim = Math.sqrt(6 / (fanIn + fanOut));");
    L.line('return tf.randomUniform(shape, -lim, lim, "float32", seed);');
    L.line("}");
    L.line();
  }
  if (inits.has("he_normal")) {
    L.line("/** Keras' he_normal: a normal truncated at 2σ, σ rescaled so the variance is 2 / fanIn */");
    L.line("function heNormal(shape: number[], fanIn: number, seed: number): tf.Tensor {");
    L.line('return tf.truncatedNormal(shape, 0, Math.sqrt(2 / fanIn) / 0.8796256610342398, "float32", seed);');
    L.line("}");
    L.line();
  }
  L.line("let modelCount = 0;");
  L.line();
  L.line("/**");
  L.line(" * Every learnable tensor (and the batch-norm state) in the IR's order: tensor i is initialised");
  L.line(" * with seed deriveSeed(seed, STREAM.param, i), as runtime/model/params.ts does.");
  L.line(" */");
  L.line("export function createVariables(seed: number): { params: Vars; state: Vars } {");
  L.line("const tag = `compiled${++modelCount}`;");
  L.line("const variable = (id: string, trainable: boolean, init: () => tf.Tensor): tf.Variable => {");
  L.line("const v = tf.tidy(init);");
  L.line("const out = tf.variable(v, trainable, `${tag}/${id}`);");
  L.line("v.dispose();");
  L.line("return out;");
  L.line("};");
  L.line("const params: Vars = new Map();");
  L.line("const state: Vars = new Map();");
  const all = [...ir.params.map((p) => ({ p, kind: "params" })), ...ir.state.map((p) => ({ p, kind: "state" }))];
  all.forEach(({ p, kind }, i) => {
    const seed = `deriveSeed(seed, STREAM.param, ${i})`;
    L.line(`${kind}.set(${str(p.id)}, variable(${str(p.id)}, ${kind === "params"}, () => ${initExpr(p.shape, p.init, seed)})); // ${at(p.at)}`);
  });
  L.line("return { params, state };");
  L.line("}");
  L.line();
}

/** createModel (or its refusal) and main. */
export function emitModelAndMain(L: Lines, ir: ModelIR, refusal: string | null): void {
  const d = ir.latent.dim;
  L.line("/** The model with its variables initialised from `seed` (the run's deriveSeed(seed, \"init\", 0)). */");
  L.line("export function createModel(seed: number): ProgramModel {");
  if (refusal) L.line(`throw new Error(${str(refusal)});`);
  else {
    L.line("const { params, state } = createVariables(seed);");
    L.line("const ctx = (training: boolean, s: number): NetContext => ({ params, state, training, seed: s });");
    L.line("return {");
    L.line("variables: params,");
    L.line("state,");
    L.line(`latentDim: ${d},`);
    L.line("loss: (x, s, training, opts) => loss(tf.cast(x, \"float32\"), s, training, params, state, opts),");
    L.line("encode: (x, training, s) => encode(x, ctx(training, s)),");
    L.line("map: (y, training, s) => mapping(y, ctx(training, s)),");
    L.line("decode: (z, training, s) => decoderNet(z, ctx(training, s)),");
    L.line("logLikelihood: (x, out) => logLikelihood(x, out, params),");
    L.line("dispose: () => {");
    L.line("for (const v of params.values()) v.dispose();");
    L.line("for (const v of state.values()) v.dispose();");
    L.line("},");
    L.line("};");
  }
  L.line("}");
  L.line();
  L.line("/** Trains the model with the spec's settings into runs/NAME-TIMESTAMP/ (flags as `intel train`). */");
  L.line("export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {");
  L.line("return runProgram(MODEL, createModel, argv);");
  L.line("}");
  L.line();
  L.line("if (import.meta.url === `file://${process.argv[1]}`) {");
  L.line("main().then((code) => {");
  L.line("process.exitCode = code;");
  L.line("});");
  L.line("}");
}
