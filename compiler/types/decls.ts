// Biases: each checked once on its own (generics rigid: the body must work for every D), and again at
// each use with the sizes of that use (D := 50), which infers `?` and catches what only numbers show.
// Signatures (shared with networks): generics and Int parameters become size variables.
import type { Arg, BiasDecl, Call, Expr, NetworkDecl, Param, Span } from "../../grammar/ast";
import type { Label } from "../diagnostics/diagnostic";
import { newEnv, bindArgs, type BiasInstance, type Env, type TypeContext } from "./context";
import { showDim, normalizeDim, unifyDim, type Dim, type DimVar } from "./dims";
import { typeOf } from "./exprs";
import { instantiateNetwork } from "./networks";
import {
  describeType,
  explainMismatch,
  hasUnsolved,
  intValue,
  listAsTensor,
  real,
  resolveType,
  showType,
  showTypeExpr,
  tensor,
  typeFromAst,
  unifyTypes,
  UNKNOWN,
  type Type,
} from "./types";

export interface Signature {
  env: Env;
  /** each parameter's written type, sizes as variables */
  params: Map<Param, Type>;
  ret: Type;
  /** the size variable of each generic and Int parameter, by name */
  vars: Map<string, DimVar>;
}

/** Generics and Int parameters become variables: rigid for a declaration's own check, flexible at a use. */
export function signature(cx: TypeContext, decl: BiasDecl | NetworkDecl, rigid: boolean): Signature {
  const env = newEnv();
  const vars = new Map<string, DimVar>();
  for (const g of decl.generics) {
    const v = cx.s.fresh(g.name, rigid);
    vars.set(g.name, v);
    env.dims.set(g.name, v);
    env.locals.set(g, tensor("Int", [], v));
  }
  const params = new Map<Param, Type>();
  for (const p of decl.params) {
    const t = typeFromAst(cx.s, p.type, (n) => env.dims.get(n));
    if (t.kind === "tensor" && t.elem === "Int" && t.dims.length === 0) {
      const v = cx.s.fresh(p.name.name, rigid);
      vars.set(p.name.name, v);
      env.dims.set(p.name.name, v);
      t.value = v;
    }
    params.set(p, t);
    env.locals.set(p.name, t);
  }
  return { env, params, ret: typeFromAst(cx.s, decl.returnType, (n) => env.dims.get(n)), vars };
}

/** A declaration's own check of its parameters' defaults. */
export function checkDefaults(cx: TypeContext, sig: Signature): void {
  for (const [p, t] of sig.params) {
    if (!p.default) continue;
    const d = typeOf(cx, p.default, sig.env);
    const u = unifyTypes(cx.s, t, d);
    if (u.mismatch) {
      cx.report("IV3003", p.default.span, `the default of '${p.name.name}' is ${describeType(cx.s, d)}, but '${p.name.name}' is declared ${showType(cx.s, t)}`);
    }
  }
}

/** Where a value came from, for a secondary label: a local's declaration. */
export function originLabel(cx: TypeContext, e: Expr | undefined, t: Type): Label | undefined {
  if (!e || e.kind !== "Name") return undefined;
  const sym = cx.resolution.get(e);
  if (sym?.kind !== "local") return undefined;
  return { span: sym.ident.span, message: `'${e.name}' is declared here (${showType(cx.s, t)})` };
}

/**
 * Binds a use's arguments (typed in the caller's `env`) and defaults to the parameters of `sig`.
 * Int parameters first, so that their values size the tensors. Reports mismatches and returns false
 * after one: the caller then drops this use, so that the mistake is not reported again downstream.
 */
