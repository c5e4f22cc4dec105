// `intel compile`: ModelIR → one readable TypeScript module (tfjs) that builds and trains the model
// without the interpreter. The model's own structure is written out (networks layer by layer, the
// mapping op by op, the parameter list); every piece of math is imported from runtime/support, the
// same functions the interpreter calls, so both give the same numbers (test/emit/parity.test.ts).
// This file is the entry: it orders the parts; program.ts, network.ts and mapping.ts write them, and
// the lines are indented here and written with ts-morph.
import { Project, type CodeBlockWriter } from "ts-morph";
import type { ModelIR, NetworkIR } from "../ir/types";
import { at, EmitError, Lines, type Emitter } from "./common";
import { MappingEmitter } from "./mapping";
import { Names } from "./names";
import { emitNetwork } from "./network";
import { emitModelAndMain, emitPreamble, emitVariables } from "./program";

export { EmitError } from "./common";

/**
 * The module every emitted program imports its math from: the package's `./support` export
 * (package.json "exports"), so a program runs wherever intel-vae is installed; inside this checkout
 * it resolves through Node's package self-reference (and vitest's alias, vitest.config.ts).
 */
export const SUPPORT_MODULE = "intel-vae/support";

export interface EmitOptions {
  /** the emitted file's name (ts-morph's in-memory path) */
  fileName?: string;
  /** the spec's text, recorded as the run's spec.intel (null or absent: none) */
  specText?: string | null;
}

/** The emitted module's text (formatted); throws EmitError (with the spec place) for what it cannot write. */
export function emitModel(ir: ModelIR, opts: EmitOptions = {}): string {
  const e: Emitter = { lines: new Lines(), imports: new Set(), names: new Names() };

  // networks first (their function names are needed by the mapping)
  const netNames = new Names(["encoderNet", "decoderNet", "mapping", "createVariables", "createModel", "main", "sample", "encode", "param", "IR", "PROGRAM", "SPEC_TEXT"]);
  const netE: Emitter = { ...e, lines: new Lines() };
  emitNetwork(netE, "encoderNet", ir.encoder, ir.data.shape, `encoder ${ir.encoder.name} (${at(ir.encoder.layers[0]?.at)})`);
  const netFns = new Map<number, string>();
  ir.mapping.nodes.forEach((n, i) => {
    if (n.op !== "apply") return;
    const net = n.attrs?.network as NetworkIR | undefined;
    if (!net || !Array.isArray(net.layers)) throw new EmitError(`mapping node ${i} 'apply' has no network`, n.at);
    const fn = netNames.fresh(`${net.name}Net`);
    netFns.set(i, fn);
    const inShape = ir.mapping.nodes[n.inputs[0]!]!.shape;
    emitNetwork(netE, fn, net, inShape, `network ${net.name}, applied at ${at(n.at)}${n.bias ? ` in bias ${n.bias}` : ""}`);
  });
  const outShape = ir.mapping.nodes[ir.mapping.output]?.shape ?? null;
  emitNetwork(netE, "decoderNet", ir.decoder, outShape, `decoder ${ir.decoder.name} (${at(ir.decoder.layers[0]?.at)})`);

  const mapE: Emitter = { ...e, lines: new Lines() };
  new MappingEmitter(mapE, ir, ir.mapping, netFns).emit();

  const L = e.lines;
  emitPreamble(L, ir, SUPPORT_MODULE, e.imports);
  emitVariables(L, ir);
  L.out.push(...netE.lines.out, ...mapE.lines.out);
  emitModelAndMain(L, ir, opts.specText ?? null);

  // One ts-morph source file built from one writer call (a single parse, no per-statement
  // re-parsing); the lines are indented here by their brackets, which is cheaper than formatText.
  const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true });
  const sf = project.createSourceFile(opts.fileName ?? "model.ts", (w: CodeBlockWriter) => {
    writeIndented(w, L.out);
  });
  return sf.getFullText();
}

/** Lines are written flat; blocks are indented two spaces per open bracket that ends a line. */
function writeIndented(w: CodeBlockWriter, lines: readonly string[]): void {
  let level = 0;
  for (const line of lines) {
    const t = line.trim();
    if (/^[}\])]/.test(t)) level = Math.max(0, level - 1);
    if (t === "") w.blankLine();
    else w.write(" ".repeat(2 * level) + (t.startsWith("*") ? " " : "") + t).newLine();
    if (/[{[(]$/.test(t)) level++;
  }
}
