// Inlining a bias call: its parameters bound to the caller's values (defaults evaluated in the
// callee), its generics to the sizes the checker instantiated it with, `param` statements turned
// into learnable tensors under `<caller path>/<bias>`, `penalty` statements into named penalties.
import type { BiasDecl, Call, ParamStmt } from "../../grammar/ast";
import { bindArgs, newEnv, TypeContext, type BiasInstance, type Env } from "../types/context";
import { instantiateNetwork } from "../types/networks";
import { normalizeDim, type Dim } from "../types/dims";
import type { Type } from "../types/types";
import type { InitIR } from "../ir/types";
import { LowerError, product } from "./context";
import { constShape, konst, node, type Const, type V } from "./graph";
import { constNumber, lowerExpr, tensor, type Mx, type Scope } from "./expr";
import { lowerNetwork, mlpNetwork } from "./networks";

export function inlineBias(mx: Mx, call: Call, caller: Scope): V {
  const inst = caller.env.calls.get(call);
  if (!inst) throw new LowerError(`the call of '${call.callee.name}' was not instantiated by the type checker`, call.span);
  const decl = inst.decl;
  const s: Scope = { env: inst.env, locals: new Map(), bias: decl.name.name, path: "" };
  for (const g of decl.generics) {
    const d = inst.bindings.get(g.name);
    if (d === undefined) throw new LowerError(`the size ${g.name} of '${decl.name.name}' was not inferred`, call.span);
    s.locals.set(g, konst(mx.lw.num(d, call.span)));
  }
  const { named } = bindArgs(call.args, decl.params.map((p) => p.name.name));
  for (const p of decl.params) {
    const a = named.get(p.name.name);
    if (a) s.locals.set(p.name, lowerExpr(mx, a.value, caller));
  }
  // The path is taken after the arguments are lowered, so that sparse(sparse(y)) names the inner
  // (first built) call mapping/sparse and the outer one mapping/sparse_1.
  s.path = mx.lw.scope(`${caller.path}/${decl.name.name}`);
  for (const p of decl.params) {
    if (s.locals.has(p.name)) continue;
    if (!p.default) throw new LowerError(`'${p.name.name}' of '${decl.name.name}' has no value`, call.span);
    s.locals.set(p.name, lowerExpr(mx, p.default, s));
  }
  return body(mx, decl, inst, s, call);
}

function body(mx: Mx, decl: BiasDecl, inst: BiasInstance, s: Scope, call: Call): V {
  for (const st of decl.body) {
    switch (st.kind) {
      case "ParamStmt":
        s.locals.set(st.name, paramValue(mx, st, inst.env, s));
        break;
      case "LetStmt":
        s.locals.set(st.name, lowerExpr(mx, st.value, s));
        break;
      case "PenaltyStmt": {
        const id = tensor(mx, lowerExpr(mx, st.value, s), st.value, s);
        if (mx.g.shapeOf(id).length !== 0) throw new LowerError("a penalty must be a scalar", st.value.span);
        mx.g.penalty(st.name?.name ?? `${decl.name.name}_penalty`, id, st.span);
        break;
      }
      case "ReturnStmt":
        return lowerExpr(mx, st.value, s);
    }
  }
  throw new LowerError(`the bias '${decl.name.name}' does not return`, call.span);
}

// ---------- learnable parameters ----------

/** `param NAME = init`: a tensor (a `param` node) or a network (applied later with NAME(x)). */
function paramValue(mx: Mx, st: ParamStmt, env: Env, s: Scope): V {
  const id = `${s.path}/${st.name.name}`;
  const init = st.init;
  const sym = init.kind === "Call" ? mx.lw.names.resolution.get(init) : undefined;
  if (init.kind === "Call" && sym?.kind === "builtin" && sym.builtin.context !== "function") {
    const b = sym.builtin;
    const read = reader(mx, init, b.params.map((p) => p.name), s, (k) => b.params.find((p) => p.name === k)?.default as Const | null | undefined);
    const num = (k: string): number => constNumber(read(k) ?? konst(""), init, `${b.name}'s ${k}`);
    if (b.name === "mlp") {
      const hidden = read("hidden");
      if (hidden?.kind !== "const" || !Array.isArray(hidden.value)) throw new LowerError("mlp's hidden sizes must be known at compile time", init.span);
      const str = (k: string): string | null => {
        const v = read(k);
        return v?.kind === "const" && typeof v.value === "string" ? v.value : null;
      };
      const spec = { inputs: num("inputs"), hidden: hidden.value as number[], outputs: num("outputs"), activation: str("activation"), outActivation: str("out_activation") };
      return { kind: "net", net: mlpNetwork(mx.lw, id, spec, init.span) };
    }
    const shape = mx.lw.shape(env.locals.get(st.name), st.name.span);
    switch (b.name) {
      case "zeros":
        return param(mx, id, shape, { kind: "zeros" }, st, s);
      case "ones":
        return param(mx, id, shape, { kind: "ones" }, st, s);
      case "full":
        return param(mx, id, shape, { kind: "constant", value: num("value") }, st, s);
      case "normal":
        return param(mx, id, shape, { kind: "normal", mean: num("mean"), std: num("std") }, st, s);
      case "uniform":
        return param(mx, id, shape, { kind: "uniform", low: num("lo"), high: num("hi") }, st, s);
      case "glorot":
        return param(mx, id, shape, { kind: "glorot_uniform", fanIn: shape[0]!, fanOut: shape[1]! }, st, s);
      case "eye": {
        const scale = num("scale");
        const eye = Array.from({ length: shape[0]! }, (_, i) => Array.from({ length: shape[0]! }, (_, j) => (i === j ? scale : 0)));
        return offset(mx, id, shape, eye, st, s);
      }
      case "constant": {
        const v = read("value");
        if (v?.kind !== "const") throw new LowerError("constant(…) needs a value known at compile time", init.span);
        return typeof v.value === "number" ? param(mx, id, shape, { kind: "constant", value: v.value }, st, s) : offset(mx, id, shape, v.value, st, s);
      }
    }
    throw new LowerError(`the initialiser '${b.name}' has no lowering`, init.span);
  }
  if (init.kind === "Call" && sym?.kind === "network") return { kind: "net", net: userNetwork(mx, init, env, id) };
  // A value: a number fills the declared shape; a (nested) list is the starting tensor.
  const shape = mx.lw.shape(env.locals.get(st.name), st.name.span);
  const v = lowerExpr(mx, init, s);
  if (v.kind !== "const") throw new LowerError("a param's initial value must be known at compile time", init.span);
  if (typeof v.value === "number" || typeof v.value === "boolean") return param(mx, id, shape, { kind: "constant", value: Number(v.value) }, st, s);
  return offset(mx, id, shape, v.value, st, s);
}

