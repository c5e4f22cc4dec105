// Type rules of the built-ins, keyed by the names of compiler/builtins/: functions by their `shape`
// rule (elementwise, reduce, concat, …), initialisers and networks by name, data sources by name.
// Pure over types: the lowering may call `functionResult` with concrete types to get concrete shapes.
import type { Span } from "../../grammar/ast";
import type { ArgType, Builtin } from "../builtins/types";
import { functionInfo } from "../builtins";
import { add, isNum, normalizeDim, showDim, unifyDim, type Dim, type Subst } from "./dims";
import { broadcastDims } from "./broadcast";
import { reshapeOutput } from "./layers";
import { intItems, intValue, joinElem, listAsTensor, real, showType, tensor, UNKNOWN, type TensorT, type Type } from "./types";

export interface BoundArg {
  type: Type;
  span: Span;
}

/** A call's arguments matched to the builtin's parameters; `all` holds the positional ones in order. */
export interface CallArgs {
  named: Map<string, BoundArg>;
  all: BoundArg[];
  span: Span;
  /** an argument was reported: the caller gives up on the result rather than guess */
  failed?: boolean;
}

export type Failure = { code: "IV3001" | "IV3002" | "IV3009" | "IV3010"; message: string; hint?: string; span: Span };
export type RuleResult = { type: Type } | { fail: Failure };

/** Does a value of type `t` fit a builtin parameter of loose type `at`? */
export function fitsArgType(at: ArgType, t: Type): boolean {
  if (t.kind === "unknown" || at === "any" || at === "name") return true;
  if (at === "network") return t.kind === "network";
  if (at === "Int[]" || at === "Real[]") return t.kind === "list" && (t.elem === undefined || t.elem === "Int" || (at === "Real[]" && t.elem === "Real"));
  if (at === "tensor") return (t.kind === "tensor" && t.elem !== "String") || (t.kind === "list" && t.elem !== "String" && t.elem !== "Bool");
  if (t.kind !== "tensor" || t.dims.length !== 0) return false;
  return at === t.elem || (at === "Real" && t.elem === "Int");
}

export function argTypeWords(at: ArgType): string {
  return at === "network" ? "a network, like mlp_decoder(hidden: [64])" : at === "tensor" ? "a tensor (or a number)" : at === "Int[]" ? "a list of Ints like [10, 10]" : at === "Real[]" ? "a list of numbers" : /^[AEIOU]/.test(at) ? `an ${at}` : `a ${at}`;
}

/** A tensor argument: lists become tensors, scalars stay scalars. */
function asTensor(s: Subst, a: BoundArg | undefined): TensorT | undefined {
  if (!a) return undefined;
  if (a.type.kind === "tensor") return a.type;
  if (a.type.kind === "list") return listAsTensor(s, a.type);
  return undefined;
}

const num = (a: BoundArg | undefined): Dim | undefined => (a ? intValue(a.type) : undefined);
const bool = (a: BoundArg | undefined): boolean | undefined =>
  a && a.type.kind === "tensor" && typeof a.type.value === "boolean" ? a.type.value : undefined;

function needsAxes(s: Subst, name: string, a: BoundArg, t: TensorT, n = 1): Failure | undefined {
  if (t.dims.length >= n) return undefined;
  const found = t.dims.length === 0 ? `${t.elem === "Int" ? "an Int" : `a scalar ${t.elem}`}` : showType(s, t);
  return { code: "IV3010", span: a.span, message: `${name} needs a tensor with at least ${n === 1 ? "one axis" : `${n} axes`}, found ${found}` };
}

function axisOf(s: Subst, name: string, args: CallArgs, rank: number, def: number | null): number | null | Failure {
  const a = args.named.get("axis");
  const v = a ? num(a) : def;
  if (v === null || v === undefined) return a ? null : def;
  const n = s.resolve(v);
  if (!isNum(n)) return null;
  const axis = n < 0 ? rank + n : n;
  if (axis < 0 || axis >= rank) return { code: "IV3009", span: a?.span ?? args.span, message: `${name}'s axis ${n} is out of range for a tensor with ${rank} ${rank === 1 ? "axis" : "axes"}` };
  return axis;
}