export function bindParams(cx: TypeContext, decl: BiasDecl | NetworkDecl, sig: Signature, args: readonly Arg[], params: readonly Param[], env: Env, useSpan: Span): boolean {
  let ok = true;
  const { named } = bindArgs(args, params.map((p) => p.name.name));
  const actual = new Map<Param, { t: Type; arg?: Arg }>();
  for (const p of params) {
    const a = named.get(p.name.name);
    if (a) actual.set(p, { t: typeOf(cx, a.value, env), arg: a });
  }
  for (const a of args) if (![...named.values()].includes(a)) typeOf(cx, a.value, env); // reported by names
  const boundBy = new Map<number, string>();
  const order = [...params].sort((x, y) => Number(x.type.kind === "TensorType") - Number(y.type.kind === "TensorType"));
  for (const p of order) {
    const expected = sig.params.get(p)!;
    const given = actual.get(p) ?? (p.default ? { t: typeOf(cx, p.default, sig.env) } : undefined);
    if (!given) continue; // a missing argument: the name checker said so
    if (expected.kind === "tensor" && given.t.kind === "list") given.t = listAsTensor(cx.s, given.t) ?? given.t;
    const before = [...sig.vars.values()].filter((v) => !cx.s.isBound(v));
    const u = unifyTypes(cx.s, expected, given.t);
    if (u.mismatch) {
      const span = given.arg?.value.span ?? useSpan;
      const clash = conflict(cx, p, sig, boundBy);
      const kind = decl.kind === "BiasDecl" ? "bias" : "network";
      const labels: Label[] = [{ span: p.type.span, message: `'${p.name.name}' is declared ${showTypeExpr(p.type)} here` }];
      const origin = originLabel(cx, given.arg?.value, given.t);
      if (origin) labels.unshift(origin);
      if (clash) {
        cx.report("IV3008", span, `'${p.name.name}' of the ${kind} '${decl.name.name}' must be ${showType(cx.s, expected)} because ${clash}, found ${showType(cx.s, given.t)}`, { labels });
      } else {
        cx.report("IV3002", span, `'${p.name.name}' of the ${kind} '${decl.name.name}' must be ${showType(cx.s, expected)}, found ${showType(cx.s, given.t)}: ${explainMismatch(cx.s, u.mismatch, expected, given.t)}`, { labels });
      }
      ok = false;
      continue;
    }
    cx.defer(u.pending, () => cx.report("IV3002", given.arg?.value.span ?? useSpan, `'${p.name.name}' of '${decl.name.name}' does not fit ${showType(cx.s, expected)}: found ${showType(cx.s, given.t)}`));
    for (const v of before) if (cx.s.isBound(v)) boundBy.set(v.id, p.name.name);
    // The value the body sees: a list keeps its elements (loops unroll), an Int its value.
    const value = intValue(given.t);
    const slot = intValue(expected);
    if (value !== undefined && slot !== undefined) unifyDim(cx.s, slot, value);
    const keep = given.t.kind === "list" || (given.t.kind === "tensor" && given.t.dims.length === 0 && given.t.value !== undefined);
    sig.env.locals.set(p.name, keep && expected.kind !== "tensor" ? given.t : keep && expected.kind === "tensor" && given.t.kind === "tensor" ? { ...given.t, elem: expected.elem } : resolveType(cx.s, expected));
  }
  return ok;
}

/** "D = 2 (set by 'a')" when a generic in `p`'s type was fixed by another argument. */
function conflict(cx: TypeContext, p: Param, sig: Signature, boundBy: Map<number, string>): string | undefined {
  if (p.type.kind !== "TensorType") return undefined;
  const names = new Set<string>();
  const walk = (d: import("../../grammar/ast").DimExpr): void => {
    if (d.kind === "DimVar") names.add(d.name);
    if (d.kind === "DimBinary") {
      walk(d.left);
      walk(d.right);
    }
  };
  p.type.dims.forEach(walk);
  for (const n of names) {
    const v = sig.vars.get(n);
    const by = v && boundBy.get(v.id);
    if (v && by && by !== p.name.name) return `${n} = ${showDim(normalizeDim(cx.s.resolve(v)))} (set by '${by}')`;
  }
  return undefined;
}

// ---------- bias bodies ----------

