// Built-in functions in a mapping → nodes. Functions with an OpName of their own use it; the rest go
// through op "builtin" with attrs.fn (runtime/mapping/builtins.ts registers them). Settings that
// are compile-time values (axis, alpha, eps) become attrs; a call on constants only folds where
// the result is exact in JavaScript.
import type { Call } from "../../grammar/ast";
import type { Builtin } from "../builtins/types";
import { functionInfo } from "../builtins/functions";
import type { OpName } from "../ir/types";
import { bindArgs } from "../types/context";
import { LowerError } from "./context";
import { constToValue, konst, mapConst, zipConst, type Const, type V } from "./graph";
import { constNumber, lowerExpr, op, tensor, type Attrs, type Mx, type Scope } from "./expr";
import { builtinMapping } from "./mappings";

const softplus = (x: number): number => (x > 30 ? x : Math.log1p(Math.exp(x)));

/** Elementwise functions with their own op, and how to fold them on numbers (if exactly). */
const UNARY_OPS: Record<string, { op: OpName; fold?: (x: number) => number }> = {
  abs: { op: "abs", fold: Math.abs },
  sqrt: { op: "sqrt", fold: Math.sqrt },
  log: { op: "log", fold: Math.log },
  exp: { op: "exp", fold: Math.exp },
  sin: { op: "sin", fold: Math.sin },
  cos: { op: "cos", fold: Math.cos },
  tan: { op: "tan", fold: Math.tan },
  asin: { op: "asin", fold: Math.asin },
  acos: { op: "acos", fold: Math.acos },
  atan: { op: "atan", fold: Math.atan },
  tanh: { op: "tanh", fold: Math.tanh },
  sigmoid: { op: "sigmoid", fold: (x) => 1 / (1 + Math.exp(-x)) },
  softplus: { op: "softplus", fold: softplus },
  relu: { op: "relu", fold: (x) => Math.max(x, 0) },
  sign: { op: "sign", fold: Math.sign },
  floor: { op: "floor", fold: Math.floor },
  round: { op: "round" }, // halves to even: not Math.round
  normal_cdf: { op: "normal_cdf" },
};

/** Elementwise functions without an op: `builtin` nodes. */
const UNARY_BUILTINS: Record<string, ((x: number) => number) | undefined> = {
  square: (x) => x * x,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sinh: Math.sinh,
  cosh: Math.cosh,
  ceil: Math.ceil,
  stop_gradient: (x) => x,
  normal_log_cdf: undefined,
};

const BINARY_OPS: Record<string, { op: OpName; params: [string, string]; fold: (a: number, b: number) => number }> = {
  atan2: { op: "atan2", params: ["y", "x"], fold: Math.atan2 },
  pow: { op: "pow", params: ["x", "p"], fold: (a, b) => a ** b },
  min: { op: "min", params: ["a", "b"], fold: Math.min },
  max: { op: "max", params: ["a", "b"], fold: Math.max },
};

/** Reductions along `axis` with keepdims: op or builtin. */
const REDUCTIONS: Record<string, OpName | "builtin"> = { sum: "sum", mean: "mean", prod: "builtin", amin: "builtin", amax: "builtin", logsumexp: "builtin" };