const isFailure = (x: unknown): x is Failure => typeof x === "object" && x !== null && "code" in x;

/** The result type of a built-in function applied to typed arguments. */
export function functionResult(s: Subst, b: Builtin, args: CallArgs): RuleResult {
  const info = functionInfo(b.name);
  if (!info) return { type: UNKNOWN };
  const first = args.all[0] ?? args.named.get(b.params[0]?.name ?? "");
  const x = asTensor(s, first);
  const fail = (f: Failure): RuleResult => ({ fail: f });
  switch (info.shape) {
    case "elementwise": {
      const tensorParams = b.params.filter((p) => p.type === "tensor" || p.type === "any");
      let dims: Dim[] = [];
      let elem: TensorT["elem"] | undefined;
      let seen: TensorT | undefined;
      for (const p of tensorParams) {
        const a = args.named.get(p.name);
        const t = asTensor(s, a);
        if (!a || !t) return { type: UNKNOWN };
        if (p.name === "cond" && t.elem !== "Bool") {
          return fail({ code: "IV3002", span: a.span, message: `where's condition must be a Bool (a comparison such as y > 0), found ${showType(s, t)}` });
        }
        const r = broadcastDims(s, dims, t.dims);
        if (!r.ok) {
          const why = r.why === "rank" ? `their ranks differ (${seen!.dims.length} vs ${t.dims.length})` : `the sizes differ (${showDim(normalizeDim(r.a))} vs ${showDim(normalizeDim(r.b))})`;
          return fail({ code: "IV3001", span: args.span, message: `${b.name} cannot combine ${showType(s, seen!)} and ${showType(s, t)}: ${why}` });
        }
        dims = r.dims;
        if (p.name !== "cond") elem = joinElem(elem, t.elem);
        seen = seen && seen.dims.length >= t.dims.length ? seen : t;
      }
      return { type: tensor(b.name === "where" && elem === "Int" ? "Int" : "Real", dims) };
    }
    case "reduce":
    case "same": {
      if (!x || !first) return { type: UNKNOWN };
      const bad = needsAxes(s, b.name, first, x);
      if (bad) return fail(bad);
      const axisParam = b.params.find((p) => p.name === "axis");
      const axis = axisOf(s, b.name, args, x.dims.length, axisParam ? ((axisParam.default as number | null | undefined) ?? null) : null);
      if (isFailure(axis)) return fail(axis);
      if (info.shape === "same") return { type: real(x.dims) };
      const keepParam = b.params.find((p) => p.name === "keepdims");
      const keep = bool(args.named.get("keepdims")) ?? (keepParam?.default === true);
      const dims = x.dims.flatMap((d, i) => (axis === null || i === axis ? (keep ? [1] : []) : [d]));
      return { type: real(dims) };
    }
    case "concat":
    case "stack": {
      const parts = args.all.map((a) => ({ a, t: asTensor(s, a) }));
      // no positional argument (`concat(y: …)`: the name checker reported the unknown name)
      if (parts.length === 0 || parts.some((p) => !p.t)) return { type: UNKNOWN };
      const ts = parts as { a: BoundArg; t: TensorT }[];
      if (info.shape === "concat") for (const p of ts) if (needsAxes(s, "concat", p.a, p.t)) return fail(needsAxes(s, "concat", p.a, p.t)!);
      const head = ts[0]!.t;
      const joinHint = info.shape === "concat" ? "concat joins along the last axis; every other size must agree" : "stack needs arguments of one shape";
      for (const p of ts.slice(1)) {
        const lead = info.shape === "concat" ? head.dims.length - 1 : head.dims.length;
        if (p.t.dims.length !== head.dims.length) {
          return fail({ code: "IV3001", span: p.a.span, message: `${b.name} needs arguments of the same rank: ${showType(s, head)} and ${showType(s, p.t)}`, hint: joinHint });
        }
        for (let i = 0; i < lead; i++) {
          if (unifyDim(s, head.dims[i]!, p.t.dims[i]!) === "clash") {
            return fail({ code: "IV3001", span: p.a.span, message: `${b.name} cannot join ${showType(s, head)} and ${showType(s, p.t)}: ${info.shape === "concat" ? "all but the last dimensions" : "the shapes"} must agree`, hint: joinHint });
          }
        }
      }
      if (info.shape === "stack") return { type: real([...head.dims, ts.length]) };
      const last = ts.reduce<Dim>((acc, p) => add(acc, p.t.dims[p.t.dims.length - 1]!), 0);
      return { type: real([...head.dims.slice(0, -1), last]) };
    }
    case "reshape": {
      if (!x) return { type: UNKNOWN };
      const target = ["d0", "d1", "d2", "d3"].map((k) => args.named.get(k)).filter((a): a is BoundArg => !!a).map((a) => num(a) ?? s.fresh());
      const r = reshapeOutput(s, "reshape", x.dims, target);
      return r.ok ? { type: real(r.out) } : fail({ code: "IV3001", span: args.span, message: r.message, hint: r.hint });
    }
    case "transpose": {
      if (!x || !first) return { type: UNKNOWN };
      const bad = needsAxes(s, b.name, first, x, 2);
      if (bad) return fail(bad);
      const d = x.dims;
      return { type: real([...d.slice(0, -2), d[d.length - 1]!, d[d.length - 2]!]) };
    }
    case "matmul":
      return matmul(s, args);
    case "dot": {
      const a = asTensor(s, args.named.get("a"));
      const c = asTensor(s, args.named.get("b"));
      if (!a || !c) return { type: UNKNOWN };
      const r = broadcastDims(s, a.dims, c.dims);
      if (!r.ok || r.dims.length === 0) {
        return fail({ code: "IV3001", span: args.span, message: `dot needs two tensors of the same shape, found ${showType(s, a)} and ${showType(s, c)}` });
      }
      return { type: real(r.dims.slice(0, -1)) };
    }
    case "gather": {
      const idx = asTensor(s, args.named.get("indices"));
      if (!x || !idx || !first) return { type: UNKNOWN };
      const bad = needsAxes(s, b.name, first, x);
      return bad ? fail(bad) : { type: real([...x.dims.slice(0, -1), ...idx.dims]) };
    }
    case "static": {
      const l = first?.type;
      return { type: tensor("Int", [], l?.kind === "list" && l.items ? l.items.length : undefined) };
    }
    case "mapping":
      return mappingResult(s, b, args, x, first);
  }
}