/** Checks the statements of a bias; returns the type of what it returns (unknown if nothing). */
export function checkBiasBody(cx: TypeContext, decl: BiasDecl, env: Env, ret: Type): Type {
  let returned: Type = UNKNOWN;
  for (const st of decl.body) {
    switch (st.kind) {
      case "ParamStmt": {
        const init = typeOf(cx, st.init, env);
        let t: Type = init.kind === "list" ? listAsTensor(cx.s, init) ?? UNKNOWN : init;
        if (t.kind === "tensor" && t.elem === "Int") t = real(t.dims);
        if (st.type) {
          const declared = typeFromAst(cx.s, st.type, (n) => env.dims.get(n));
          // A number fills a declared shape (`param b : Real[D] = 0`); anything else must match it.
          const fills = t.kind === "tensor" && t.dims.length === 0;
          const u = fills ? { pending: [] } : unifyTypes(cx.s, declared, t);
          if (u.mismatch) {
            cx.report("IV3003", st.init.span, `'${st.name.name}' is declared ${showType(cx.s, declared)}, but its initialiser gives ${showType(cx.s, t)}: ${explainMismatch(cx.s, u.mismatch, declared, t)}`, {
              labels: [{ span: st.type.span, message: "the type is declared here" }],
            });
          }
          t = declared;
        } else if (t.kind === "tensor" && (t.elem === "String" || t.elem === "Bool")) {
          cx.report("IV3010", st.init.span, `a learnable parameter holds numbers; '${st.name.name}' would be ${describeType(cx.s, t)}`);
          t = UNKNOWN;
        }
        if (hasUnsolved(cx.s, t)) {
          cx.report("IV3006", st.name.span, `cannot infer the shape of the learnable parameter '${st.name.name}' (${showType(cx.s, t)})`, {
            hint: `give its sizes: \`param ${st.name.name} = zeros(D)\` or \`param ${st.name.name} : Real[D] = 0\``,
          });
        }
        env.locals.set(st.name, t);
        break;
      }
      case "LetStmt": {
        const v = typeOf(cx, st.value, env);
        let t = v;
        if (st.type) {
          const declared = typeFromAst(cx.s, st.type, (n) => env.dims.get(n));
          const u = unifyTypes(cx.s, declared, v);
          if (u.mismatch) {
            cx.report("IV3003", st.value.span, `'${st.name.name}' is declared ${showType(cx.s, declared)}, but its value is ${showType(cx.s, v)}: ${explainMismatch(cx.s, u.mismatch, declared, v)}`, {
              labels: [{ span: st.type.span, message: "the type is declared here" }],
            });
          }
          t = declared;
        }
        env.locals.set(st.name, t);
        break;
      }
      case "PenaltyStmt": {
        const v = typeOf(cx, st.value, env);
        if (v.kind === "unknown") break;
        if (v.kind !== "tensor" || v.dims.length > 0 || v.elem === "String") {
          cx.report("IV3007", st.value.span, `a penalty must be a scalar Real; this one is ${describeType(cx.s, v)}`, {
            hint: v.kind === "tensor" && v.dims.length > 0 ? "reduce it to one number, e.g. with sum(…) or mean(…)" : undefined,
          });
        }
        break;
      }
      case "ReturnStmt": {
        const v = typeOf(cx, st.value, env);
        const u = unifyTypes(cx.s, ret, v);
        if (u.mismatch) {
          cx.report("IV3003", st.value.span, `the bias '${decl.name.name}' declares ${showType(cx.s, ret)}, but returns ${describeType(cx.s, v)}: ${explainMismatch(cx.s, u.mismatch, ret, v)}`, {
            labels: [{ span: decl.returnType.span, message: "the return type is declared here" }],
            ...normHint(st.value),
          });
        } else {
          cx.defer(u.pending, () => cx.report("IV3003", st.value.span, `the bias '${decl.name.name}' declares ${showType(cx.s, ret)}, but returns ${showType(cx.s, v)}`));
        }
        if (returned.kind === "unknown") returned = v;
        break;
      }
    }
  }
  return returned;
}

export function checkBiasOwn(cx: TypeContext, decl: BiasDecl): void {
  cx.own(decl, () => {
    const sig = signature(cx, decl, true);
    cx.owned.set(decl, { env: sig.env, layers: [] });
    checkDefaults(cx, sig);
    const first = decl.params[0];
    const y = first && sig.params.get(first);
    if (first && y && (y.kind !== "tensor" || y.dims.length === 0)) {
      cx.report("IV3010", first.type.span, `a bias maps a tensor: its first parameter '${first.name.name}' must be a tensor like Real[D], not ${describeType(cx.s, y)}`);
    }
    checkBiasBody(cx, decl, sig.env, sig.ret);
  });
}

