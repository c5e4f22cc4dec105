// Where an override path lands in a model's AST: `objective.beta` is the objective call's `beta`
// argument, `train.batch` the train block's entry, `latent.dim` the intermediary's size. The result
// is a text edit of the spec (replace a value, or insert a named argument or entry), so that the
// edited spec goes through every check of the compiler like one written by hand.
import { modelItem, type Call, type Expr, type ModelDecl, type ModelItem, type Span } from "../../grammar/ast";
import type { Module } from "../names/modules";
import { lookupBuiltin, TRAIN_SETTINGS, type BuiltinContext } from "../builtins";

/** Replace `text[start, end)` with `insert`. */
export interface Edit {
  start: number;
  end: number;
  insert: string;
}

/** A block whose value is a call: which item holds it, and how its arguments line up with params. */
interface CallBlock {
  block: string;
  doc: string;
  /** the call expression in the model, if the model has this block */
  find(model: ModelDecl): Expr | undefined;
  context: BuiltinContext;
  /** a user network's first parameter is its input, passed implicitly (encoder/decoder) */
  implicitInput: boolean;
}

const item = modelItem;
const trainEntry = (m: ModelDecl, key: string) => item(m, "TrainItem")?.entries.find((e) => e.key.name === key);

export const CALL_BLOCKS: readonly CallBlock[] = [
  { block: "data", doc: "the data source's arguments: data x ~ ring(n: …)", find: (m) => item(m, "DataItem")?.source, context: "data", implicitInput: false },
  { block: "encoder", doc: "the encoder network's arguments", find: (m) => item(m, "EncoderItem")?.network, context: "network", implicitInput: true },
  { block: "prior", doc: "the intermediary's prior: ~ MixtureOfGaussians(k: …)", find: (m) => item(m, "IntermediaryItem")?.prior, context: "prior", implicitInput: false },
  { block: "mapping", doc: "the mapping's arguments: mapping z = sparse(y, gamma: …)", find: (m) => item(m, "MappingItem")?.value, context: "function", implicitInput: false },
  { block: "decoder", doc: "the decoder network's arguments", find: (m) => item(m, "DecoderItem")?.network, context: "network", implicitInput: true },
  { block: "likelihood", doc: "the decoder's likelihood: Gaussian(sigma: …)", find: (m) => item(m, "DecoderItem")?.likelihood, context: "likelihood", implicitInput: false },
  { block: "objective", doc: "the objective's arguments: elbo(beta: …)", find: (m) => item(m, "ObjectiveItem")?.value, context: "objective", implicitInput: false },
  { block: "optimizer", doc: "the train block's optimizer: adam(lr: …)", find: (m) => trainEntry(m, "optimizer")?.value, context: "optimizer", implicitInput: false },
];

/** The documented non-call paths, besides `train.SETTING` and the call blocks' arguments. */
export const SIZE_PATHS = ["latent.dim", "intermediary.dim"] as const;

const calleeOf = (e: Expr | undefined): { name: string; call: Call | null; span: Span } | undefined =>
  e?.kind === "Call" ? { name: e.callee.name, call: e, span: e.span } : e?.kind === "Name" ? { name: e.name, call: null, span: e.span } : undefined;

/** Parameter names of a callee as its arguments see them, or null when the callee is not known. */
function paramsOf(block: CallBlock, name: string, modules: readonly Module[]): string[] | null {
  for (const mod of modules) {
    for (const d of mod.program.items) {
      if ((d.kind === "BiasDecl" || d.kind === "NetworkDecl") && d.name.name === name) {
        const names = d.params.map((p) => p.name.name);
        return d.kind === "NetworkDecl" && block.implicitInput ? names.slice(1) : names;
      }
    }
  }
  const b = lookupBuiltin(block.context, name);
  return b ? b.params.map((p) => p.name) : null;
}

/** Every path this model accepts, for listing and for "did you mean". */
export function knownPaths(model: ModelDecl, modules: readonly Module[]): string[] {
  const out: string[] = [...SIZE_PATHS, ...TRAIN_SETTINGS.map((s) => `train.${s.name}`)];
  for (const b of CALL_BLOCKS) {
    const fallback = b.block === "optimizer" ? "adam" : b.block === "objective" ? "elbo" : undefined;
    const c = calleeOf(b.find(model)) ?? (fallback ? { name: fallback } : undefined);
    const params = c ? paramsOf(b, c.name, modules) : null;
    for (const p of params ?? []) if (!(b.block === "mapping" && p === params?.[0])) out.push(`${b.block}.${p}`);
  }
  return out;
}

