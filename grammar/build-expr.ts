// CST → AST for types and expressions, and the span bookkeeping shared by the whole builder.
// Spans come from real tokens only; a part with no real token gets a zero-width span just after the
// last real token seen (never NaN).
import type { CstElement, CstNode, IToken } from "chevrotain";
import type * as A from "./ast";
import { stringValue } from "./lexer";
import { isHole } from "./nesting";
import { isReal, tokenEnd, type SourceText } from "./source";
import type { SyntaxProblem } from "./syntax-errors";

export type Node = CstNode | undefined;
export type Part = IToken | A.Span | { span: A.Span } | undefined;

const NONE: CstElement[] = [];
const kids = (n: Node, key: string): CstElement[] => (n === undefined ? NONE : n.children[key] ?? NONE);
export const toks = (n: Node, key: string): IToken[] => kids(n, key) as IToken[];
export const nodes = (n: Node, key: string): CstNode[] => kids(n, key) as CstNode[];
export const tok = (n: Node, key: string, i = 0): IToken | undefined => toks(n, key)[i];
export const sub = (n: Node, key: string, i = 0): Node => nodes(n, key)[i];
const PRECEDENCE: Partial<Record<A.BinaryOp, number>> = {
  "==": 1, "!=": 1, "<": 1, "<=": 1, ">": 1, ">=": 1, "+": 2, "-": 2, "*": 3, "/": 3,
};
const isSpan = (p: A.Span | { span: A.Span }): p is A.Span => "offset" in p;

export class ExprBuilder {
  readonly problems: SyntaxProblem[] = [];
  /** end of the last real token seen, in source order: where missing parts are placed */
  protected last = 0;

  constructor(protected readonly src: SourceText) {}

  // ---------------------------------------------------------------- spans

  protected span(...parts: Part[]): A.Span {
    let start = Infinity;
    let end = -Infinity;
    for (const p of parts) {
      if (p === undefined) continue;
      if ("tokenType" in p) {
        if (!isReal(p)) continue;
        start = Math.min(start, p.startOffset);
        end = Math.max(end, tokenEnd(p));
        this.last = Math.max(this.last, tokenEnd(p));
      } else {
        const s = isSpan(p) ? p : p.span;
        start = Math.min(start, s.offset);
        end = Math.max(end, s.end);
      }
    }
    return start <= end ? this.src.span(start, end) : this.src.span(this.last, this.last);
  }

  /** moves the cursor past real tokens that belong to no node of their own ('=', ':', '(' …) */
  protected touch(...ts: (IToken | undefined)[]): void {
    for (const t of ts) if (isReal(t)) this.last = Math.max(this.last, tokenEnd(t));
  }

  protected missing(): A.Missing {
    return { kind: "Missing", span: this.src.span(this.last, this.last) };
  }

  protected ident(t: IToken | undefined): A.Ident {
    return { kind: "Ident", name: isReal(t) ? t.image : "", span: this.span(t) };
  }

  // ---------------------------------------------------------------- types

  protected type(n: Node): A.TypeExpr {
    const head = tok(n, "TypeName");
    // a recovered type with no name: 'Real' stands in (the syntax error was reported)
    const elem = (isReal(head) ? head.image : "Real") as A.ElemType;
    if (tok(n, "LBracket") === undefined) return { kind: "ScalarType", name: elem, span: this.span(head) };
    const dims = nodes(n, "dim").map((d) => this.dim(d));
    const span = this.span(head, tok(n, "LBracket"), ...dims, tok(n, "RBracket"));
    return dims.length === 0 ? { kind: "ListType", elem, span } : { kind: "TensorType", elem, dims, span };
  }

  protected dim(n: Node): A.DimExpr {
    return this.foldDims(nodes(n, "dimTerm").map((t) => this.foldDims(nodes(t, "dimAtom").map((a) => this.dimAtom(a)), toks(t, "MulOp"))), toks(n, "AddOp"));
  }

