// Builds the value graph of a bias from its AST, computing each node's interval on the way.
// Names and calls are looked up in the name checker's resolution; whatever did not resolve becomes a
// `failed` node, which every analysis skips (the name checker has already said what is wrong).
import type { Arg, BiasDecl, BiasStmt, Call, Expr, Ident, MappingItem, ModelDecl, Name, Span, TypeExpr } from "../../grammar/ast";
import type { Builtin } from "../builtins/types";
import type { Resolution } from "../names/symbols";
import type { Edge, Finding, Graph, Node, Op, Summary } from "./graph";
import * as I from "./interval";
import { argBlocker, functionRange, INTEGER_RESULTS, powRange } from "./transfer";

type Interval = I.Interval;

export interface BuildContext {
  resolution: Resolution;
  /** the source text of a span, shortened for messages */
  text(span: Span): string;
  /** a called bias, analysed with the caller's hyperparameter values (undefined = its default) */
  callee(decl: BiasDecl, hyper: (Interval | undefined)[]): { summary: Summary; overridden: number[]; findings: Finding[] };
}

const COMPARISONS = new Set(["==", "!=", "<", "<=", ">", ">="]);
const CONSTANTS: Record<string, Interval> = { pi: I.point(Math.PI), e: I.point(Math.E), inf: I.INFINITE, I: I.iv(0, 1) };

interface NodeInit {
  operands?: (Node | undefined)[];
  inputs?: Edge[];
  integer?: boolean;
  unknown?: boolean;
  failed?: boolean;
}

export class GraphBuilder {
  readonly g: Graph = { nodes: [], inputs: [], params: [], penalties: [], failed: false };
  private readonly bindings = new Map<Ident, Node>();
  private stmt: BiasStmt | undefined;

  constructor(private readonly cx: BuildContext) {}

  /** The graph of a bias whose hyperparameters take `hyper[i]` (undefined: its default), with its
   *  latent in `latent` (all reals for the domain checks; typical values for the overflow check). */
  static bias(cx: BuildContext, decl: BiasDecl, hyper: (Interval | undefined)[] = [], latent: Interval = I.REAL): Graph {
    const b = new GraphBuilder(cx);
    b.g.decl = decl;
    b.signature(decl, hyper, latent);
    b.body(decl);
    return b.g;
  }

  /** The graph of a model's mapping (`mapping z = y * exp(y)`, `mapping z = circle(y, eps: 0)`), built
   *  like a bias whose body is `return <the expression>`: the model's intermediary is its y (in
   *  `latent`), so an inline mapping goes through every check a bias does. */
  static mapping(cx: BuildContext, model: ModelDecl, item: MappingItem, latent: Interval = I.REAL): Graph {
    const b = new GraphBuilder(cx);
    b.g.annotations = [...model.annotations, ...item.annotations];
    const inter = model.items.find((i) => i.kind === "IntermediaryItem");
    if (inter) {
      const y = b.node("y", inter.name.span, latent);
      y.text = inter.name.name;
      b.bindings.set(inter.name, y);
      b.g.y = y;
      b.g.inputs.push(y);
    }
    b.g.ret = { node: b.expr(item.value) };
    return b.g;
  }

  private node(op: Op, span: Span, range: Interval, init: NodeInit = {}): Node {
    const inputs = init.inputs ?? (init.operands ?? []).filter((o): o is Node => !!o).map((from) => ({ from }));
    const failed = init.failed ?? inputs.some((e) => e.from.failed);
    const n: Node = {
      id: this.g.nodes.length,
      op,
      text: this.cx.text(span),
      span,
      // a constant is computed in float32, like the runtime does: 1 - 1e-8 is exactly 1
      range: I.isEmpty(range) ? I.REAL : I.isPoint(range) ? I.point(Math.fround(range.lo)) : range,
      integer: init.integer ?? false,
      unknown: init.unknown ?? false,
      failed,
      operands: init.operands ?? [],
      inputs,
    };
    if (this.stmt) n.stmt = this.stmt;
    if (failed) this.g.failed = true;
    this.g.nodes.push(n);
    return n;
  }

  private signature(decl: BiasDecl, hyper: (Interval | undefined)[], latent: Interval): void {
    decl.params.forEach((p, index) => {
      let n: Node;
      // a OneHot latent (compiler/types/discrete.ts) lies in [0, 1]: relaxed or hard one-hots
      if (index === 0) n = this.node("y", p.name.span, p.type.kind === "TensorType" && p.type.elem === "OneHot" ? I.iv(0, 1) : latent);
      else {
        const typed = typeRange(p.type);
        const def = p.default && hyper[index] === undefined ? this.expr(p.default) : undefined;
        const range = hyper[index] ?? def?.range ?? typed.range;
        n = this.node("hyper", p.name.span, range, { integer: typed.integer, unknown: typed.unknown || !!def?.unknown });
      }
      n.text = p.name.name;
      n.decl = { ident: p.name, param: p, index };
      this.bindings.set(p.name, n);
      this.g.inputs.push(n);
    });
    this.g.y = this.g.inputs[0];
  }