function matmul(s: Subst, args: CallArgs): RuleResult {
  const aa = args.named.get("a");
  const ba = args.named.get("b");
  const a = asTensor(s, aa);
  const b = asTensor(s, ba);
  if (!a || !b || !aa || !ba) return { type: UNKNOWN };
  for (const [arg, t] of [[aa, a], [ba, b]] as const) {
    const bad = needsAxes(s, "matmul", arg, t);
    if (bad) return { fail: bad };
  }
  // A vector on the left acts as a row, on the right as a column; the inner sizes must agree.
  const ka = a.dims[a.dims.length - 1]!;
  const kb = b.dims.length === 1 ? b.dims[0]! : b.dims[b.dims.length - 2]!;
  if (unifyDim(s, ka, kb) === "clash") {
    return {
      fail: {
        code: "IV3001",
        span: args.span,
        message: `matmul cannot multiply ${showType(s, a)} by ${showType(s, b)}: the inner dimensions differ (${showDim(normalizeDim(s.resolve(ka)))} vs ${showDim(normalizeDim(s.resolve(kb)))})`,
        hint: "matmul(a, b) needs a's last size to equal b's second-to-last (b's only size for a vector)",
      },
    };
  }
  if (b.dims.length > 2) return { type: UNKNOWN };
  const out = b.dims.length === 1 ? a.dims.slice(0, -1) : [...a.dims.slice(0, -1), b.dims[1]!];
  return { type: real(out) };
}

function mappingResult(s: Subst, b: Builtin, args: CallArgs, y: TensorT | undefined, first: BoundArg | undefined): RuleResult {
  if (!y || !first) return { type: UNKNOWN };
  if (y.dims.length !== 1) {
    return { fail: { code: "IV3010", span: first.span, message: `${b.name} maps a vector y : Real[D]; found ${showType(s, y)}` } };
  }
  if (b.name === "hierarchy") {
    const splits = args.named.get("splits");
    const items = splits ? intItems(splits.type) : undefined;
    const total = items?.reduce<Dim>((p, d) => add(p, d), 0);
    if (splits && total !== undefined && unifyDim(s, total, y.dims[0]!) === "clash") {
      return { fail: { code: "IV3002", span: splits.span, message: `hierarchy's splits add up to ${showDim(normalizeDim(s.resolve(total)))}, but y is ${showType(s, y)}`, hint: "the splits must add up to the intermediary's size" } };
    }
  }
  return { type: real(y.dims) };
}

