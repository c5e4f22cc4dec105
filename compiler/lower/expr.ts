// Expressions of the mapping (the model's `mapping z = …` and inlined bias bodies) → graph nodes.
// Shapes come from the type checker's record of each expression (`Env.types` of the instance being
// inlined), so the IR and the checker agree by construction; compile-time values fold.
import type { BinaryOp, Expr, Ident, Index, Slice } from "../../grammar/ast";
import type { NodeIR, OpName } from "../ir/types";
import type { Env } from "../types/context";
import { broadcastShapes } from "../types/broadcast";
import { LowerError, type Lowering } from "./context";
import { konst, mapConst, node, zipConst, type Const, type GraphBuilder, type V } from "./graph";
import { inlineBias } from "./bias";
import { lowerBuiltin } from "./calls";

/** One lowering of a mapping: the shared registries and the graph. */
export interface Mx {
  lw: Lowering;
  g: GraphBuilder;
}

/** Where an expression is lowered: the instance's types, its locals' values, the param path. */
export interface Scope {
  env: Env;
  locals: Map<Ident, V>;
  /** the bias being inlined, for NodeIR.bias */
  bias?: string;
  /** prefix of parameter ids created here, e.g. "mapping/sparse" */
  path: string;
}

export type Attrs = NonNullable<NodeIR["attrs"]>;

const OPS: Record<BinaryOp, OpName> = { "+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow", "==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge" };

const FOLD: Record<BinaryOp, (a: number, b: number) => number | boolean> = {
  "+": (a, b) => a + b,
  "-": (a, b) => a - b,
  "*": (a, b) => a * b,
  "/": (a, b) => a / b,
  "**": (a, b) => a ** b,
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
};

const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E, inf: Infinity };

export function lowerExpr(mx: Mx, e: Expr, s: Scope): V {
  switch (e.kind) {
    case "NumberLit":
    case "StringLit":
    case "BoolLit":
      return konst(e.value);
    case "Paren":
      return lowerExpr(mx, e.inner, s);
    case "Missing":
      throw new LowerError("a missing expression reached the lowering", e.span);
    case "Name": {
      const sym = mx.lw.names.resolution.get(e);
      if (sym?.kind === "local") {
        const v = s.locals.get(sym.ident);
        if (!v) throw new LowerError(`'${e.name}' has no value here`, e.span);
        return v;
      }
      if (sym?.kind === "builtin" && sym.builtin.context === "constant" && sym.builtin.name in CONSTANTS) return konst(CONSTANTS[sym.builtin.name]!);
      throw new LowerError(`'${e.name}' cannot be used as a value in a mapping`, e.span);
    }
    case "ListLit": {
      const items = e.elements.map((x) => lowerExpr(mx, x, s));
      return items.every((i) => i.kind === "const") ? konst(items.map((i) => (i as { value: Const }).value)) : { kind: "list", items };
    }
    case "Unary": {
      const v = lowerExpr(mx, e.operand, s);
      const folded = v.kind === "const" ? mapConst(v.value, (x) => -x) : undefined;
      if (folded !== undefined) return konst(folded);
      return op(mx, s, "neg", [tensor(mx, v, e, s)], e);
    }
    case "Binary": {
      const l = lowerExpr(mx, e.left, s);
      const r = lowerExpr(mx, e.right, s);
      const folded = l.kind === "const" && r.kind === "const" ? zipConst(l.value, r.value, FOLD[e.op]) : undefined;
      if (folded !== undefined) return konst(folded);
      const ids = [tensor(mx, l, e.left, s), tensor(mx, r, e.right, s)];
      return op(mx, s, OPS[e.op], ids, e, () => broadcastShapes(mx.g.shapeOf(ids[0]!), mx.g.shapeOf(ids[1]!)));
    }
    case "Index":
      return index(mx, e, s);
    case "Call": {
      const sym = mx.lw.names.resolution.get(e);
      if (sym?.kind === "bias") return inlineBias(mx, e, s);
      if (sym?.kind === "builtin" && sym.builtin.context === "function") return lowerBuiltin(mx, e, sym.builtin, s);
      if (sym?.kind === "local") {
        // A learnable network applied to a value: ds(y).
        const f = s.locals.get(sym.ident);
        if (f?.kind !== "net") throw new LowerError(`'${e.callee.name}' is not a network`, e.callee.span);
        const arg = e.args[0];
        if (!arg) throw new LowerError(`'${e.callee.name}' needs an input`, e.span);
        return op(mx, s, "apply", [tensor(mx, lowerExpr(mx, arg.value, s), arg.value, s)], e, undefined, { network: f.net });
      }
      throw new LowerError(`'${e.callee.name}' cannot be called in a mapping`, e.callee.span);
    }
  }
}

