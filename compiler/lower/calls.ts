// Built-in functions in a mapping → nodes, by each function's lowering rule (FunctionLowerRule in
// compiler/builtins/functions.ts). Functions with an OpName of their own use it; the rest go
// through op "builtin" with attrs.fn (runtime/mapping/builtins.ts registers them). Settings that
// are compile-time values (axis, alpha, eps) become attrs; a call on constants only folds where
// the result is exact in JavaScript.
import type { Call, Expr } from "../../grammar/ast";
import type { Builtin } from "../builtins/types";
import { functionInfo } from "../builtins/functions";
import type { OpName } from "../ir/types";
import { bindArgs } from "../types/context";
import { LowerError } from "./context";
import { constToValue, konst, mapConst, zipConst, type Const, type V } from "./graph";
import { constNumber, lowerExpr, op, tensor, type Attrs, type Mx, type Scope } from "./expr";
import { builtinMapping } from "./mappings";

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
  const rule = functionInfo(name)?.lower;
  switch (rule?.kind) {
    case "elementwise": {
      const x = arg("x");
      const folded = rule.fold && x.kind === "const" ? mapConst(x.value, rule.fold) : undefined;
      if (folded !== undefined) return konst(folded);
      const id = tensor(mx, x, argExprOf("x"), s);
      return rule.op ? node(rule.op, [id]) : builtin(name, [id]);
    }
    case "binary": {
      const [pa, pb] = [b.params[0]!.name, b.params[1]!.name];
      const [x, y] = [arg(pa), arg(pb)];
      const folded = x.kind === "const" && y.kind === "const" ? zipConst(x.value, y.value, rule.fold) : undefined;
      if (folded !== undefined) return konst(folded);
      return node(rule.op, [tensor(mx, x, argExprOf(pa), s), tensor(mx, y, argExprOf(pb), s)]);
    }
    case "reduce": {
      const attrs = { axis: maybeNum("axis"), keepdims: bool("keepdims") };
      return rule.op ? node(rule.op, [t("x")], attrs) : builtin(name, [t("x")], attrs);
    }
    case "node": {
      const inputs = b.params.filter((p) => p.type === "tensor").map((p) => t(p.name));
      const attrs: Attrs = {};
      for (const a of rule.attrs ?? []) attrs[a] = b.params.find((p) => p.name === a)?.type === "Bool" ? bool(a) : num(a);
      return rule.op ? node(rule.op, inputs, attrs) : builtin(name, inputs, attrs);
    }
    case "variadic":
      return node(rule.op, positional.map((a) => tensor(mx, lowerExpr(mx, a.value, s), a.value, s)), { axis: -1 });
    case "special": {
      const special = SPECIAL[name];
      if (special) return special({ arg, argExprOf, t, node, builtin, call });
      break;
    }
    case "mapping":
      // the library's built-in mappings (functions.ts' MAPPINGS): mappings.ts
      return builtinMapping(mx, call, b, s, { arg, t, num, maybeNum });
  }
  throw new LowerError(`the function '${name}' has no lowering`, call.callee.span);
}

/** What a special rule reads and makes. */
interface SpecialLowering {
  arg(name: string): V;
  argExprOf(name: string): Expr;
  t(name: string): number;
  node(op: OpName, inputs: number[], attrs?: Attrs): V;
  builtin(fn: string, inputs: number[], attrs?: Attrs): V;
  call: Call;
}

const numOf = (c: SpecialLowering, v: V, name: string, what: string): number => constNumber(v, c.argExprOf(name), what);

/** The functions whose lowering depends on which arguments are known at compile time
 *  (FunctionLowerRule "special"). */
const SPECIAL: Record<string, (c: SpecialLowering) => V> = {
  leaky_relu: (c) => {
    const alpha = c.arg("alpha");
    if (alpha.kind === "const") return c.node("leaky_relu", [c.t("x")], { alpha: numOf(c, alpha, "alpha", "alpha") });
    return c.node("leaky_relu", [c.t("x"), c.t("alpha")]);
  },
  elu: (c) => {
    const alpha = c.arg("alpha");
    if (alpha.kind !== "const") throw new LowerError("elu's alpha must be known at compile time", c.argExprOf("alpha").span);
    return c.builtin("elu", [c.t("x")], { alpha: numOf(c, alpha, "alpha", "alpha") });
  },
  clip: (c) => {
    const [lo, hi] = [c.arg("lo"), c.arg("hi")];
    if (lo.kind === "const" && hi.kind === "const") {
      // An infinite bound is left out: the runtime's default for it is ±∞.
      const attrs: Attrs = {};
      const l = numOf(c, lo, "lo", "clip's lo");
      const h = numOf(c, hi, "hi", "clip's hi");
      if (Number.isFinite(l)) attrs.lo = l;
      if (Number.isFinite(h)) attrs.hi = h;
      return c.node("clip", [c.t("x")], attrs);
    }
    return c.node("clip", [c.t("x"), c.t("lo"), c.t("hi")]);
  },
  mod: (c) => {
    const m = c.arg("m");
    return m.kind === "const" ? c.builtin("mod", [c.t("x")], { m: numOf(c, m, "m", "mod's m") }) : c.builtin("mod", [c.t("x"), c.t("m")]);
  },
  where: (c) => {
    const cond = c.arg("cond");
    // A condition known at compile time picks its branch (gradients only ever flow into that one).
    if (cond.kind === "const" && typeof cond.value === "boolean") return c.arg(cond.value ? "a" : "b");
    return c.node("where", [c.t("cond"), c.t("a"), c.t("b")]);
  },
  gather: (c) => {
    const idx = c.arg("indices");
    if (idx.kind !== "const") throw new LowerError("gather's indices must be known at compile time", c.argExprOf("indices").span);
    return c.builtin("gather", [c.t("x")], { indices: constToValue(idx.value) });
  },
  len: (c) => {
    const l = c.arg("list");
    if (l.kind === "const" && Array.isArray(l.value)) return konst(l.value.length);
    if (l.kind === "list") return konst(l.items.length);
    throw new LowerError("len needs a list known at compile time", c.call.span);
  },
};

/** The functions with a special rule here (a test checks them against the table's "special" entries). */
export const SPECIAL_FUNCTIONS: readonly string[] = Object.keys(SPECIAL);

export interface ArgReaders {
  arg(name: string): V;
  t(name: string): number;
  num(name: string): number;
  maybeNum(name: string): number | null;
}