/** Reads a call's arguments by parameter name (named or positional), else the default (null: none). */
function reader(mx: Mx, call: Call, params: string[], s: Scope, dflt: (name: string) => Const | null | undefined): (name: string) => V | null {
  const { named } = bindArgs(call.args, params);
  return (name) => {
    const a = named.get(name);
    if (a) return lowerExpr(mx, a.value, s);
    const d = dflt(name);
    if (d === undefined) throw new LowerError(`'${name}' is missing`, call.span);
    return d === null ? null : konst(d);
  };
}

function param(mx: Mx, id: string, shape: number[], init: InitIR, st: ParamStmt, s: Scope): V {
  mx.lw.param(id, shape, init, st.span);
  return node(mx.g.add("param", [], shape, st.span, s.bias, { id }));
}

/**
 * A parameter that starts at a given tensor (eye, a list literal) which InitIR cannot spell: ψ = c + δ
 * with δ learnable from 0. The gradient (and so every optimizer step) of δ is exactly ψ's.
 */
function offset(mx: Mx, id: string, shape: number[], value: Const, st: ParamStmt, s: Scope): V {
  if (JSON.stringify(constShape(value, st.span)) !== JSON.stringify(shape)) throw new LowerError(`the initial value does not have the shape [${shape}]`, st.init.span);
  const p = param(mx, id, shape, { kind: "zeros" }, st, s) as { id: number };
  const c = mx.g.materialize(konst(value), st.init.span, s.bias);
  return node(mx.g.add("add", [c, p.id], shape, st.span, s.bias));
}

/**
 * `param f = my_network(…)`: the checker keeps no instance of a network used as a value, so it is
 * instantiated again here, by the checker's own code, with every size now a number.
 */
function userNetwork(mx: Mx, call: Call, env: Env, path: string) {
  const sym = mx.lw.names.resolution.get(call);
  if (sym?.kind !== "network") throw new LowerError("not a network", call.span);
  const t = env.types.get(call);
  if (t?.kind !== "network") throw new LowerError("the network's type was not inferred", call.span);
  const cx = new TypeContext(mx.lw.names.resolution);
  const local = newEnv();
  for (const [ident, ty] of env.locals) local.locals.set(ident, concrete(mx, ty));
  for (const [n, d] of env.dims) local.dims.set(n, mx.lw.types.resolve(d));
  const use = instantiateNetwork(cx, sym.decl, call, concrete(mx, t.input), undefined, local, call.span);
  if (!use.instance || cx.diagnostics.some((d) => d.severity === "error")) throw new LowerError(`the network '${call.callee.name}' could not be instantiated again`, call.span);
  const net = lowerNetwork(mx.lw, use.instance, path, (d: Dim) => normalizeDim(cx.s.resolve(d)));
  if (product(net.output) !== product(mx.lw.shape(t.output, call.span))) throw new LowerError("the network's output changed when instantiated again", call.span);
  return net;
}

/** A type with its sizes resolved to numbers where the checker knows them. */
function concrete(mx: Mx, t: Type): Type {
  const r = mx.lw.types.resolve;
  switch (t.kind) {
    case "tensor": {
      const out: Type = { kind: "tensor", elem: t.elem, dims: t.dims.map(r) };
      if (t.value !== undefined) out.value = typeof t.value === "object" || typeof t.value === "number" ? r(t.value) : t.value;
      return out;
    }
    case "list":
      return t.items ? { ...t, items: t.items.map((i) => concrete(mx, i)) } : t;
    case "network":
      return { ...t, input: concrete(mx, t.input), output: concrete(mx, t.output) };
    default:
      return t;
  }
}

