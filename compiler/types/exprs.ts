// Types of expressions: bias bodies, parameter defaults, layer arguments, the model's mapping.
// What failed name resolution has no entry in the resolution table and types as `unknown`, silently.
import type { Binary, Call, Expr, Index, Slice, Span } from "../../grammar/ast";
import type { Builtin } from "../builtins/types";
import { argTypeWords, fitsArgType, functionResult, initializerResult, networkResult, type BoundArg, type CallArgs } from "./builtin-signatures";
import { broadcastDims, OP_VERBS } from "./broadcast";
import { bindArgs, type Env, type TypeContext } from "./context";
import { instantiateBias, userNetworkValue } from "./decls";
import { afterOneHotCall, asReal, checkOneHotBinary, checkOneHotCall, indexedOneHot } from "./discrete";
import { add, dimOp, isNum, mul, normalizeDim, showDim, sub, type Dim } from "./dims";
import {
  axisWords,
  describeType,
  explainMismatch,
  intValue,
  joinElem,
  listAsTensor,
  showType,
  tensor,
  unifyTypes,
  UNKNOWN,
  type TensorT,
  type Type,
} from "./types";

export function typeOf(cx: TypeContext, e: Expr, env: Env): Type {
  const t = compute(cx, e, env);
  env.types.set(e, t);
  return t;
}

function compute(cx: TypeContext, e: Expr, env: Env): Type {
  switch (e.kind) {
    case "NumberLit":
      return e.isInt ? tensor("Int", [], e.value) : tensor("Real", [], e.value);
    case "StringLit":
      return tensor("String", [], e.value);
    case "BoolLit":
      return tensor("Bool", [], e.value);
    case "Missing":
      return UNKNOWN;
    case "Paren":
      return typeOf(cx, e.inner, env);
    case "Name": {
      const sym = cx.resolution.get(e);
      if (sym?.kind === "local") return env.locals.get(sym.ident) ?? UNKNOWN;
      if (sym?.kind === "builtin" && sym.builtin.context === "constant" && sym.builtin.name !== "I") return tensor("Real", []);
      return UNKNOWN;
    }
    case "ListLit": {
      const items = e.elements.map((x) => typeOf(cx, x, env));
      if (items.some((i) => i.kind === "unknown")) return { kind: "list", elem: undefined };
      let elem: TensorT["elem"] | undefined;
      for (const i of items) elem = joinElem(elem, i.kind === "tensor" ? i.elem : i.kind === "list" ? i.elem : undefined);
      return { kind: "list", elem, items };
    }
    case "Unary": {
      const t = typeOf(cx, e.operand, env);
      const n = numeric(cx, t, e.operand.span, "negate");
      if (!n) return UNKNOWN;
      const v = intValue(n);
      return v === undefined ? tensor(n.elem === "Bool" ? "Int" : n.elem === "OneHot" ? "Real" : n.elem, n.dims) : tensor("Int", [], mul(-1, v));
    }
    case "Binary":
      return binary(cx, e, env);
    case "Index":
      return index(cx, e, env);
    case "Call":
      return call(cx, e, env);
  }
}

/** A numeric tensor (lists become tensors), or undefined after reporting why not (or when unknown). */
function numeric(cx: TypeContext, t: Type, span: Span, verb: string): TensorT | undefined {
  if (t.kind === "unknown") return undefined;
  const n = t.kind === "list" ? listAsTensor(cx.s, t) : t;
  if (n && n.kind === "tensor" && n.elem !== "String") return n;
  cx.report("IV3010", span, `cannot ${verb} ${describeType(cx.s, t)}: a number or a tensor is needed here`);
  return undefined;
}

function binary(cx: TypeContext, e: Binary, env: Env): Type {
  const lt = typeOf(cx, e.left, env);
  const rt = typeOf(cx, e.right, env);
  const verb = OP_VERBS[e.op] ?? "combine";
  const l = numeric(cx, lt, e.left.span, verb);
  const r = numeric(cx, rt, e.right.span, verb);
  if (!l || !r) return UNKNOWN;
  if (!checkOneHotBinary(cx, e, l, r)) return UNKNOWN;
  const b = broadcastDims(cx.s, l.dims, r.dims);
  const what = e.op === "**" ? `raise ${showType(cx.s, l)} to the power ${showType(cx.s, r)}` : `${verb} ${showType(cx.s, l)} and ${showType(cx.s, r)}`;
  if (!b.ok) {
    if (b.why === "rank") {
      cx.report("IV3001", e.span, `cannot ${what}: they have different numbers of axes (${l.dims.length} vs ${r.dims.length})`, {
        hint: "only a scalar broadcasts to more axes; index or reshape one side so that both have the same number of axes",
      });
    } else {
      const [x, y] = [normalizeDim(b.a), normalizeDim(b.b)].map((d) => showDim(d));
      cx.report("IV3001", e.span, `cannot ${what}: ${axisWords(b.axis, l.dims.length)} differ (${x} vs ${y})`);
    }
    return UNKNOWN;
  }
  cx.defer(b.pending, () => cx.report("IV3001", e.span, `cannot ${what}: their sizes differ`));
  if (["==", "!=", "<", "<=", ">", ">="].includes(e.op)) return tensor("Bool", b.dims);
  const lv = intValue(l);
  const rv = intValue(r);
  const bothInt = (l.elem === "Int" || l.elem === "Bool") && (r.elem === "Int" || r.elem === "Bool");
  if (lv !== undefined && rv !== undefined && e.op !== "**") {
    // Int values stay exact and symbolic (H / 4 is a size); a division of numbers that is not whole is Real.
    const v = dimOp(e.op === "+" ? "+" : e.op === "-" ? "-" : e.op === "*" ? "*" : "/", lv, rv);
    if (e.op === "/" && isNum(v) && !Number.isInteger(v)) return tensor("Real", [], v);
    return tensor("Int", [], v);
  }
  return tensor(bothInt && e.op !== "/" ? "Int" : "Real", b.dims);
}