  private body(decl: BiasDecl): void {
    for (const s of decl.body) {
      this.stmt = s;
      switch (s.kind) {
        case "ParamStmt": {
          // Whatever its initial value, a learnable parameter can take any value once trained.
          const n = this.node("param", s.name.span, I.REAL);
          n.text = s.name.name;
          n.decl = { ident: s.name, stmt: s };
          this.bindings.set(s.name, n);
          this.g.params.push(n);
          break;
        }
        case "LetStmt":
          this.bindings.set(s.name, this.expr(s.value));
          break;
        case "PenaltyStmt":
          this.g.penalties.push({ node: this.expr(s.value), stmt: s });
          break;
        case "ReturnStmt": {
          const node = this.expr(s.value);
          this.g.ret ??= { node, stmt: s };
          break;
        }
      }
    }
    this.stmt = undefined;
  }

  expr(e: Expr): Node {
    switch (e.kind) {
      case "NumberLit":
        // the runtime computes in float32: 1e-50 is 0 there, 1e999 infinite (IV1012 says so)
        return this.node("const", e.span, I.point(Math.fround(e.value)), { integer: Number.isInteger(e.value) });
      case "BoolLit":
        return this.node("const", e.span, I.point(e.value ? 1 : 0), { integer: true });
      case "StringLit":
        return this.node("const", e.span, I.REAL, { unknown: true });
      case "Missing":
        return this.node("failed", e.span, I.REAL, { failed: true });
      case "Paren":
        return this.expr(e.inner);
      case "Name":
        return this.name(e);
      case "Unary": {
        const x = this.expr(e.operand);
        return this.node("neg", e.span, I.neg(x.range), { operands: [x], integer: x.integer, unknown: x.unknown });
      }
      case "Binary":
        return this.binary(e);
      case "Call":
        return this.call(e);
      case "Index": {
        const target = this.expr(e.target);
        const inputs: Edge[] = [{ from: target }];
        for (const i of e.indices) {
          const parts = i.kind === "Slice" ? [i.start, i.end] : [i];
          for (const p of parts) if (p) inputs.push({ from: this.expr(p), blocked: "uses it only as an index (no gradient)" });
        }
        return this.node("index", e.span, target.range, { operands: [target], inputs, integer: target.integer, unknown: target.unknown });
      }
      case "ListLit": {
        const xs = e.elements.map((x) => this.expr(x));
        const range = xs.length ? xs.map((x) => x.range).reduce(I.hull) : I.REAL;
        return this.node("list", e.span, range, { operands: xs, integer: xs.every((x) => x.integer), unknown: xs.some((x) => x.unknown) });
      }
    }
  }

  private name(e: Name): Node {
    const sym = this.cx.resolution.get(e);
    if (!sym) return this.node("failed", e.span, I.REAL, { failed: true });
    if (sym.kind === "builtin") {
      const c = CONSTANTS[sym.builtin.name];
      return this.node("const", e.span, c ?? I.REAL, { integer: sym.builtin.name === "I" });
    }
    if (sym.kind !== "local") return this.node("failed", e.span, I.REAL, { failed: true });
    const bound = this.bindings.get(sym.ident);
    if (bound) return bound;
    if (sym.local === "generic") {
      const n = this.node("dim", sym.ident.span, I.iv(1, Infinity), { integer: true });
      n.text = sym.ident.name;
      this.bindings.set(sym.ident, n);
      return n;
    }
    // A model's own names (y, x, z) at a call site; inside a bias, a name used before its declaration.
    const outer = ["data", "intermediary", "mapping", "for"].includes(sym.local);
    return this.node(outer ? "outer" : "failed", e.span, I.REAL, { failed: !outer });
  }

