// The types the checker works with, how they print, and how two of them are made equal.
//
//   tensor   Real, Int, Bool, String and tensors Real[D1, D2, …]; `dims: []` is a scalar. A scalar
//            may carry its compile-time value (an Int's is a Dim, so `dense(2 * D)` has size 2·D).
//   list     `Int[]` and list literals `[32, 64]`; `items` when the elements are known (loops unroll
//            over them). A list of numbers becomes a tensor where a tensor is needed: [c0, c1] : Real[2].
//   network  a learnable function value (`param ds = mlp(D, [10, 10], D)`), input → output.
//   unknown  what failed earlier (an unresolved name, a reported error): it fits everywhere, silently,
//            so that one mistake gives one diagnostic.
import type { DimExpr, ElemType, TypeExpr } from "../../grammar/ast";
import { hasFlexible, isNum, normalizeDim, showDim, unifyDim, type Dim, type DimVar, type Subst } from "./dims";

export type Elem = ElemType;

export interface TensorT {
  kind: "tensor";
  elem: Elem;
  dims: Dim[];
  /** a scalar's compile-time value: Int → Dim, Real → number, Bool, String */
  value?: Dim | string | boolean;
}

export interface ListT {
  kind: "list";
  /** undefined for the empty list `[]` */
  elem: Elem | undefined;
  items?: Type[];
}

export interface NetT {
  kind: "network";
  name: string;
  input: Type;
  output: Type;
}

export interface UnknownT {
  kind: "unknown";
}

export type Type = TensorT | ListT | NetT | UnknownT;

export const UNKNOWN: UnknownT = { kind: "unknown" };

export function tensor(elem: Elem, dims: Dim[], value?: TensorT["value"]): TensorT {
  return value === undefined ? { kind: "tensor", elem, dims } : { kind: "tensor", elem, dims, value };
}

export const real = (dims: Dim[] = []): TensorT => tensor("Real", dims);
export const int = (value?: Dim): TensorT => tensor("Int", [], value);

export const isNumeric = (t: TensorT): boolean => t.elem === "Real" || t.elem === "Int" || t.elem === "Bool";

/** The Dim an Int scalar stands for, when known. */
export function intValue(t: Type): Dim | undefined {
  if (t.kind !== "tensor" || t.elem !== "Int" || t.dims.length !== 0) return undefined;
  const v = t.value;
  return v === undefined || typeof v === "string" || typeof v === "boolean" ? undefined : v;
}