/** A bias called from an expression: binds its sizes from the arguments and checks the body for them. */
export function instantiateBias(cx: TypeContext, decl: BiasDecl, call: Call, env: Env): Type {
  if (cx.active.has(decl)) {
    for (const a of call.args) typeOf(cx, a.value, env);
    return UNKNOWN;
  }
  const sig = signature(cx, decl, false);
  if (!bindParams(cx, decl, sig, call.args, decl.params, env, call.span)) return UNKNOWN;
  const key = instanceKey(cx, decl, sig);
  const known = key === undefined ? undefined : (cx.memo.get(decl)?.get(key) as BiasInstance | undefined);
  if (known) {
    env.calls.set(call, known);
    unifyTypes(cx.s, sig.ret, known.output);
    return resolveType(cx.s, sig.ret);
  }
  const label = { span: call.span, message: `in this use of '${decl.name.name}'` };
  const body = cx.instance(decl, label, () => checkBiasBody(cx, decl, sig.env, sig.ret));
  if (!hasUnsolved(cx.s, body)) unifyTypes(cx.s, sig.ret, body);
  const inst: BiasInstance = { decl, bindings: new Map([...sig.vars].map(([n, v]) => [n, cx.s.resolve(v)])), env: sig.env, output: resolveType(cx.s, sig.ret) };
  if (key !== undefined) remember(cx, decl, key, inst);
  env.calls.set(call, inst);
  return inst.output;
}

/** Identifies a use by its parameters' types and values; undefined (no reuse) while sizes are unknown. */
export function instanceKey(cx: TypeContext, decl: BiasDecl | NetworkDecl, sig: Signature, extra = ""): string | undefined {
  const parts: string[] = [];
  for (const p of decl.params) {
    const k = key(cx, sig.env.locals.get(p.name) ?? UNKNOWN);
    if (k === undefined) return undefined;
    parts.push(k);
  }
  return parts.join("|") + "|" + extra;
}

function key(cx: TypeContext, t: Type): string | undefined {
  switch (t.kind) {
    case "list": {
      const items = (t.items ?? []).map((i) => key(cx, i));
      return items.some((i) => i === undefined) ? undefined : `${t.elem}[${items.join(",")}]`;
    }
    case "tensor": {
      const dims = t.dims.map((d) => dimKey(cx.s.resolve(d)));
      const v = t.value;
      const value = v === undefined ? "" : typeof v === "string" || typeof v === "boolean" ? `=${JSON.stringify(v)}` : `=${dimKey(cx.s.resolve(v)) ?? "?"}`;
      return dims.some((d) => d === undefined) || value === "=?" ? undefined : `${t.elem}[${dims.join(",")}]${value}`;
    }
    case "network":
      return undefined;
    case "unknown":
      return "unknown";
  }
}

/** Rigid variables by identity (two generics named D are different sizes); flexible ones are not keys. */
function dimKey(d: Dim): string | undefined {
  if (typeof d === "number") return String(d);
  if (d.kind === "var") return d.rigid ? `v${d.id}` : undefined;
  const a = dimKey(d.a);
  const b = dimKey(d.b);
  return a === undefined || b === undefined ? undefined : `(${a}${d.op}${b})`;
}

export function remember(cx: TypeContext, decl: object, key: string, inst: BiasInstance | import("./context").NetworkInstance): void {
  let m = cx.memo.get(decl);
  if (!m) cx.memo.set(decl, (m = new Map()));
  m.set(key, inst);
}

/** `param f = my_network(...)`: a user network as a learnable function value. */
export function userNetworkValue(cx: TypeContext, decl: NetworkDecl, call: Call, env: Env): Type {
  const use = instantiateNetwork(cx, decl, call, undefined, undefined, env, call.span);
  if (use.output.kind === "unknown" || use.input.kind === "unknown") return UNKNOWN;
  return { kind: "network", name: decl.name.name, input: use.input, output: use.output };
}


/** `[c, norm(y)]` mixes a scalar and norm's kept axis (Real[1]): name `norm` in the message's hint. */
function normHint(e: Expr): { hint?: string } {
  if (e.kind !== "ListLit") return {};
  const n = e.elements.find((x) => x.kind === "Call" && x.callee.name === "norm" && !x.args.some((a) => a.name?.name === "keepdims"));
  return n ? { hint: "norm keeps its axis (norm(y) : Real[1], so that y / (norm(y) + eps) broadcasts); in a list write norm(y, keepdims: false) for a scalar" } : {};
}