export function lowerBuiltin(mx: Mx, call: Call, b: Builtin, s: Scope): V {
  const { named, positional } = bindArgs(call.args, b.params.map((p) => p.name), b.variadic);
  const has = (name: string): boolean => named.has(name);
  const arg = (name: string): V => {
    const a = named.get(name);
    if (a) return lowerExpr(mx, a.value, s);
    const d = b.params.find((p) => p.name === name)?.default;
    if (d === undefined || d === null) throw new LowerError(`${b.name}'s '${name}' has no value`, call.span);
    return konst(d as Const);
  };
  const argExprOf = (name: string) => named.get(name)?.value ?? call;
  const t = (name: string): number => tensor(mx, arg(name), argExprOf(name), s);
  const num = (name: string): number => constNumber(arg(name), argExprOf(name), `${b.name}'s '${name}'`);
  /** an optional Int setting: null when it is none */
  const maybeNum = (name: string): number | null => (has(name) || b.params.find((p) => p.name === name)?.default != null ? num(name) : null);
  const bool = (name: string): boolean => {
    const v = arg(name);
    if (v.kind !== "const" || typeof v.value !== "boolean") throw new LowerError(`${b.name}'s '${name}' must be known at compile time`, argExprOf(name).span);
    return v.value;
  };
  const node = (name: OpName, inputs: number[], attrs?: Attrs) => op(mx, s, name, inputs, call, undefined, attrs);
  const builtin = (fn: string, inputs: number[], attrs: Attrs = {}) => node("builtin", inputs, { fn, ...attrs });

  const name = b.name;
  const unary = UNARY_OPS[name];
  if (unary || name in UNARY_BUILTINS) {
    const x = arg("x");
    const fold = unary ? unary.fold : UNARY_BUILTINS[name];
    const folded = fold && x.kind === "const" ? mapConst(x.value, fold) : undefined;
    if (folded !== undefined) return konst(folded);
    const id = tensor(mx, x, argExprOf("x"), s);
    return unary ? node(unary.op, [id]) : builtin(name, [id]);
  }
  const binary = BINARY_OPS[name];
  if (binary) {
    const [pa, pb] = binary.params;
    const [x, y] = [arg(pa), arg(pb)];
    const folded = x.kind === "const" && y.kind === "const" ? zipConst(x.value, y.value, binary.fold) : undefined;
    if (folded !== undefined) return konst(folded);
    return node(binary.op, [tensor(mx, x, argExprOf(pa), s), tensor(mx, y, argExprOf(pb), s)]);
  }
  const red = REDUCTIONS[name];
  if (red) {
    const attrs = { axis: maybeNum("axis"), keepdims: bool("keepdims") };
    return red === "builtin" ? builtin(name, [t("x")], attrs) : node(red, [t("x")], attrs);
  }
  switch (name) {
    case "leaky_relu":
    case "elu": {
      const alpha = arg("alpha");
      if (alpha.kind === "const") {
        const attrs = { alpha: constNumber(alpha, argExprOf("alpha"), "alpha") };
        return name === "elu" ? builtin("elu", [t("x")], attrs) : node("leaky_relu", [t("x")], attrs);
      }
      if (name === "elu") throw new LowerError("elu's alpha must be known at compile time", argExprOf("alpha").span);
      return node("leaky_relu", [t("x"), t("alpha")]);
    }
    case "clip": {
      const [lo, hi] = [arg("lo"), arg("hi")];
      if (lo.kind === "const" && hi.kind === "const") {
        // An infinite bound is left out: the runtime's default for it is ±∞.
        const attrs: Attrs = {};
        const l = constNumber(lo, argExprOf("lo"), "clip's lo");
        const h = constNumber(hi, argExprOf("hi"), "clip's hi");
        if (Number.isFinite(l)) attrs.lo = l;
        if (Number.isFinite(h)) attrs.hi = h;
        return node("clip", [t("x")], attrs);
      }
      return node("clip", [t("x"), t("lo"), t("hi")]);
    }
    case "mod": {
      const m = arg("m");
      return m.kind === "const" ? builtin("mod", [t("x")], { m: constNumber(m, argExprOf("m"), "mod's m") }) : builtin("mod", [t("x"), t("m")]);
    }
    case "where": {
      const c = arg("cond");
      // A condition known at compile time picks its branch (gradients only ever flow into that one).
      if (c.kind === "const" && typeof c.value === "boolean") return arg(c.value ? "a" : "b");
      return node("where", [t("cond"), t("a"), t("b")]);
    }
    case "norm":
      return node("norm", [t("x")], { ord: num("ord"), axis: num("axis"), keepdims: bool("keepdims") });
    case "softmax":
      return node("softmax", [t("x")], { axis: num("axis") });
    case "log_softmax":
    case "cumsum":
      return builtin(name, [t("x")], { axis: num("axis") });
    case "dot":
      return builtin("dot", [t("a"), t("b")]);
    case "transpose":
      return builtin("transpose", [t("x")]);
    case "matmul":
      return node("matmul", [t("a"), t("b")]);
    case "entropy_spread":
      return node("entropy_spread", [t("s")], { eps: num("eps") });
    case "concat":
    case "stack":
      return node(name, positional.map((a) => tensor(mx, lowerExpr(mx, a.value, s), a.value, s)), { axis: -1 });
    case "reshape":
      return node("reshape", [t("x")]);
    case "gather": {
      const idx = arg("indices");
      if (idx.kind !== "const") throw new LowerError("gather's indices must be known at compile time", argExprOf("indices").span);
      return builtin("gather", [t("x")], { indices: constToValue(idx.value) });
    }
    case "len": {
      const l = arg("list");
      if (l.kind === "const" && Array.isArray(l.value)) return konst(l.value.length);
      if (l.kind === "list") return konst(l.items.length);
      throw new LowerError("len needs a list known at compile time", call.span);
    }
  }
  // the library's built-in mappings (functions.ts' MAPPINGS, shape rule "mapping"): mappings.ts
  if (functionInfo(name)?.shape === "mapping") return builtinMapping(mx, call, b, s, { arg, t, num, maybeNum });
  throw new LowerError(`the function '${name}' has no lowering`, call.callee.span);
}

export interface ArgReaders {
  arg(name: string): V;
  t(name: string): number;
  num(name: string): number;
  maybeNum(name: string): number | null;
}
