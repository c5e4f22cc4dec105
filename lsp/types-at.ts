// The inferred types the checker left behind, looked up for a node: in a declaration's own check
// (sizes as its generics) and in each instance a model made of it (sizes known: "with D = 16").
import type { AnyNode, BiasDecl, Expr, Ident, LayerCall, NetworkDecl } from "../grammar/ast";
import type { CheckResult } from "../compiler/check";
import { showDim, type Dim } from "../compiler/types/dims";
import type { BiasInstance, Env, LayerInstance, NetworkInstance } from "../compiler/types/context";
import type { Type } from "../compiler/types/types";

export interface Typed {
  /** the type as written with the declaration's own sizes: `Real[D]` */
  generic?: string;
  /** the same at each use: `Real[16]` with `D = 16` at the call `sparse(y, gamma: 30)` */
  uses: { type: string; bindings: string; at?: string }[];
}

type Owner = BiasDecl | NetworkDecl;

/** Every instance of a bias or network, with the call that made it when a model shows one. */
function uses(result: CheckResult, decl: Owner): { inst: BiasInstance | NetworkInstance; at?: string }[] {
  const types = result.types!;
  const calls = new Map<object, string>();
  const text = (span: { file: string; offset: number; end: number }) => result.sources.get(span.file)?.slice(span.offset, span.end);
  const visit = (env: Env, seen: Set<Env>): void => {
    if (seen.has(env)) return;
    seen.add(env);
    for (const [call, inst] of env.calls) {
      if (!calls.has(inst)) calls.set(inst, text(call.span) ?? call.callee.name);
      visit(inst.env, seen);
    }
  };
  for (const ms of types.models.values()) {
    visit(ms.mapping, new Set());
    const nets = [ms.encoder, ms.decoder].filter((n): n is NetworkInstance => !!n);
    for (const n of nets) calls.set(n, `${n.decl.name.name} in model ${ms.model.name.name}`);
  }
  return types.instances(decl).map((inst) => ({ inst, at: calls.get(inst) }));
}

function bindingsText(result: CheckResult, b: Map<string, Dim>): string {
  return [...b].map(([n, v]) => `${n} = ${showDim(result.types!.resolve(v))}`).join(", ");
}

/** The type of a local (`let`, `param`, parameter, generic) of a bias or network, or of a model item. */
export function localType(result: CheckResult, owner: AnyNode | undefined, ident: Ident): Typed | undefined {
  const generic = owner && owner.kind !== "ModelDecl" && "generics" in owner ? owner.generics.find((g) => g === ident) : undefined;
  return typed(result, owner, (env) => env.locals.get(ident), (ms) => modelSlot(ms, ident), (inst, out) => {
    const bound = bindingsText(result, inst.bindings);
    const t = "env" in inst ? inst.env.locals.get(ident) : undefined;
    if (generic) return { type: "", bindings: `${generic.name} = ${showDim(result.types!.resolve(inst.bindings.get(generic.name)!))}` };
    if (t) return { type: result.types!.show(t), bindings: bound };
    return bound ? { type: out.generic ?? "?", bindings: bound } : undefined;
  });
}

/** The type of an expression inside a bias (own check and instances) or a model's mapping. */
export function exprType(result: CheckResult, owner: AnyNode | undefined, e: Expr): Typed | undefined {
  return typed(result, owner, (env) => env.types.get(e), () => undefined, (inst) => {
    const t = "env" in inst ? inst.env.types.get(e) : undefined;
    return t ? { type: result.types!.show(t), bindings: bindingsText(result, inst.bindings) } : undefined;
  });
}

type ModelShapes = NonNullable<ReturnType<NonNullable<CheckResult["types"]>["models"]["get"]>>;

/** In a model: its own environment (or a slot); in a bias or network: its own check, then each use. */
function typed(
  result: CheckResult,
  owner: AnyNode | undefined,
  inEnv: (env: Env) => Type | undefined,
  slot: (ms: ModelShapes) => Type | undefined,
  atUse: (inst: BiasInstance | NetworkInstance, sofar: Typed) => { type: string; bindings: string } | undefined,
): Typed | undefined {
  const types = result.types;
  if (!types || !owner) return undefined;
  if (owner.kind === "ModelDecl") {
    const ms = types.models.get(owner);
    const t = ms && (inEnv(ms.mapping) ?? slot(ms));
    return t ? { generic: types.show(t), uses: [] } : undefined;
  }
  if (owner.kind !== "BiasDecl" && owner.kind !== "NetworkDecl") return undefined;
  const own = types.owned.get(owner);
  const t = own && inEnv(own.env);
  const out: Typed = { uses: [] };
  if (t) out.generic = types.show(t);
  for (const { inst, at } of uses(result, owner)) {
    const u = atUse(inst, out);
    if (u) out.uses.push({ ...u, ...(at ? { at } : {}) });
  }
  return out.generic || out.uses.length ? out : undefined;
}

function modelSlot(ms: ModelShapes, ident: Ident): Type | undefined {
  for (const it of ms.model.items) {
    if (it.kind === "IntermediaryItem" && it.name === ident) return ms.latent;
    if (it.kind === "MappingItem" && it.name === ident) return ms.representation;
    if (it.kind === "DataItem" && it.name === ident) return ms.data;
  }
  return undefined;
}

/** A layer line of a network: its input and output shapes, generic and at each use (loops unroll). */
export function layerShapes(result: CheckResult, owner: NetworkDecl, stmt: LayerCall): Typed {
  const types = result.types!;
  const show = (l: LayerInstance) => `Real[${l.input.map((d) => showDim(types.resolve(d))).join(", ")}] → Real[${l.output.map((d) => showDim(types.resolve(d))).join(", ")}]`;
  const out: Typed = { uses: [] };
  const own = types.owned.get(owner)?.layers.filter((l) => l.stmt === stmt) ?? [];
  if (own.length) out.generic = own.map(show).join("; ");
  for (const { inst, at } of uses(result, owner)) {
    if (!("layers" in inst)) continue;
    const ls = inst.layers.filter((l) => l.stmt === stmt);
    if (ls.length) out.uses.push({ type: ls.map(show).join("; "), bindings: bindingsText(result, inst.bindings), at });
  }
  return out;
}

/** `Real[D]`, then one line per use: `Real[16] with D = 16 at sparse(y, gamma: 30)`. */
export function typedLines(name: string, t: Typed): string[] {
  const lines: string[] = [];
  if (t.generic) lines.push(`${name} : ${t.generic}`);
  const seen = new Set<string>();
  for (const u of t.uses) {
    if (u.type === t.generic) continue; // the use adds nothing: the type has no sizes to fix
    const line = `${t.generic ? "" : `${name} : `}${[u.type, u.bindings && `with ${u.bindings}`, u.at && `at \`${u.at}\``].filter(Boolean).join(" ")}`;
    if (!seen.has(line)) lines.push(t.generic ? `  ${line}` : line);
    seen.add(line);
  }
  return lines;
}