  protected foldDims(operands: A.DimExpr[], ops: IToken[]): A.DimExpr {
    let left = operands[0] ?? this.dimMissing();
    ops.forEach((op, i) => {
      const right = operands[i + 1] ?? this.dimMissing();
      left = { kind: "DimBinary", op: op.image as A.DimBinary["op"], left, right, span: this.span(left, right) };
    });
    return left;
  }

  protected dimMissing(): A.DimExpr {
    return { kind: "DimInfer", span: this.src.span(this.last, this.last) };
  }

  protected dimAtom(n: CstNode): A.DimExpr {
    const num = tok(n, "NumberLit");
    if (num !== undefined) return { kind: "DimNum", value: isReal(num) ? parseFloat(num.image) : 0, span: this.span(num) };
    const id = tok(n, "Identifier");
    if (id !== undefined) return { kind: "DimVar", name: isReal(id) ? id.image : "", span: this.span(id) };
    const q = tok(n, "Question");
    if (q !== undefined) return { kind: "DimInfer", span: this.span(q) };
    this.touch(tok(n, "LParen"));
    const inner = sub(n, "dim");
    return inner !== undefined ? this.dim(inner) : this.dimMissing();
  }

  // ---------------------------------------------------------------- expressions

  /** an operand/operator chain, combined by precedence: comparisons < + - < * /, all left-associative */
  protected expr(n: Node): A.Expr {
    if (n === undefined) return this.missing();
    const units = nodes(n, "unary");
    const ops = toks(n, "BinOp");
    const out: A.Expr[] = [units[0] !== undefined ? this.unary(units[0]) : this.missing()];
    const pending: A.BinaryOp[] = [];
    const reduce = (): void => {
      const right = out.pop()!;
      const left = out.pop()!;
      out.push({ kind: "Binary", op: pending.pop()!, left, right, span: this.span(left, right) });
    };
    let comparisons = 0;
    ops.forEach((opTok, i) => {
      const op = opTok.image as A.BinaryOp;
      if (PRECEDENCE[op] === 1 && ++comparisons === 2)
        this.problems.push({
          code: "IV1001",
          message: `comparisons do not chain: found a second comparison '${op}'`,
          span: this.span(opTok),
          hint: "add parentheses, e.g. '(a < b) == c'",
        });
      while (pending.length > 0 && PRECEDENCE[pending[pending.length - 1]!]! >= PRECEDENCE[op]!) reduce();
      pending.push(op);
      this.touch(opTok);
      out.push(units[i + 1] !== undefined ? this.unary(units[i + 1]) : this.missing());
    });
    while (pending.length > 0) reduce();
    return out[0]!;
  }

  protected unary(n: Node): A.Expr {
    const minus = toks(n, "Minus");
    this.touch(...minus);
    let e = this.atom(sub(n, "atom"));
    const pow = tok(n, "StarStar");
    if (pow !== undefined) {
      this.touch(pow);
      const exponent = this.unary(sub(n, "unary"));
      e = { kind: "Binary", op: "**", left: e, right: exponent, span: this.span(e, exponent) };
    }
    for (let i = minus.length - 1; i >= 0; i--) e = { kind: "Unary", op: "-", operand: e, span: this.span(minus[i], e) };
    return e;
  }

  protected atom(n: Node): A.Expr {
    let target = this.primary(n);
    for (const s of nodes(n, "indexSuffix")) {
      this.touch(tok(s, "LBracket"));
      const indices = nodes(s, "indexArg").map((a) => this.indexArg(a));
      target = { kind: "Index", target, indices, span: this.span(target, ...indices, tok(s, "RBracket")) };
    }
    return target;
  }

  protected indexArg(n: CstNode): A.Expr | A.Slice {
    const colon = tok(n, "Colon");
    const start = sub(n, "start") !== undefined ? this.expr(sub(n, "start")) : undefined;
    if (colon === undefined) return start ?? this.missing();
    this.touch(colon);
    const end = sub(n, "end") !== undefined ? this.expr(sub(n, "end")) : undefined;
    return { kind: "Slice", ...(start ? { start } : {}), ...(end ? { end } : {}), span: this.span(start, colon, end) };
  }

