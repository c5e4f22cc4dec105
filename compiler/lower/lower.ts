// Checked spec → ModelIR (compiler/ir/types.ts). Everything is read off what the checkers recorded:
// names (resolution), shapes (TypeCheck.models: the data, y, z, the encoder's and decoder's unrolled
// network instances, the mapping's typed expressions and bias instances), literal slot arguments.
// The lowering never throws: what it cannot lower is one IV9001 diagnostic at the construct.
import { createHash } from "node:crypto";
import type { Expr, ModelDecl, Span } from "../../grammar/ast";
import { usesOf } from "../names/symbols";
import type { CheckResult } from "../check";
import { diagnostic, hasErrors, type Diagnostic } from "../diagnostics/diagnostic";
import { validateIR } from "../ir/schema";
import { IR_VERSION, type GraphIR, type ModelIR, type NetworkIR } from "../ir/types";
import type { ModelShapes } from "../types/model";
import { constValue } from "../rules/const-eval";
import { lookupBuiltin } from "../builtins";
import { priorByKind, priorByName } from "../builtins/priors";
import { LowerError, Lowering } from "./context";
import { GraphBuilder } from "./graph";
import { lowerExpr, tensor, type Scope } from "./expr";
import { appendHead, lowerNetwork, mlpNetwork } from "./networks";
import { amortisedUnits, qFlowSpec } from "./q-flow";
import { item, slot, lowerData, lowerLikelihood, lowerMetrics, lowerObjective, lowerPrior, lowerTrain } from "./slots";

export interface LowerResult {
  ir?: ModelIR;
  /** the lowering's own diagnostics (the check's are not repeated) */
  diagnostics: Diagnostic[];
}

/** Lowers the spec's only model, or the one named. Nothing to lower while the check has errors. */
export function lower(check: CheckResult, model?: string): LowerResult {
  if (hasErrors(check.diagnostics) || !check.names || !check.types) return { diagnostics: [] };
  const picked = pickModel(check, model);
  if ("diagnostic" in picked) return { diagnostics: [picked.diagnostic] };
  const decl = picked.decl;
  try {
    const ir = lowerModel(new Lowering(check, check.names, check.types), decl);
    // the compiler's own output must be what the runtime will accept
    const bad = validateIR(ir).issues;
    if (bad) throw new Error(`the IR it produced does not match its schema: ${bad.map((i) => `${i.path} ${i.message}`).join("; ")}`);
    return { ir, diagnostics: [] };
  } catch (e) {
    const span = e instanceof LowerError && e.span ? e.span : decl.span;
    const detail = e instanceof Error ? e.message : String(e);
    if (e instanceof LowerError && e.code) return { diagnostics: [diagnostic(e.code, span, detail)] };
    return {
      diagnostics: [
        diagnostic("IV9001", span, `internal error while lowering '${decl.name.name}' to the IR: ${detail}`, {
          hint: "the spec checks clean, so this is a limitation or a bug of intel-vae; please report it with the spec",
        }),
      ],
    };
  }
}

function pickModel(check: CheckResult, name: string | undefined): { decl: ModelDecl } | { diagnostic: Diagnostic } {
  const own = check.program.items.filter((i): i is ModelDecl => i.kind === "ModelDecl");
  if (name !== undefined) {
    const all = [...own, ...check.modules.flatMap((m) => m.program.items.filter((i): i is ModelDecl => i.kind === "ModelDecl"))];
    const found = all.find((m) => m.name.name === name);
    if (found) return { decl: found };
    const known = own.map((m) => `'${m.name.name}'`).join(", ");
    return { diagnostic: diagnostic("IV2001", check.program.span, `there is no model named '${name}' in ${check.program.file}${known ? ` (it has ${known})` : ""}`) };
  }
  if (own.length === 1) return { decl: own[0]! };
  const message =
    own.length === 0
      ? `${check.program.file} declares no model, so there is nothing to train`
      : `${check.program.file} declares ${own.length} models (${own.map((m) => `'${m.name.name}'`).join(", ")}): name the one to compile`;
  return { diagnostic: diagnostic("IV2012", own[1]?.name.span ?? check.program.span, message) };
}