/** A node of `e`'s checked shape (or `fallback`'s when the checker recorded none). */
export function op(mx: Mx, s: Scope, name: OpName, inputs: number[], e: Expr, fallback?: () => number[] | undefined, attrs?: Attrs): V {
  const shape = shapeOf(mx, e, s, fallback);
  return node(mx.g.add(name, inputs, shape, e.span, s.bias, attrs));
}

export function shapeOf(mx: Mx, e: Expr, s: Scope, fallback?: () => number[] | undefined): number[] {
  const t = s.env.types.get(e);
  if (t || !fallback) return mx.lw.shape(t, e.span);
  const f = fallback();
  if (!f) throw new LowerError("no shape was inferred for this expression", e.span);
  return f;
}

/** A value as a node id. */
export function tensor(mx: Mx, v: V, e: Expr, s: Scope): number {
  return mx.g.materialize(v, e.span, s.bias);
}

/** A compile-time number (an index, an axis, a setting), or an error saying it must be one. */
export function constNumber(v: V, e: { span: Expr["span"] }, what: string): number {
  if (v.kind === "const" && typeof v.value === "number") return v.value;
  throw new LowerError(`${what} must be known at compile time`, e.span);
}

// ---------- indexing ----------

function index(mx: Mx, e: Index, s: Scope): V {
  const target = lowerExpr(mx, e.target, s);
  if (target.kind === "const" || target.kind === "list") return indexValue(mx, target, e, s);
  let id = tensor(mx, target, e.target, s);
  // From the last index to the first, so that dropping an axis never renumbers one still to come.
  for (let axis = e.indices.length - 1; axis >= 0; axis--) {
    const ix = e.indices[axis]!;
    const shape = mx.g.shapeOf(id);
    const size = shape[axis]!;
    if (ix.kind === "Slice") {
      const [start, stop] = sliceBounds(mx, ix, size, s);
      if (start === 0 && stop === size) continue;
      const out = shape.map((d, i) => (i === axis ? stop - start : d));
      id = mx.g.add("slice", [id], out, ix.span, s.bias, { axis, start, stop });
    } else {
      let n = constNumber(lowerExpr(mx, ix, s), ix, "an index");
      if (n < 0) n += size;
      id = mx.g.add("index", [id], shape.filter((_, i) => i !== axis), e.span, s.bias, { index: n, axis });
    }
  }
  const want = shapeOf(mx, e, s, () => mx.g.shapeOf(id));
  if (JSON.stringify(want) !== JSON.stringify(mx.g.shapeOf(id))) throw new LowerError(`indexing gives [${mx.g.shapeOf(id)}], the checker says [${want}]`, e.span);
  return node(id);
}

function sliceBounds(mx: Mx, ix: Slice, size: number, s: Scope): [number, number] {
  const bound = (x: Expr | undefined, dflt: number): number => {
    if (!x) return dflt;
    const n = constNumber(lowerExpr(mx, x, s), x, "a slice bound");
    return Math.min(size, Math.max(0, n < 0 ? n + size : n));
  };
  return [bound(ix.start, 0), bound(ix.end, size)];
}

/** Indexing a compile-time list or constant tensor along its first axis: folded. */
function indexValue(mx: Mx, target: V & { kind: "const" | "list" }, e: Index, s: Scope): V {
  const items: V[] | undefined = target.kind === "list" ? target.items : Array.isArray(target.value) ? target.value.map((c) => konst(c)) : undefined;
  if (!items) throw new LowerError("cannot index a scalar", e.span);
  if (e.indices.length !== 1) throw new LowerError("indexing a list literal on several axes is not supported", e.span);
  const ix = e.indices[0]!;
  if (ix.kind === "Slice") {
    const [a, b] = sliceBounds(mx, ix, items.length, s);
    const picked = items.slice(a, b);
    return picked.every((i) => i.kind === "const") ? konst(picked.map((i) => (i as { value: Const }).value)) : { kind: "list", items: picked };
  }
  let n = constNumber(lowerExpr(mx, ix, s), ix, "an index");
  if (n < 0) n += items.length;
  const item = items[n];
  if (!item) throw new LowerError(`index ${n} is out of range`, ix.span);
  return item;
}
