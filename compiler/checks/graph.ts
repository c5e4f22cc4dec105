// The value graph of one bias: a node per operation, an edge per operand (marked when no gradient
// flows along it), and each node's interval. Every analysis reads this graph; none walks the AST.
// `let` names share their value's node, so the graph is linear in the size of the bias.
import type { Annotation, Arg, BiasDecl, BiasStmt, Ident, Param, ParamStmt, PenaltyStmt, ReturnStmt, Span } from "../../grammar/ast";
import type { Builtin } from "../builtins/types";
import type { Label } from "../diagnostics/diagnostic";
import type { Code } from "../diagnostics/catalog";
import { isPoint, type Interval } from "./interval";

export type Op =
  | "y" //       the bias's first parameter: the intermediary latent
  | "hyper" //   any other parameter of the bias
  | "param" //   a learnable ψ
  | "dim" //     a generic dimension used as a value
  | "const" //   a literal or named constant
  | "outer" //   a name from outside any bias (a model's y, for call-site checks)
  | "failed" //  something that did not resolve: every check skips it
  | "+" | "-" | "*" | "/" | "**" | "neg"
  | "==" | "!=" | "<" | "<=" | ">" | ">="
  | "fn" //      a built-in function (`fn` says which)
  | "bias" //    a call of a user bias
  | "net" //     a learnable network applied: ds(y)
  | "index" | "list" | "penalty";

export interface Edge {
  from: Node;
  /** no gradient flows along this edge: why, in words ("has zero gradient") */
  blocked?: string;
}

export interface Node {
  id: number;
  op: Op;
  /** the source text of the expression, shortened, for messages */
  text: string;
  span: Span;
  range: Interval;
  /** always a whole number (an exponent that is one makes `x ** k` an integer power) */
  integer: boolean;
  /** not a number we know anything about (a string, a list of settings): checks skip it */
  unknown: boolean;
  /** built from something that failed to resolve: checks skip it, and no cascade is reported */
  failed: boolean;
  /** operands in the operation's own order (a function's parameters; undefined = left out) */
  operands: (Node | undefined)[];
  inputs: Edge[];
  /** the statement it is written in (for @allow on statements) */
  stmt?: BiasStmt;
  fn?: Builtin;
  /** user bias calls: the callee, its arguments by parameter, which hyperparameters differ from its
   *  defaults, and the problems that only those values cause in the callee */
  callee?: { decl: BiasDecl; args: (Arg | undefined)[]; overridden: number[]; findings: Finding[] };
  /** sources: their declaration */
  decl?: { ident: Ident; param?: Param; stmt?: ParamStmt; index?: number };
}

/** A domain problem found in a bias (or, through a call, in a bias it calls with other hyperparameters). */
export interface Finding {
  code: Code;
  node: Node;
  /** where to point when not at the node (a call site points at the argument) */
  span?: Span;
  /** "division by `norm(y)`" */
  noun: string;
  /** "divides by `norm(y)`" (for call sites: "with eps: 0, 'circle' divides by …") */
  verb: string;
  /** ", which can be 0" */
  problem: string;
  hint: string;
  labels: Label[];
}

/** What a caller needs to know of a bias it calls. */
export interface Summary {
  ret: Interval;
  retInteger: boolean;
  /** per parameter: a gradient reaches it from the returned value */
  diffInputs: boolean[];
  /** per parameter: a gradient reaches it from the bias's penalties */
  penaltyInputs: boolean[];
}

export interface Graph {
  /** the bias (absent for a model's inline mapping) */
  decl?: BiasDecl;
  /** the @allow annotations of an inline mapping: its model's and its own (a bias's are on `decl`) */
  annotations?: Annotation[];
  nodes: Node[];
  y?: Node;
  /** every parameter's node by index (y first), hyperparameters included */
  inputs: Node[];
  params: Node[];
  /** the returned value (an inline mapping has no return statement) */
  ret?: { node: Node; stmt?: ReturnStmt };
  /** explicit `penalty` statements, and the penalties of called biases (stmt absent) */
  penalties: { node: Node; stmt?: PenaltyStmt }[];
  /** something in the bias failed to resolve: reachability is not judged */
  failed: boolean;
}

export const isConstant = (n: Node): boolean => !n.unknown && !n.failed && isPoint(n.range);

/** Edge liveness: a constant node does not depend on its operands, in value or in gradient. */
const live = (to: Node): boolean => !isConstant(to);

/** How a path may run: along any edge (syntactic use), along live edges (the value depends on it),
 *  or along live edges that carry a gradient. */
export type Flow = "use" | "value" | "gradient";

/** Nodes from which `sinks` can be reached (values flow from operands to results). */
export function reachesBack(sinks: Iterable<Node>, flow: Flow): Set<Node> {
  const seen = new Set<Node>();
  const stack = [...sinks];
  for (const s of stack) seen.add(s);
  while (stack.length) {
    const n = stack.pop()!;
    if (flow !== "use" && !live(n)) continue;
    for (const e of n.inputs) {
      if ((flow === "gradient" && e.blocked) || seen.has(e.from)) continue;
      seen.add(e.from);
      stack.push(e.from);
    }
  }
  return seen;
}

/** Each node's consumers: the reverse of `inputs`. */
export function consumers(g: Graph): Map<Node, { to: Node; edge: Edge }[]> {
  const out = new Map<Node, { to: Node; edge: Edge }[]>();
  for (const n of g.nodes) {
    for (const e of n.inputs) {
      const list = out.get(e.from) ?? [];
      list.push({ to: n, edge: e });
      out.set(e.from, list);
    }
  }
  return out;
}

/** Nodes reachable from `sources` along the edges `flow` allows. */
export function reachesForward(g: Graph, sources: Iterable<Node>, flow: Flow, outs = consumers(g)): Set<Node> {
  const seen = new Set<Node>(sources);
  const stack = [...seen];
  while (stack.length) {
    const n = stack.pop()!;
    for (const { to, edge } of outs.get(n) ?? []) {
      if (seen.has(to) || (flow !== "use" && !live(to)) || (flow === "gradient" && edge.blocked)) continue;
      seen.add(to);
      stack.push(to);
    }
  }
  return seen;
}