  private binary(e: Extract<Expr, { kind: "Binary" }>): Node {
    const a = this.expr(e.left);
    const b = this.expr(e.right);
    const init: NodeInit = { operands: [a, b], unknown: a.unknown || b.unknown };
    if (COMPARISONS.has(e.op)) {
      const blocked = "is a comparison (no gradient)";
      return this.node(e.op as Op, e.span, compare(e.op, a.range, b.range), {
        ...init,
        inputs: [{ from: a, blocked }, { from: b, blocked }],
        integer: true,
      });
    }
    const integer = a.integer && b.integer;
    switch (e.op) {
      case "+":
        return this.node("+", e.span, I.add(a.range, b.range), { ...init, integer });
      case "-":
        return this.node("-", e.span, I.sub(a.range, b.range), { ...init, integer });
      case "*": {
        // x * x is a square: non-relational intervals would lose that it is ≥ 0.
        return this.node("*", e.span, sameValue(a, b) ? I.square(a.range) : I.mul(a.range, b.range), { ...init, integer });
      }
      case "/": {
        const unit = unitRatio(a, b);
        const range = I.div(a.range, b.range);
        return this.node("/", e.span, unit ? I.intersect(range, unit) : range, init);
      }
      default: {
        const whole = a.integer && I.isPoint(b.range) && b.range.lo >= 0 && b.integer;
        return this.node("**", e.span, powRange(a.range, b.range, b.integer), { ...init, integer: whole });
      }
    }
  }

  private call(e: Call): Node {
    const sym = this.cx.resolution.get(e);
    if (sym?.kind === "builtin" && sym.builtin.context === "function") return this.builtin(e, sym.builtin);
    if (sym?.kind === "bias") return this.bias(e, sym.decl);
    const args = e.args.map((a) => this.expr(a.value));
    if (sym?.kind === "local" && sym.local === "param") {
      const net = this.bindings.get(sym.ident);
      if (net) return this.node("net", e.span, I.REAL, { operands: args, inputs: [{ from: net }, ...args.map((from) => ({ from }))] });
    }
    return this.node("failed", e.span, I.REAL, { operands: args, failed: true });
  }

  private builtin(e: Call, b: Builtin): Node {
    const { bound, extra } = bindArgs(e.args, b.params.map((p) => p.name), b.variadic ?? false);
    const operands = bound.map((a) => (a ? this.expr(a.value) : undefined));
    const inputs: Edge[] = [];
    operands.forEach((o, i) => {
      if (!o) return;
      const blocked = argBlocker(b, i);
      inputs.push(blocked ? { from: o, blocked } : { from: o });
    });
    for (const a of extra) inputs.push({ from: this.expr(a.value) });
    const ranges = operands.map((o, i) => (o ? o.range : defaultRange(b.params[i]?.default)));
    const integerArg = (i: number) => operands[i]?.integer ?? Number.isInteger(b.params[i]?.default);
    const range = b.name === "where" ? whereRange(operands) : undefined;
    const n = this.node("fn", e.span, range ?? functionRange(b, ranges, integerArg), { operands, inputs, integer: INTEGER_RESULTS.has(b.name) });
    n.fn = b;
    return n;
  }

  private bias(e: Call, decl: BiasDecl): Node {
    const { bound, extra } = bindArgs(e.args, decl.params.map((p) => p.name.name), false);
    const operands = bound.map((a) => (a ? this.expr(a.value) : undefined));
    for (const a of extra) this.expr(a.value);
    const hyper = operands.map((o, i) => (i > 0 && o && !o.unknown && !o.failed ? o.range : undefined));
    const { summary, overridden, findings } = this.cx.callee(decl, hyper);
    const inputs: Edge[] = [];
    operands.forEach((o, i) => {
      if (!o) return;
      const name = decl.params[i]?.name.name ?? "?";
      inputs.push(summary.diffInputs[i] ? { from: o } : { from: o, blocked: `gives its '${name}' no gradient` });
    });
    const n = this.node("bias", e.span, summary.ret, { operands, inputs, integer: summary.retInteger });
    n.callee = { decl, args: bound, overridden, findings };
    // The callee's penalties join the loss: what feeds them learns from them.
    const fed = operands.filter((o, i): o is Node => !!o && !!summary.penaltyInputs[i]);
    if (fed.length) this.g.penalties.push({ node: this.node("penalty", e.span, I.REAL, { operands: fed }) });
    return n;
  }
}

/** Positional arguments first, then named ones, matched to parameter names; the rest is `extra`. */
export function bindArgs(args: readonly Arg[], params: readonly string[], variadic: boolean): { bound: (Arg | undefined)[]; extra: Arg[] } {
  const bound: (Arg | undefined)[] = params.map(() => undefined);
  const extra: Arg[] = [];
  let next = 0;
  for (const a of args) {
    if (a.name) {
      const i = params.indexOf(a.name.name);
      if (i >= 0 && !bound[i]) bound[i] = a;
      else extra.push(a);
    } else if (next < params.length || variadic) bound[next++] = a;
    else extra.push(a);
  }
  return { bound, extra };
}

/** Two operands that are the same value: the same node, or the same (pure) expression written twice. */
function sameValue(a: Node, b: Node): boolean {
  return a === b || (a.text === b.text && !a.text.includes("…") && a.op !== "const" && !a.failed);
}

