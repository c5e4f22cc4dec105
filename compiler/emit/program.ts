// Emits the program skeleton around the model: the header (what the model is, read off the IR)
// and imports, the parameter list (createVariables), createModel, main, and the IR and spec the
// program records in its run directory.
import { describeModel } from "../describe";
import type { InitIR, ModelIR } from "../ir/types";
import { arr, at, num, str, type Lines } from "./common";

/** An initialiser as a literal for the runtime's initialValue (plain JSON, keys unquoted). */
function initLiteral(init: InitIR): string {
  const fields = Object.entries(init).map(([k, v]) => `${k}: ${typeof v === "number" ? num(v) : JSON.stringify(v)}`);
  return `{ ${fields.join(", ")} }`;
}

/** The header and the imports (`names`: the runtime/support names the emitted code uses). */
export function emitPreamble(L: Lines, ir: ModelIR, support: string, names: ReadonlySet<string>): void {
  L.line(`// Model ${ir.name}, compiled by \`intel compile\` from ${ir.source.file} (IR ${ir.irVersion}, spec sha256 ${ir.source.sha256.slice(0, 12)}).`);
  for (const d of describeModel(ir)) L.line(`//   ${d.trim()}`);
  L.line("// The model's structure is written out below: its networks layer by layer, its mapping op by op,");
  L.line("// its parameters. The math (layers, built-ins, prior, likelihood, objective, Adam) is the runtime's,");
  L.line("// imported from intel-vae/support, so this program computes what `intel train` computes.");
  L.line("//   npx tsx THIS_FILE [--epochs N] [--seed N] [--backend B] [--out DIR]   train into a new run");
  L.line("//   npx tsx THIS_FILE --resume DIR · sample DIR [-n N] [-o F] · encode DIR [--data ROLE] [-o F]");
  L.line("// Generated code: recompile the spec rather than editing it.");
  L.line(`import * as tf from "@tensorflow/tfjs";`);
  const imports = [...names, "assembleModel", "deriveSeed", "initialValue", "modelTag", "newVariable", "runProgram", "STREAM", "sample as sampleRun", "encode as encodeRun"];
  const types = ["CompiledModel", "MapResult", "ModelIR", "NetContext", "Program"];
  const list = [...new Set(imports)].sort((a, b) => a.localeCompare(b)).concat(types.map((t) => `type ${t}`));
  L.line(`import {`);
  for (const n of list) L.line(`${n},`);
  L.line(`} from ${str(support)};`);
  L.line();
  L.line("type Vars = Map<string, tf.Variable>;");
  L.line();
  L.line("function param(vars: Vars, id: string): tf.Variable {");
  L.line("const v = vars.get(id);");
  L.line("if (!v) throw new Error(`no tensor '${id}'`);");
  L.line("return v;");
  L.line("}");
  L.line();
}

/** createVariables: every learnable tensor and the batch-norm state, in the IR's order. */
export function emitVariables(L: Lines, ir: ModelIR): void {
  L.line("/**");
  L.line(" * Every learnable tensor (and the batch-norm state) in the IR's order: tensor i is initialised");
  L.line(" * with seed deriveSeed(seed, STREAM.param, i), as the interpreter does (runtime/model/params.ts).");
  L.line(" */");
  L.line("export function createVariables(seed: number): { params: Vars; state: Vars } {");
  L.line("const tag = modelTag();");
  L.line("const params: Vars = new Map();");
  L.line("const state: Vars = new Map();");
  const all = [...ir.params.map((p) => ({ p, kind: "params" })), ...ir.state.map((p) => ({ p, kind: "state" }))];
  all.forEach(({ p, kind }, i) => {
    L.line(`// ${at(p.at)}`);
    L.line(`${kind}.set(${str(p.id)}, newVariable(\`\${tag}/${p.id.replace(/[`$\\]/g, "\\$&")}\`, ${kind === "params"}, () => initialValue(${arr(p.shape)}, ${initLiteral(p.init)}, deriveSeed(seed, STREAM.param, ${i}))));`);
  });
  L.line("return { params, state };");
  L.line("}");
  L.line();
}

/** createModel, the entry points, and the recorded IR and spec. */
export function emitModelAndMain(L: Lines, ir: ModelIR, specText: string | null): void {
  L.line("/**");
  L.line(" * The model with its variables initialised from `seed` (the run's deriveSeed(seed, \"init\", 0)): the");
  L.line(" * runtime builds the prior, encoder flow, likelihood and objective of IR around these stages.");
  L.line(" */");
  L.line("export function createModel(seed: number): CompiledModel {");
  L.line("const { params, state } = createVariables(seed);");
  L.line("return assembleModel(IR, seed, { params, state, encoder: encoderNet, mapping, decoder: decoderNet, dispose: () => {} });");
  L.line("}");
  L.line();
  L.line("/** This program as intel-vae/support runs it. */");
  L.line("export const PROGRAM: Program = { get ir() { return IR; }, get specText() { return SPEC_TEXT; }, createModel };");
  L.line();
  L.line("/** Trains (or with --resume continues) a run; `sample DIR` and `encode DIR` use one. Returns the exit code. */");
  L.line("export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {");
  L.line("return runProgram(PROGRAM, argv);");
  L.line("}");
  L.line();
  L.line("/** n samples y ~ p(y) → z = g(y) → decoder mean from a run of this program (PNG for images, else CSV). */");
  L.line("export const sample = (dir: string, o: { n?: number; out?: string; seed?: number } = {}) => sampleRun(PROGRAM, dir, o);");
  L.line("/** The representations g(μ(x)) of a run's data (CSV). */");
  L.line('export const encode = (dir: string, o: { role?: "train" | "validation" | "test"; out?: string } = {}) => encodeRun(PROGRAM, dir, o);');
  L.line();
  L.line("/** The IR this program was compiled from: the run's ir.json, which `intel eval|sample|encode|report` read. */");
  L.line(`const IR: ModelIR = JSON.parse(${str(JSON.stringify(ir))}) as ModelIR;`);
  L.line("/** The spec as compiled: the run's spec.intel. */");
  L.line(`const SPEC_TEXT: string | null = ${specText === null ? "null" : str(specText)};`);
  L.line();
  L.line("if (import.meta.url === `file://${process.argv[1]}`) {");
  L.line("main().then((code) => {");
  L.line("process.exitCode = code;");
  L.line("});");
  L.line("}");
}