  protected primary(n: Node): A.Expr {
    const c = n?.children;
    if (c === undefined) return this.missing();
    const id = c["Identifier"]?.[0] as IToken | undefined;
    if (id !== undefined) {
      if (c["LParen"] === undefined) return { kind: "Name", name: isReal(id) ? id.image : "", span: this.span(id) };
      return this.call(n!, id);
    }
    const num = c["NumberLit"]?.[0] as IToken | undefined;
    if (num !== undefined) {
      if (isHole(num)) return { kind: "Missing", span: this.span(num) }; // nested too deep: reported as IV1011
      const raw = num.image;
      this.float32(raw, num);
      return { kind: "NumberLit", value: parseFloat(raw), raw, isInt: /^\d+$/.test(raw), span: this.span(num) };
    }
    const str = c["StringLit"]?.[0] as IToken | undefined;
    if (str !== undefined) return { kind: "StringLit", value: stringValue(str.image), span: this.span(str) };
    const bool = (c["True"] ?? c["False"])?.[0] as IToken | undefined;
    if (bool !== undefined) return { kind: "BoolLit", value: bool.tokenType.name === "True", span: this.span(bool) };
    const list = sub(n, "listLit");
    if (list !== undefined) {
      this.touch(tok(list, "LBracket"));
      const elements = nodes(list, "expr").map((e) => this.expr(e));
      return { kind: "ListLit", elements, span: this.span(tok(list, "LBracket"), ...elements, tok(list, "RBracket")) };
    }
    const paren = sub(n, "parenExpr");
    if (paren !== undefined) {
      this.touch(tok(paren, "LParen"));
      const inner = this.expr(sub(paren, "expr"));
      return { kind: "Paren", inner, span: this.span(tok(paren, "LParen"), inner, tok(paren, "RParen")) };
    }
    return this.missing();
  }

  /** IV1012: models compute in float32, where 1e999 is infinite and 1e-50 is 0. */
  private float32(raw: string, t: IToken): void {
    const v = parseFloat(raw);
    const f = Math.fround(v);
    if (Number.isNaN(v) || (Number.isFinite(f) && (f !== 0 || v === 0))) return;
    const what = Number.isFinite(f) ? "is 0 in float32 (the smallest positive float32 is about 1.4e-45)" : "is infinite in float32 (the largest float32 is about 3.4e38)";
    this.problems.push({
      code: "IV1012",
      message: `the number ${raw} ${what}`,
      span: this.span(t),
      hint: Number.isFinite(f) ? "use a value float32 can hold, e.g. 1e-7 for an epsilon" : "use a finite value below 3.4e38, or the constant `inf`",
    });
  }

  /** a call from a node holding `Identifier ( args )` (atom) or `name ( args )` (layerCall) */
  protected call(n: CstNode, nameTok: IToken | undefined): A.Call {
    const callee = this.ident(nameTok);
    this.touch(tok(n, "LParen"));
    const args = nodes(sub(n, "args"), "arg").map((a): A.Arg => {
      const name = tok(a, "name") !== undefined ? this.ident(tok(a, "name")) : undefined;
      this.touch(tok(a, "Colon"));
      const value = this.expr(sub(a, "expr"));
      return { kind: "Arg", ...(name ? { name } : {}), value, span: this.span(name, value) };
    });
    const named = args.findIndex((a) => a.name !== undefined);
    const late = named < 0 ? undefined : args.slice(named).find((a) => a.name === undefined);
    if (late !== undefined)
      this.problems.push({
        code: "IV1009",
        message: `positional argument after a named one in the call to '${callee.name}'`,
        span: late.span,
        hint: "write positional arguments first",
      });
    return { kind: "Call", callee, args, span: this.span(callee, ...args, tok(n, "RParen")) };
  }
}