export type Resolved = { edit: Edit } | { error: "unknown" | "not-a-call" | "not-a-size"; message: string };

/** The edit that sets `path` to `value` (source text of one expression) in `model`. */
export function resolveOverride(model: ModelDecl, modules: readonly Module[], text: string, path: string, value: string): Resolved {
  const [block = "", arg = ""] = path.split(".");
  if (path.split(".").length !== 2 || !block || !arg) return { error: "unknown", message: `'${path}' is not a path BLOCK.ARGUMENT` };
  if ((SIZE_PATHS as readonly string[]).includes(path)) {
    const type = item(model, "IntermediaryItem")?.type;
    if (type?.kind !== "TensorType" || type.dims.length !== 1) return { error: "unknown", message: `the model's intermediary has no size to set` };
    if (!/^[1-9]\d*$/.test(value)) return { error: "not-a-size", message: `${path} must be a positive integer, got '${value}'` };
    const d = type.dims[0]!;
    return { edit: { start: d.span.offset, end: d.span.end, insert: value } };
  }
  if (block === "train") {
    if (!TRAIN_SETTINGS.some((s) => s.name === arg)) return { error: "unknown", message: `'${arg}' is not a training setting` };
    const train = item(model, "TrainItem");
    const entry = train?.entries.find((e) => e.key.name === arg);
    if (entry) return { edit: { start: entry.value.span.offset, end: entry.value.span.end, insert: value } };
    if (train) {
      const close = text.lastIndexOf("}", train.span.end - 1);
      const sep = train.entries.length ? ", " : " ";
      const at = train.entries.length ? train.entries[train.entries.length - 1]!.span.end : close;
      return { edit: { start: at, end: at, insert: `${sep}${arg}: ${value}${train.entries.length ? "" : " "}` } };
    }
    const close = text.lastIndexOf("}", model.span.end - 1);
    return { edit: { start: close, end: close, insert: `  train { ${arg}: ${value} }\n` } };
  }
  const b = CALL_BLOCKS.find((c) => c.block === block);
  if (block === "latent" || block === "intermediary") return { error: "unknown", message: `the intermediary has only its size to set: ${block}.dim (its prior's arguments are prior.ARGUMENT)` };
  if (!b) return { error: "unknown", message: `the spec has no block '${block}' to override` };
  const expr = b.find(model);
  if (block === "objective" && expr === undefined) {
    // no objective written: the default elbo() with this argument, as a new model item
    const params = paramsOf(b, "elbo", modules) ?? [];
    if (!params.includes(arg)) return { error: "unknown", message: `elbo (the default objective) has no argument '${arg}'` };
    const close = text.lastIndexOf("}", model.span.end - 1);
    return { edit: { start: close, end: close, insert: `  objective elbo(${arg}: ${value})\n` } };
  }
  if (block === "optimizer" && expr === undefined) {
    // no optimizer written: the default adam() with this argument
    const params = paramsOf(b, "adam", modules) ?? [];
    if (!params.includes(arg)) return { error: "unknown", message: `adam has no argument '${arg}'` };
    return resolveOverride(model, modules, text, "train.optimizer", `adam(${arg}: ${value})`);
  }
  const c = calleeOf(expr);
  if (!c) return { error: "not-a-call", message: expr ? `the model's ${block} is not a call, so '${arg}' cannot be set` : `the model has no ${block}` };
  const params = paramsOf(b, c.name, modules);
  if (params && !params.includes(arg)) return { error: "unknown", message: `${c.name} (the model's ${block}) has no argument '${arg}'` };
  if (!c.call) return { edit: { start: c.span.offset, end: c.span.end, insert: `${c.name}(${arg}: ${value})` } };
  const args = c.call.args;
  const named = args.find((a) => a.name?.name === arg);
  const positional = params ? args.findIndex((a, i) => !a.name && params[i] === arg) : -1;
  const hit = named ?? (positional >= 0 ? args[positional] : undefined);
  if (hit) return { edit: { start: hit.value.span.offset, end: hit.value.span.end, insert: value } };
  const close = c.call.span.end - 1; // the ')'
  return { edit: { start: close, end: close, insert: `${args.length ? ", " : ""}${arg}: ${value}` } };
}