/** The known values of a list of Ints (`filters: [32, 64, 128]`), when every one is known. */
export function intItems(t: Type): Dim[] | undefined {
  if (t.kind !== "list" || !t.items) return undefined;
  const out: Dim[] = [];
  for (const it of t.items) {
    const v = intValue(it);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

export function joinElem(a: Elem | undefined, b: Elem | undefined): Elem | undefined {
  if (a === undefined) return b;
  if (b === undefined || a === b) return a;
  if (a === "String" || b === "String") return undefined;
  return a === "Real" || b === "Real" ? "Real" : "Int";
}

// ---------- printing ----------

export function showType(s: Subst, t: Type): string {
  switch (t.kind) {
    case "tensor":
      return t.dims.length === 0 ? t.elem : `${t.elem}[${t.dims.map((d) => showDim(normalizeDim(s.resolve(d)))).join(", ")}]`;
    case "list":
      return `${t.elem ?? "Real"}[]`;
    case "network":
      return `network ${showType(s, t.input)} → ${showType(s, t.output)}`;
    case "unknown":
      return "?";
  }
}

/** "an Int", "a tensor Real[2]", "a list Int[]": for "expected …, found …". */
export function describeType(s: Subst, t: Type): string {
  if (t.kind === "tensor" && t.dims.length === 0) return `${/^[AEIOU]/.test(t.elem) ? "an" : "a"} ${t.elem}`;
  if (t.kind === "tensor") return `a tensor ${showType(s, t)}`;
  if (t.kind === "list") return `a list ${showType(s, t)}`;
  if (t.kind === "network") return `a network (${showType(s, t.input)} → ${showType(s, t.output)})`;
  return "a value";
}

export function resolveType(s: Subst, t: Type): Type {
  switch (t.kind) {
    case "tensor": {
      const out = tensor(t.elem, t.dims.map((d) => s.resolve(d)));
      if (t.value !== undefined) out.value = typeof t.value === "string" || typeof t.value === "boolean" ? t.value : s.resolve(t.value);
      return out;
    }
    case "list":
      return t.items ? { kind: "list", elem: t.elem, items: t.items.map((i) => resolveType(s, i)) } : t;
    case "network":
      return { kind: "network", name: t.name, input: resolveType(s, t.input), output: resolveType(s, t.output) };
    case "unknown":
      return t;
  }
}

/** Does the type still hold a size nobody could infer? */
export function hasUnsolved(s: Subst, t: Type): boolean {
  if (t.kind === "tensor") return t.dims.some((d) => hasFlexible(s.resolve(d)));
  if (t.kind === "network") return hasUnsolved(s, t.input) || hasUnsolved(s, t.output);
  return false;
}

/** Every size known as a number? */
export function concreteDims(s: Subst, dims: readonly Dim[]): number[] | undefined {
  const out: number[] = [];
  for (const d of dims) {
    const r = s.resolve(d);
    if (!isNum(r)) return undefined;
    out.push(r);
  }
  return out;
}

// ---------- from the AST ----------

/** A written type; `dimOf` gives generics and Int parameters, `?` becomes a fresh variable. */
export function typeFromAst(s: Subst, te: TypeExpr, dimOf: (name: string) => Dim | undefined): Type {
  if (te.kind === "ScalarType") return tensor(te.name, []);
  if (te.kind === "ListType") return { kind: "list", elem: te.elem };
  const dim = (d: DimExpr): Dim => {
    switch (d.kind) {
      case "DimNum":
        return d.value;
      case "DimVar":
        return dimOf(d.name) ?? s.fresh(d.name);
      case "DimInfer":
        return s.fresh("?");
      case "DimBinary": {
        const a = dim(d.left);
        const b = dim(d.right);
        return { kind: "op", op: d.op, a, b } satisfies Dim;
      }
    }
  };
  return tensor(te.elem, te.dims.map(dim));
}

/** A type as written in the spec: `Real[2 * D]`. */
export function showTypeExpr(te: TypeExpr): string {
  if (te.kind === "ScalarType") return te.name;
  if (te.kind === "ListType") return `${te.elem}[]`;
  const dim = (d: DimExpr, prec = 0): string => {
    if (d.kind === "DimNum") return String(d.value);
    if (d.kind === "DimVar") return d.name;
    if (d.kind === "DimInfer") return "?";
    const p = d.op === "+" || d.op === "-" ? 1 : 2;
    const out = `${dim(d.left, p)} ${d.op} ${dim(d.right, p + (d.op === "-" || d.op === "/" ? 1 : 0))}`;
    return p < prec ? `(${out})` : out;
  };
  return `${te.elem}[${te.dims.map((d) => dim(d)).join(", ")}]`;
}

/** Rigid variables for a generic declaration checked on its own. */
export function rigid(s: Subst, name: string): DimVar {
  return s.fresh(name, true);
}

// ---------- lists as tensors ----------

/** `[c0, c1]` : Real[2], `[[0.5, 0], [0.5, 1]]` : Real[2, 2]; undefined when the elements do not stack. */
export function listAsTensor(s: Subst, t: ListT): TensorT | undefined {
  if (!t.items) return tensor(t.elem === "Int" ? "Int" : "Real", [s.fresh("?")]);
  let elem: Elem | undefined;
  let inner: Dim[] | undefined;
  for (const item of t.items) {
    const it = item.kind === "list" ? listAsTensor(s, item) : item;
    if (!it || it.kind !== "tensor" || !isNumeric(it)) return undefined;
    elem = joinElem(elem, it.elem);
    if (!inner) inner = it.dims;
    else if (inner.length !== it.dims.length || inner.some((d, i) => unifyDim(s, d, it.dims[i]!) === "clash")) return undefined;
  }
  return tensor(elem === "Int" ? "Int" : "Real", [t.items.length, ...(inner ?? [])]);
}

// ---------- unification ----------

export type Mismatch =
  | { why: "kind" } //               a list where a tensor is needed, …
  | { why: "elem" } //               String vs Real
  | { why: "rank" }
  | { why: "dim"; axis: number; expected: Dim; actual: Dim };

export interface UnifyResult {
  mismatch?: Mismatch;
  /** equations that cannot be decided yet (⌈H / 2⌉ = H / 2): the caller re-checks them later */
  pending: [Dim, Dim][];
}

/** Can a value of `actual` be used where `expected` is written? Int widens to Real; sizes unify. */
export function unifyTypes(s: Subst, expected: Type, actual: Type): UnifyResult {
  const pending: [Dim, Dim][] = [];
  const fail = (m: Mismatch): UnifyResult => ({ mismatch: m, pending });
  if (expected.kind === "unknown" || actual.kind === "unknown") return { pending };
  if (expected.kind === "tensor" && actual.kind === "list") {
    const t = listAsTensor(s, actual);
    return t ? unifyTypes(s, expected, t) : fail({ why: "kind" });
  }
  if (expected.kind !== actual.kind) return fail({ why: "kind" });
  if (expected.kind === "list" && actual.kind === "list") {
    return expected.elem === undefined || actual.elem === undefined || elemFits(expected.elem, actual.elem) ? { pending } : fail({ why: "elem" });
  }
  if (expected.kind === "network" && actual.kind === "network") {
    const i = unifyTypes(s, expected.input, actual.input);
    if (i.mismatch) return i;
    const o = unifyTypes(s, expected.output, actual.output);
    return { mismatch: o.mismatch, pending: [...i.pending, ...o.pending] };
  }
  if (expected.kind !== "tensor" || actual.kind !== "tensor") return { pending };
  if (!elemFits(expected.elem, actual.elem)) return fail({ why: "elem" });
  if (expected.dims.length !== actual.dims.length) return fail({ why: "rank" });
  for (let i = 0; i < expected.dims.length; i++) {
    const r = unifyDim(s, expected.dims[i]!, actual.dims[i]!);
    if (r === "clash") return fail({ why: "dim", axis: i, expected: expected.dims[i]!, actual: actual.dims[i]! });
    if (r === "unknown") pending.push([expected.dims[i]!, actual.dims[i]!]);
  }
  return { pending };
}

export function elemFits(expected: Elem, actual: Elem): boolean {
  return expected === actual || (expected === "Real" && actual === "Int");
}

const ORDINALS = ["first", "second", "third", "fourth", "fifth"];

/** "the last dimensions", "the first dimensions": axis words for messages. */
export function axisWords(axis: number, rank: number): string {
  if (axis === rank - 1) return "the last dimensions";
  return `the ${ORDINALS[axis] ?? `${axis + 1}th`} dimensions`;
}

/** Why two types differ, in words: "the last dimensions differ (2 vs 3)". */
export function explainMismatch(s: Subst, m: Mismatch, expected: Type, actual: Type): string {
  switch (m.why) {
    case "kind":
      return `expected ${describeType(s, expected)}, found ${describeType(s, actual)}`;
    case "elem":
      return `expected ${showType(s, expected)}, found ${showType(s, actual)}`;
    case "rank": {
      const axes = (t: Type) => {
        const n = t.kind === "tensor" ? t.dims.length : 0;
        return n === 0 ? "no axes" : n === 1 ? "1 axis" : `${n} axes`;
      };
      return `${showType(s, expected)} has ${axes(expected)}, ${showType(s, actual)} has ${axes(actual)}`;
    }
    case "dim": {
      const rank = expected.kind === "tensor" ? expected.dims.length : 1;
      return `${axisWords(m.axis, rank)} differ (${showDim(normalizeDim(s.resolve(m.expected)))} vs ${showDim(normalizeDim(s.resolve(m.actual)))})`;
    }
  }
}

export function rankWords(n: number): string {
  return n === 0 ? "a scalar" : n === 1 ? "a vector (1 axis)" : `${n} axes`;
}