// ---------- initialisers, networks, data ----------

/** `zeros(D)`, `normal(D, D, std: 0.01)`, `glorot(a, b)`, `eye(n)`, `constant([...])`. */
export function initializerResult(s: Subst, b: Builtin, args: CallArgs): RuleResult {
  const sized = (names: string[]): Dim[] =>
    names.map((k) => args.named.get(k)).filter((a): a is BoundArg => !!a).map((a) => num(a) ?? s.fresh());
  switch (b.name) {
    case "glorot":
      return { type: real(sized(["inputs", "outputs"])) };
    case "eye": {
      const [n] = sized(["n"]);
      return { type: real(n === undefined ? [s.fresh(), s.fresh()] : [n, n]) };
    }
    case "constant": {
      const v = args.named.get("value");
      const t = v ? asTensor(s, v) : undefined;
      return { type: t ? real(t.dims) : UNKNOWN };
    }
    default:
      return { type: real(sized(["d0", "d1", "d2", "d3"])) };
  }
}

/** `mlp(inputs, hidden, outputs)`: a network Real[inputs] → Real[outputs]. */
export function networkResult(s: Subst, b: Builtin, args: CallArgs): Type {
  if (b.name !== "mlp") return UNKNOWN;
  const size = (k: string): Dim => num(args.named.get(k)) ?? s.fresh();
  return { kind: "network", name: "mlp", input: real([size("inputs")]), output: real([size("outputs")]) };
}

/** What a data source yields per datapoint (its table entry's `point`); undefined when only the file knows (idx, csv, npy). */
export function dataShape(b: Builtin, args: CallArgs): Dim[] | undefined {
  const p = b.point;
  if (!p) return undefined;
  if ("dimArg" in p) {
    const d = args.named.get(p.dimArg);
    const def = b.params.find((q) => q.name === p.dimArg)?.default;
    const v = d ? num(d) : typeof def === "number" ? def : undefined;
    return v === undefined ? undefined : [v];
  }
  return [...(bool(args.named.get("flatten")) === true && p.flat ? p.flat : p.shape)];
}


/**
 * For the lowering: the result shape of a builtin function from concrete arguments, by parameter
 * name (a number[] is a tensor of that shape, Bool for where's `cond`; a number, Bool or String a
 * constant such as `axis`);
 * `positional` lists the tensors of a variadic call (concat, stack). Throws what the checker reports.
 */
export function functionShape(s: Subst, b: Builtin, named: Record<string, number[] | number | boolean | string>, positional: number[][] = []): number[] {
  const span = { file: "", line: 1, col: 1, offset: 0, end: 0, endLine: 1, endCol: 1 };
  const arg = (v: number[] | number | boolean | string, name = ""): BoundArg => ({
    span,
    type: Array.isArray(v) ? tensor(name === "cond" ? "Bool" : "Real", v) : typeof v === "number" ? tensor(Number.isInteger(v) ? "Int" : "Real", [], v) : tensor(typeof v === "string" ? "String" : "Bool", [], v),
  });
  const args: CallArgs = { named: new Map(Object.entries(named).map(([k, v]) => [k, arg(v, k)])), all: positional.map((v) => arg(v)), span };
  if (!b.variadic && args.all.length === 0 && b.params[0] && args.named.has(b.params[0].name)) args.all.push(args.named.get(b.params[0].name)!);
  const r = functionResult(s, b, args);
  if ("fail" in r) throw new Error(r.fail.message);
  if (r.type.kind !== "tensor") throw new Error(`${b.name}: no shape`);
  return r.type.dims.map((d) => {
    const v = s.resolve(d);
    if (!isNum(v)) throw new Error(`${b.name}: result size not known`);
    return v;
  });
}