// ---------- indexing ----------

function index(cx: TypeContext, e: Index, env: Env): Type {
  const target = typeOf(cx, e.target, env);
  const idx = e.indices.map((i) => (i.kind === "Slice" ? slice(cx, i, env) : { at: i, t: typeOf(cx, i, env) }));
  if (target.kind === "unknown") return UNKNOWN;
  if (target.kind === "list" && e.indices.length === 1) return listIndex(cx, target, e, idx[0]!);
  const t = target.kind === "list" ? listAsTensor(cx.s, target) : target;
  if (!t || t.kind !== "tensor" || t.elem === "String") {
    cx.report("IV3009", e.target.span, `cannot index ${describeType(cx.s, target)}`);
    return UNKNOWN;
  }
  if (e.indices.length > t.dims.length) {
    cx.report("IV3009", e.span, `too many indices: ${showType(cx.s, t)} has ${t.dims.length === 0 ? "no axes" : t.dims.length === 1 ? "1 axis" : `${t.dims.length} axes`}`);
    return UNKNOWN;
  }
  const dims: Dim[] = [];
  for (const [axis, size0] of t.dims.entries()) {
    const size = cx.s.resolve(size0);
    const ix = idx[axis];
    if (!ix) {
      dims.push(size);
      continue;
    }
    if ("t" in ix) {
      const n = checkedIndex(cx, ix.t, ix.at.span);
      if (n === null) return UNKNOWN;
      if (n !== undefined && isNum(size) && (n >= size || n < -size)) {
        cx.report("IV3009", ix.at.span, `index ${n} is out of range for ${showType(cx.s, t)}${t.dims.length > 1 ? ` (axis ${axis} has ${size})` : ""}`, {
          hint: `valid indices are 0 to ${size - 1}${size > 0 ? `, or -${size} to -1 from the end` : ""}`,
        });
        return UNKNOWN;
      }
      continue;
    }
    const bound = (b: { at: Span; t: Type } | undefined, def: Dim): Dim | null => {
      if (!b) return def;
      const n = checkedIndex(cx, b.t, b.at);
      if (n === null) return null;
      const v = intValue(b.t);
      return n !== undefined && n < 0 ? add(size, n) : v ?? cx.s.fresh();
    };
    const lo = bound(ix.start, 0);
    const hi = bound(ix.end, size);
    if (lo === null || hi === null) return UNKNOWN;
    const [l, h] = [cx.s.resolve(lo), cx.s.resolve(hi)];
    if (isNum(size) && ((isNum(h) && h > size) || (isNum(l) && l > size) || (isNum(l) && isNum(h) && l > h))) {
      cx.report("IV3009", ix.span, `the slice ${showDim(l)}:${showDim(h)} is out of range for ${showType(cx.s, t)}`, {
        hint: `a slice a:b of an axis of size ${size} needs 0 ≤ a ≤ b ≤ ${size}`,
      });
      return UNKNOWN;
    }
    dims.push(normalizeDim(sub(h, l)));
  }
  return indexedOneHot(t, e.indices.length, e.indices.some((i) => i.kind === "Slice"), tensor(t.elem, dims));
}

function slice(_cx: TypeContext, s: Slice, env: Env): { span: Span; start?: { at: Span; t: Type }; end?: { at: Span; t: Type } } {
  const part = (x: Expr | undefined) => (x ? { at: x.span, t: typeOf(_cx, x, env) } : undefined);
  return { span: s.span, start: part(s.start), end: part(s.end) };
}

/** An index must be an Int: its value when known, undefined when not, null after an error. */
function checkedIndex(cx: TypeContext, t: Type, span: Span): number | undefined | null {
  if (t.kind === "unknown") return undefined;
  if (t.kind !== "tensor" || t.elem !== "Int" || t.dims.length !== 0) {
    cx.report("IV3009", span, `an index must be an Int, found ${describeType(cx.s, t)}`);
    return null;
  }
  const v = intValue(t);
  const r = v === undefined ? undefined : cx.s.resolve(v);
  return r !== undefined && isNum(r) ? r : undefined;
}

