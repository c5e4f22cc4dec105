// `intel compile`: ModelIR → one readable TypeScript module (tfjs) that builds and trains the model
// without the interpreter. The model's math (initialisers, layers, mapping ops, likelihood, ELBO) is
// written out; seeds, the fast dense/conv ops and the run directory come from runtime/support.
// Every number matches runtime/model/build.ts (same ops in the same order, same seeds).
// This file is the entry: it orders the parts; program.ts, network.ts, mapping.ts, objective.ts and
// helpers.ts write them, and the lines are indented and formatted here with ts-morph.
import { Project, type CodeBlockWriter } from "ts-morph";
import type { ModelIR, NetworkIR } from "../ir/types";
import { at, Lines, type Emitter } from "./common";
import { HELPERS } from "./helpers";
import { MappingEmitter } from "./mapping";
import { Names } from "./names";
import { emitNetwork } from "./network";
import { emitObjective } from "./objective";
import { emitModelAndMain, emitPreamble, emitVariables } from "./program";

export { EmitError } from "./common";

export interface EmitOptions {
  /** module specifier of runtime/support as the emitted file imports it */
  supportImport?: string;
  /** the emitted file's name (ts-morph's in-memory path) */
  fileName?: string;
}

/** Why the runtime would refuse this IR (the emitted program refuses it the same way), or null. */
function unsupported(ir: ModelIR): string | null {
  if (ir.latent.prior.kind !== "normal") return `intel compile does not emit baseline priors yet (the '${ir.latent.prior.kind}' prior); \`intel train\` runs them`;
  const o = ir.objective;
  if (o.qFlow) return `intel compile does not write out encoder flows yet (q_flow: "${o.qFlow.kind}"); \`intel train\` runs them`;
  if (o.kind !== "elbo") return `intel compile does not write out the '${o.kind}' objective yet (only the ELBO)`;
  // the emitted loss is the one-sample ELBO with the analytic KL
  if ((o.samples ?? 1) !== 1) return `intel compile does not write out the ELBO with samples: ${o.samples} yet (only 1); \`intel train\` runs it`;
  if (o.kl === "mc") return `intel compile does not write out the ELBO's Monte Carlo KL (kl: "mc") yet; \`intel train\` runs it`;
  // layers the IR gained in 0.2 (the network writer skips kinds it does not know)
  for (const l of [...ir.encoder.layers, ...ir.decoder.layers]) {
    if (l.kind === "max_pool2d" || l.kind === "upsample2d" || l.kind === "layer_norm" || l.kind === "softmax") return `intel compile does not write out the ${l.kind} layer yet; \`intel train\` runs it`;
    if ((l.kind === "dense" || l.kind === "conv2d" || l.kind === "conv2d_transpose") && l.bias === undefined) return `intel compile does not write out layers without a bias (use_bias: false) yet; \`intel train\` runs them`;
  }
  return null;
}

/** The emitted module's text (formatted). */
export function emitModel(ir: ModelIR, opts: EmitOptions = {}): string {
  const support = opts.supportImport ?? "intel-vae/runtime/support";
  const L = new Lines();
  const e: Emitter = { lines: L, helpers: new Set(), names: new Names() };
  const refusal = unsupported(ir);

  // networks first (their function names are needed by the mapping)
  const netNames = new Names(["encoderNet", "decoderNet", "mapping", "encode", "decode", "loss", "createModel", "main"]);
  const netL = new Lines();
  const netE: Emitter = { ...e, lines: netL };
  emitNetwork(netE, "encoderNet", ir.encoder, true, ir.data.shape, `encoder ${ir.encoder.name} (${at(ir.encoder.layers[0]?.at)})`);
  const netFns = new Map<number, string>();
  ir.mapping.nodes.forEach((n, i) => {
    if (n.op !== "apply") return;
    const net = n.attrs?.network as NetworkIR;
    const fn = netNames.fresh(`${net.name}Net`);
    netFns.set(i, fn);
    const inShape = ir.mapping.nodes[n.inputs[0]!]!.shape;
    emitNetwork(netE, fn, net, false, inShape, `network ${net.name}, applied at ${at(n.at)}${n.bias ? ` in bias ${n.bias}` : ""}`);
  });
  const outShape = ir.mapping.nodes[ir.mapping.output]?.shape ?? null;
  emitNetwork(netE, "decoderNet", ir.decoder, false, outShape, `decoder ${ir.decoder.name} (${at(ir.decoder.layers[0]?.at)})`);

  const mapL = new Lines();
  const mapE: Emitter = { ...e, lines: mapL };
  new MappingEmitter(mapE, ir, ir.mapping, netFns).emit();

  emitPreamble(L, e, ir, support);
  emitVariables(L, ir);

  // ----- helpers, networks, mapping
  const helperOrder = Object.keys(HELPERS).filter((h) => e.helpers.has(h) && h !== "bernoulliLogLik");
  for (const h of helperOrder) {
    L.line(HELPERS[h]!);
    L.line();
  }
  L.out.push(...netL.out, ...mapL.out);

  emitObjective(L, ir);
  emitModelAndMain(L, ir, refusal);

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
    if (line.includes("\n")) {
      // a helper written out verbatim (already indented, top level)
      w.write(line).newLine();
      continue;
    }
    const t = line.trim();
    if (/^[}\])]/.test(t)) level = Math.max(0, level - 1);
    if (t === "") w.blankLine();
    else w.write(" ".repeat(2 * level) + t).newLine();
    if (/[{[(]$/.test(t)) level++;
  }
}