/** x / norm(x) and x / (norm(x) + c) with c ≥ 0 (x or a component of x) lie in [-1, 1]: |xᵢ| ≤ ‖x‖ₚ for
 *  p ≥ 1. The one relational fact intervals cannot see, and the circle mapping's whole point. */
function unitRatio(x: Node, d: Node): Interval | undefined {
  // x itself or a component of it (y[0] / (norm(y) + eps)).
  const whole = x.op === "index" && x.operands[0] ? x.operands[0] : x;
  const isNormOfX = (n: Node | undefined) =>
    n?.op === "fn" && n.fn?.name === "norm" && !!n.operands[0] && (sameValue(n.operands[0], x) || sameValue(n.operands[0], whole));
  if (isNormOfX(d)) return I.iv(-1, 1);
  if (d.op !== "+") return undefined;
  const [l, r] = d.operands;
  const c = isNormOfX(l) ? r : isNormOfX(r) ? l : undefined;
  if (!c || c.range.lo < 0) return undefined;
  // Not open even when c > 0: in float32, norm(x) + c rounds to norm(x) once ‖x‖ > 2c / 2⁻²³ (for
  // c = 1e-7, about 2), and the ratio is then exactly ±1.
  return I.iv(-1, 1);
}

/** where(s > k, s, b): the branch that is the condition's subject lies where the condition says
 *  (so y / where(r > 0, r, 1) is safe). A division inside a branch is not: its gradient flows there too. */
function whereRange([c, a, b]: (Node | undefined)[]): Interval | undefined {
  if (!c || !a || !b || !COMPARISONS.has(c.op)) return undefined;
  const [l, r] = c.operands;
  if (!l || !r) return undefined;
  const facts = (subject: Node, k: Node, op: string): [Interval, Interval] | undefined => {
    if (!I.isPoint(k.range)) return undefined;
    const v = k.range.lo;
    const gt: [Interval, Interval] = [I.iv(v, Infinity, true), I.iv(-Infinity, v)];
    const ge: [Interval, Interval] = [I.iv(v, Infinity), I.iv(-Infinity, v, false, true)];
    const table: Record<string, [Interval, Interval]> = { ">": gt, ">=": ge, "<": [ge[1], ge[0]], "<=": [gt[1], gt[0]] };
    return sameValue(subject, a) || sameValue(subject, b) ? table[op] : undefined;
  };
  const flip: Record<string, string> = { ">": "<", "<": ">", ">=": "<=", "<=": ">=" };
  const subject = facts(l, r, c.op) ? l : facts(r, l, flip[c.op] ?? "") ? r : undefined;
  if (!subject) return undefined;
  const [yes, no] = subject === l ? facts(l, r, c.op)! : facts(r, l, flip[c.op]!)!;
  const refine = (x: Node, fact: Interval) => (sameValue(subject, x) ? I.restrict(x.range, fact) : x.range);
  return I.hull(refine(a, yes), refine(b, no));
}

function typeRange(t: TypeExpr): { range: Interval; integer: boolean; unknown: boolean } {
  const elem = t.kind === "ScalarType" ? t.name : t.elem;
  if (elem === "Bool") return { range: I.iv(0, 1), integer: true, unknown: false };
  return { range: I.REAL, integer: elem === "Int", unknown: elem === "String" };
}

function defaultRange(d: unknown): Interval | undefined {
  if (typeof d === "number") return I.point(d);
  if (typeof d === "boolean") return I.point(d ? 1 : 0);
  return undefined;
}

/** A comparison is a constant when the intervals decide it; otherwise it is 0 or 1. */
function compare(op: string, a: Interval, b: Interval): Interval {
  const below = (x: Interval, y: Interval) => x.hi < y.lo || (x.hi === y.lo && (x.hiOpen || y.loOpen)); // x < y always
  const atMost = (x: Interval, y: Interval) => x.hi <= y.lo; //                                             x ≤ y always
  const decide = (yes: boolean, no: boolean) => (yes ? I.point(1) : no ? I.point(0) : I.iv(0, 1));
  switch (op) {
    case "<":
      return decide(below(a, b), atMost(b, a));
    case "<=":
      return decide(atMost(a, b), below(b, a));
    case ">":
      return decide(below(b, a), atMost(a, b));
    case ">=":
      return decide(atMost(b, a), below(a, b));
    case "==":
      return decide(I.isPoint(a) && I.isPoint(b) && a.lo === b.lo, below(a, b) || below(b, a));
    default:
      return decide(below(a, b) || below(b, a), I.isPoint(a) && I.isPoint(b) && a.lo === b.lo);
  }
}