function lowerModel(lw: Lowering, decl: ModelDecl): ModelIR {
  const shapes = lw.types.models.get(decl);
  if (!shapes) throw new LowerError("the model was not type-checked", decl.span);
  const data = item(decl, "DataItem");
  const inter = item(decl, "IntermediaryItem");
  const enc = item(decl, "EncoderItem");
  const dec = item(decl, "DecoderItem");
  if (!data || !inter || !enc || !dec) throw new LowerError("the model lacks data, encoder, intermediary or decoder", decl.span);

  const dataShape = lw.shape(shapes.data, data.span);
  const latent = lw.shape(shapes.latent, inter.type.span);
  const dim = latent.reduce((a, b) => a * b, 1); // a OneHot[G, K] latent is G·K values per row
  // The encoder network gives features; the model's head gives (μ, log σ²), and the prior's extra
  // heads (spike-and-slab's spike logits) too. Parameters are created in the order encoder, mapping, decoder,
  // likelihood, prior.
  const priorSlot = slot(lw, inter.prior);
  const priorD = priorByName(priorSlot.builtin.name);
  // an amortised encoder flow's parameters per datapoint come after them, from the same features
  const units = (priorD?.encoderUnits?.(priorSlot.args, latent) ?? (priorD?.heads ?? 2) * dim) + amortisedUnits(qFlowSpec(lw, decl), dim);
  const encoder = appendHead(lw, network(lw, shapes, "encoder", enc.network), units, enc.span);
  const mapping = lowerMapping(lw, decl, shapes, inter.name.name, latent, inter.span);
  const decoder = network(lw, shapes, "decoder", dec.network);
  const likelihood = lowerLikelihood(lw, dec.likelihood, dataShape);
  const priorIR = lowerPrior(lw, inter.prior, latent, dataShape, shapes.priorNetworks);
  const dataIR = lowerData(lw, data, dataShape);
  const root = lw.check.modules[0];
  const evaluate = lowerMetrics(lw, decl);
  return {
    irVersion: IR_VERSION,
    name: decl.name.name,
    source: { file: lw.file(lw.check.program.file), sha256: createHash("sha256").update(root?.text ?? "").digest("hex") },
    kind: priorIR.kind === "normal" ? "intel-vae" : "baseline",
    sparse: (priorByKind(priorIR.kind)?.sparse ?? false) || sparsityPenalty(mapping) || evaluate.some((m) => lookupBuiltin("metric", m.name)?.sparsity === true),
    data: dataIR,
    encoder,
    latent: { name: inter.name.name, dim, prior: priorIR, at: lw.at(inter.span) },
    mapping,
    decoder,
    likelihood,
    objective: lowerObjective(lw, decl, dim),
    train: lowerTrain(lw, decl, dataIR),
    evaluate,
    params: lw.params,
    state: lw.state,
  };
}

/** The encoder's or decoder's network: a user network's checked instance, or the built-in mlp. */
function network(lw: Lowering, shapes: ModelShapes, role: "encoder" | "decoder", e: Expr): NetworkIR {
  const inst = shapes[role];
  if (inst) return lowerNetwork(lw, inst, role);
  const sym = e.kind === "Call" ? lw.names.resolution.get(e) : undefined;
  if (e.kind !== "Call" || sym?.kind !== "builtin" || sym.builtin.name !== "mlp") throw new LowerError(`the ${role} network was not instantiated by the type checker`, e.span);
  const arg = (name: string, i: number) => (e.args.find((a) => a.name?.name === name) ?? e.args.filter((a) => !a.name)[i])?.value;
  const int = (name: string, i: number): number => {
    const a = arg(name, i);
    const v = a ? constValue(a) : undefined;
    if (typeof v !== "number") throw new LowerError(`mlp's ${name} must be a literal number here`, a?.span ?? e.span);
    return v;
  };
  const hiddenExpr = arg("hidden", 1);
  const hidden = hiddenExpr ? constValue(hiddenExpr) : undefined;
  if (!Array.isArray(hidden) || !hidden.every((h) => typeof h === "number")) throw new LowerError("mlp's hidden sizes must be a literal list here", hiddenExpr?.span ?? e.span);
  const str = (name: string, i: number, dflt: string | null): string | null => {
    const a = arg(name, i);
    const v = a ? constValue(a) : dflt;
    return typeof v === "string" ? v : null;
  };
  return mlpNetwork(lw, role, { inputs: int("inputs", 0), hidden: hidden as number[], outputs: int("outputs", 2), activation: str("activation", 3, "relu"), outActivation: str("out_activation", 4, null) }, e.span);
}

/** y → z: the mapping's expression with every bias inlined; no mapping is the identity. */
function lowerMapping(lw: Lowering, decl: ModelDecl, shapes: ModelShapes, yName: string, latent: number[], ySpan: Span) {
  const g = new GraphBuilder(lw, yName, latent, ySpan);
  const m = item(decl, "MappingItem");
  if (!m) return g.finish(0);
  const inter = item(decl, "IntermediaryItem")!;
  const s: Scope = { env: shapes.mapping, locals: new Map([[inter.name, { kind: "node", id: 0 }]]), path: "mapping" };
  // a mapping conditioned on the data x (IV5090) reads it through one `data` node, right after y's
  const data = item(decl, "DataItem")!;
  if (usesOf(lw.names.resolution, data.name, m.value).length) s.locals.set(data.name, { kind: "node", id: g.add("data", [], lw.shape(shapes.data, data.span), data.span, undefined) });
  const mx = { lw, g };
  const out = tensor(mx, lowerExpr(mx, m.value, s), m.value, s);
  const want = lw.shape(shapes.representation, m.value.span);
  if (JSON.stringify(g.shapeOf(out)) !== JSON.stringify(want)) throw new LowerError(`the mapping gives [${g.shapeOf(out)}], the checker says [${want}]`, m.value.span);
  return g.finish(out);
}

/** Does a penalty use a function that encourages sparsity (entropy_spread)? */
function sparsityPenalty(g: GraphIR): boolean {
  const seen = new Set<number>();
  const stack = g.penalties.map((p) => p.node);
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (seen.has(i)) continue;
    seen.add(i);
    const n = g.nodes[i]!;
    const name = n.op === "builtin" ? String(n.attrs?.fn) : n.op;
    if (lookupBuiltin("function", name)?.sparsity) return true;
    stack.push(...n.inputs);
  }
  return false;
}