function listIndex(cx: TypeContext, list: Type & { kind: "list" }, e: Index, ix: { at: Expr; t: Type } | ReturnType<typeof slice>): Type {
  const elemType = (): Type => tensor(list.elem ?? "Real", []);
  if ("t" in ix) {
    const n = checkedIndex(cx, ix.t, ix.at.span);
    if (n === null) return UNKNOWN;
    if (n === undefined || !list.items) return elemType();
    const item = list.items[n < 0 ? list.items.length + n : n];
    if (!item) {
      cx.report("IV3009", ix.at.span, `index ${n} is out of range for a list of ${list.items.length}`);
      return UNKNOWN;
    }
    return item;
  }
  if (!list.items) return { kind: "list", elem: list.elem };
  const at = (b: { at: Span; t: Type } | undefined, def: number): number | undefined => {
    if (!b) return def;
    const n = checkedIndex(cx, b.t, b.at);
    return n === null || n === undefined ? undefined : n < 0 ? list.items!.length + n : n;
  };
  const lo = at(ix.start, 0);
  const hi = at(ix.end, list.items.length);
  if (lo === undefined || hi === undefined) return { kind: "list", elem: list.elem };
  void e;
  return { kind: "list", elem: list.elem, items: list.items.slice(lo, hi) };
}

// ---------- calls ----------

/** Types a builtin call's arguments and checks each against its parameter's loose type. */
export function builtinArgs(cx: TypeContext, b: Builtin, c: Call, env: Env): CallArgs {
  const { named, positional } = bindArgs(c.args, b.params.map((p) => p.name), b.variadic);
  const typed = new Map<object, BoundArg>();
  for (const a of c.args) typed.set(a, { type: typeOf(cx, a.value, env), span: a.value.span });
  const out: CallArgs = { named: new Map(), all: positional.map((a) => typed.get(a)!), span: c.span };
  for (const p of b.params) {
    const a = named.get(p.name);
    if (!a) continue;
    const bound = typed.get(a)!;
    out.named.set(p.name, bound);
    if (!fitsArgType(p.type, bound.type)) {
      const v = bound.type.kind === "tensor" && typeof bound.type.value === "number" ? showDim(bound.type.value) : undefined;
      const want = p.type === "Int" && v ? "an Int (a whole number)" : argTypeWords(p.type);
      cx.report("IV3002", a.value.span, `'${p.name}' of ${b.name} must be ${want}, found ${v ?? describeType(cx.s, bound.type)}`);
      bound.type = UNKNOWN;
      out.failed = true;
    }
  }
  if (b.variadic) for (const a of positional.slice(1)) if (!fitsArgType(b.params[b.params.length - 1]!.type, typed.get(a)!.type)) {
    cx.report("IV3002", a.value.span, `the arguments of ${b.name} must be tensors, found ${describeType(cx.s, typed.get(a)!.type)}`);
    typed.get(a)!.type = UNKNOWN;
    out.failed = true;
  }
  return out;
}

function call(cx: TypeContext, c: Call, env: Env): Type {
  const sym = cx.resolution.get(c);
  if (!sym) {
    for (const a of c.args) typeOf(cx, a.value, env);
    return UNKNOWN;
  }
  switch (sym.kind) {
    case "builtin": {
      const b = sym.builtin;
      const args = builtinArgs(cx, b, c, env);
      if (args.failed) return UNKNOWN;
      if (b.context === "network") return networkResult(cx.s, b, args);
      if (b.context === "function" && !checkOneHotCall(cx, b, args)) return UNKNOWN;
      const r = b.context === "initializer" ? initializerResult(cx.s, b, args) : b.context === "function" ? functionResult(cx.s, b, args) : { type: UNKNOWN };
      if ("fail" in r) {
        cx.report(r.fail.code, r.fail.span, r.fail.message, r.fail.hint ? { hint: r.fail.hint } : {});
        return UNKNOWN;
      }
      return afterOneHotCall(args, r.type);
    }
    case "bias":
      return instantiateBias(cx, sym.decl, c, env);
    case "network":
      return userNetworkValue(cx, sym.decl, c, env);
    case "local": {
      // Applying a learnable network: ds(y).
      const f = env.locals.get(sym.ident);
      const args = c.args.map((a) => asReal(typeOf(cx, a.value, env))); // a network reads a OneHot's numbers
      if (!f || f.kind === "unknown" || args[0] === undefined) return UNKNOWN;
      if (f.kind !== "network") {
        cx.report("IV3010", c.callee.span, `'${c.callee.name}' is ${describeType(cx.s, f)}, not a network: it cannot be applied`);
        return UNKNOWN;
      }
      const u = unifyTypes(cx.s, f.input, args[0]);
      if (u.mismatch) {
        cx.report("IV3002", c.args[0]!.value.span, `'${c.callee.name}' takes ${showType(cx.s, f.input)}, found ${showType(cx.s, args[0])}: ${explainMismatch(cx.s, u.mismatch, f.input, args[0])}`);
        return UNKNOWN;
      }
      return f.output;
    }
    default:
      return UNKNOWN;
  }
}

