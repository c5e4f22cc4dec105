// The mapping graph under construction, and the values expressions lower to. Compile-time values
// (numbers, sizes, strings, lists of them) stay values and fold; only what depends on y or ψ becomes
// a node. `finish` drops nodes nothing reads (a folded `where`'s other branch) and renumbers.
import type { Span } from "../../grammar/ast";
import type { GraphIR, NetworkIR, NodeIR, OpName, PenaltyIR, Value } from "../ir/types";
import { LowerError, type Lowering } from "./context";

export type Const = number | boolean | string | Const[];

export type V =
  | { kind: "node"; id: number }
  | { kind: "const"; value: Const }
  /** a list literal holding nodes: a tensor once stacked */
  | { kind: "list"; items: V[] }
  /** a learnable network (`param ds = mlp(…)`), applied with ds(y) */
  | { kind: "net"; net: NetworkIR };

export const node = (id: number): V => ({ kind: "node", id });
export const konst = (value: Const): V => ({ kind: "const", value });

// JSON has no ±∞: a float32 runtime reads ±1e39 as ±∞ (`clip(x, 0, inf)`, `min(x, inf)`).
const jsonNumber = (v: number): number => (v === Infinity ? 1e39 : v === -Infinity ? -1e39 : v);

export function constToValue(c: Const): Value {
  return Array.isArray(c) ? c.map(constToValue) : typeof c === "number" ? jsonNumber(c) : c;
}

/** The shape of a (nested) constant: a number is a scalar. */
export function constShape(c: Const, span: Span): number[] {
  if (!Array.isArray(c)) {
    if (typeof c === "string") throw new LowerError(`the string ${JSON.stringify(c)} cannot be used as a tensor`, span);
    return [];
  }
  if (c.length === 0) return [0];
  const inner = constShape(c[0]!, span);
  for (const x of c) {
    if (JSON.stringify(constShape(x, span)) !== JSON.stringify(inner)) throw new LowerError("a list literal's elements differ in shape", span);
  }
  return [c.length, ...inner];
}

export class GraphBuilder {
  readonly nodes: NodeIR[] = [];
  readonly penalties: PenaltyIR[] = [];
  private readonly penaltyNames = new Set<string>();

  constructor(
    readonly lw: Lowering,
    readonly inputName: string,
    readonly inputShape: number[],
    inputSpan: Span,
  ) {
    this.nodes.push({ op: "input", inputs: [], shape: inputShape, at: lw.at(inputSpan) });
  }

  add(op: OpName, inputs: number[], shape: number[], span: Span, bias: string | undefined, attrs?: NodeIR["attrs"]): number {
    const n: NodeIR = { op, inputs, shape, at: this.lw.at(span) };
    if (attrs && Object.keys(attrs).length) n.attrs = attrs;
    if (bias) n.bias = bias;
    this.nodes.push(n);
    return this.nodes.length - 1;
  }

  shapeOf(id: number): number[] {
    return this.nodes[id]!.shape;
  }

  /** A value as a node: constants become `const` nodes, lists of nodes a `stack`. */
  materialize(v: V, span: Span, bias: string | undefined): number {
    switch (v.kind) {
      case "node":
        return v.id;
      case "const":
        return this.add("const", [], constShape(v.value, span), span, bias, { value: constToValue(v.value) });
      case "list": {
        const ids = v.items.map((x) => this.materialize(x, span, bias));
        const inner = this.shapeOf(ids[0]!);
        return this.add("stack", ids, [...inner, ids.length], span, bias, { axis: -1 });
      }
      case "net":
        throw new LowerError("a network is not a tensor: apply it to a value, e.g. ds(y)", span);
    }
  }

  /** A penalty under a unique name: the spec's, with _2, _3 … when two would clash. */
  penalty(name: string, id: number, span: Span): void {
    let n = name;
    for (let i = 2; this.penaltyNames.has(n); i++) n = `${name}_${i}`;
    this.penaltyNames.add(n);
    this.penalties.push({ name: n, node: id, at: this.lw.at(span) });
  }

  /** Keeps the input, what the output and the penalties read, in order; renumbers the rest. */
  finish(output: number): GraphIR {
    const live = new Set<number>([0]);
    const mark = (i: number): void => {
      if (live.has(i) && i !== 0) return;
      live.add(i);
      for (const j of this.nodes[i]!.inputs) mark(j);
    };
    mark(output);
    for (const p of this.penalties) mark(p.node);
    const index = new Map<number, number>();
    const nodes: NodeIR[] = [];
    this.nodes.forEach((n, i) => {
      if (!live.has(i)) return;
      index.set(i, nodes.length);
      nodes.push({ ...n, inputs: n.inputs.map((j) => index.get(j)!) });
    });
    return {
      input: { name: this.inputName, shape: this.inputShape },
      nodes,
      output: index.get(output)!,
      penalties: this.penalties.map((p) => ({ ...p, node: index.get(p.node)! })),
    };
  }
}

// ---------- folding constants ----------

/** Applies `f` elementwise over numbers, broadcasting a scalar against a list (lists of one shape zip). */
export function zipConst(a: Const, b: Const, f: (x: number, y: number) => number | boolean): Const | undefined {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return undefined;
    const out: Const[] = [];
    for (let i = 0; i < a.length; i++) {
      const r = zipConst(a[i]!, b[i]!, f);
      if (r === undefined) return undefined;
      out.push(r);
    }
    return out;
  }
  if (Array.isArray(a)) return mapOrUndefined(a, (x) => zipConst(x, b, f));
  if (Array.isArray(b)) return mapOrUndefined(b, (y) => zipConst(a, y, f));
  const x = toNumber(a);
  const y = toNumber(b);
  return x === undefined || y === undefined ? undefined : notNaN(f(x, y));
}

export function mapConst(a: Const, f: (x: number) => number | boolean): Const | undefined {
  if (Array.isArray(a)) return mapOrUndefined(a, (x) => mapConst(x, f));
  const x = toNumber(a);
  return x === undefined ? undefined : notNaN(f(x));
}

function mapOrUndefined(xs: Const[], f: (x: Const) => Const | undefined): Const | undefined {
  const out: Const[] = [];
  for (const x of xs) {
    const r = f(x);
    if (r === undefined) return undefined;
    out.push(r);
  }
  return out;
}

/** A NaN is not folded: the runtime computes it, where divergence checks can point at the node. */
const notNaN = (v: number | boolean): number | boolean | undefined => (typeof v === "number" && Number.isNaN(v) ? undefined : v);

/** Bools count as 0/1 in arithmetic, as in the language. */
function toNumber(c: Const): number | undefined {
  return typeof c === "number" ? c : typeof c === "boolean" ? Number(c) : undefined;
}
