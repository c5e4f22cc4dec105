// The nesting limit (IV1011). The parser, the AST builder and every later stage recurse once per level of
// brackets and of `**` (right-associative), so input nested thousands deep would overflow the stack. Before
// parsing, each expression nested deeper than MAX_NESTING has its too-deep part replaced by one hole token:
// the builder turns the hole into a Missing expression, which every later stage skips (no cascade).
// Past MAX_DEPTH operations on one path (a 2,000-term sum, a run of 3,000 `-`) the AST is as deep, and the
// later stages' recursion overflows in turn: the rest of that chain becomes a hole too.
import { createTokenInstance, tokenMatcher, type IToken } from "chevrotain";
import * as T from "./lexer";
import { tokenEnd, type SourceText } from "./source";
import type { SyntaxProblem } from "./syntax-errors";

/** brackets and `**` operators open at once (the parser's recursion); real specs stay below 10 */
export const MAX_NESTING = 100;
/** brackets and operators on one path from the expression to its innermost operand (the AST's depth):
 *  `a + b + …` is a left-nested tree, as deep as the chain is long */
export const MAX_DEPTH = 1000;

const holes = new WeakSet<IToken>();
/** a token standing for an expression that was nested too deep (already reported) */
export const isHole = (t: IToken): boolean => holes.has(t);

const OPENERS = new Set([T.LParen, T.LBracket]);
const CLOSERS = new Set([T.RParen, T.RBracket]);
const OPERANDS = new Set([T.Identifier, T.NumberLit, T.StringLit, T.True, T.False]);
/** tokens that end a statement or a block: a hole never runs past them */
const BARRIERS = new Set([T.NL, T.LBrace, T.RBrace]);

interface Level {
  /** `**` operators pending at this bracket level */
  pow: number;
  /** operators (binary, `**`, unary minus) in the expression at this level so far */
  ops: number;
}

export interface Limited {
  tokens: IToken[];
  problems: SyntaxProblem[];
}

export function limitNesting(tokens: IToken[], src: SourceText): Limited {
  const out: IToken[] = [];
  const problems: SyntaxProblem[] = [];
  const levels: Level[] = [{ pow: 0, ops: 0 }];
  const sum = (k: keyof Level) => levels.length - 1 + levels.reduce((s, l) => s + l[k], 0);
  const report = (t: IToken, message: string) =>
    problems.push({ code: "IV1011", message, span: src.tokenSpan(t), hint: "name the inner parts with `let` and build the expression from them" });
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    const ty = t.tokenType;
    const prev = out[out.length - 1];
    const unaryMinus = ty === T.Minus && !operandEnd(prev);
    const operator = ty === T.StarStar || unaryMinus || (tokenMatcher(t, T.BinOp) && operandEnd(prev));
    const deep = (OPENERS.has(ty) || ty === T.StarStar) && sum("pow") + 1 > MAX_NESTING;
    const long = (OPENERS.has(ty) || operator) && sum("ops") + 1 > MAX_DEPTH;
    if (deep || long) {
      if (deep) report(t, `this expression nests more than ${MAX_NESTING} levels deep (brackets and '**' count)`);
      else report(t, `this expression is more than ${MAX_DEPTH} operations deep`);
      // the too-deep operand (with its call name, or the rest of a chain) becomes one hole
      const after = ty === T.StarStar || (operator && !unaryMinus);
      let start = after ? i + 1 : i;
      if (OPENERS.has(ty) && prev?.tokenType === T.Identifier) {
        start = i - 1;
        out.pop();
      }
      if (after) out.push(t);
      const end = holeEnd(tokens, after ? i + 1 : i, long && !deep);
      out.push(hole(tokens, start, end, src));
      i = end;
      continue;
    }
    const level = levels[levels.length - 1]!;
    if (operator) level.ops++;
    if (OPENERS.has(ty)) levels.push({ pow: 0, ops: 0 });
    else if (ty === T.StarStar) level.pow++;
    else if (CLOSERS.has(ty)) {
      if (levels.length > 1) levels.pop();
      levels[levels.length - 1]!.pow = 0;
    } else if (BARRIERS.has(ty)) levels.splice(0, levels.length, { pow: 0, ops: 0 });
    else if (ty === T.Comma || ty === T.Colon || ty === T.Equals) {
      level.pow = 0;
      level.ops = 0;
    } else if (!OPERANDS.has(ty) && !unaryMinus) level.pow = 0; // an operator ends the power chains of this level
    out.push(t);
    i++;
  }
  return { tokens: out, problems };
}

/** The index just past an operand starting at `from`: its brackets closed, its `**` chain ended (with
 *  `chain`, the whole rest of the expression at this level, binary operators included). */
function holeEnd(tokens: IToken[], from: number, chain: boolean): number {
  let open = 0;
  let i = from;
  for (; i < tokens.length; i++) {
    const t = tokens[i]!;
    const ty = t.tokenType;
    if (BARRIERS.has(ty)) break;
    if (OPENERS.has(ty)) open++;
    else if (CLOSERS.has(ty)) {
      if (open === 0) break;
      open--;
      if (open === 0 && !chain && !continues(tokens[i + 1])) return i + 1;
    } else if (open === 0 && i > from && !OPERANDS.has(ty) && ty !== T.StarStar && !(ty === T.Minus && !operandEnd(tokens[i - 1]))) {
      if (!chain || !tokenMatcher(t, T.BinOp)) break;
    }
  }
  return Math.max(i, from + 1);
}

const operandEnd = (t: IToken | undefined): boolean => t !== undefined && (OPERANDS.has(t.tokenType) || CLOSERS.has(t.tokenType));

/** after a closed group, the operand goes on with an index `[`, a call `(`, or `**` */
const continues = (t: IToken | undefined): boolean => t !== undefined && (OPENERS.has(t.tokenType) || t.tokenType === T.StarStar);

/** One NumberLit token covering tokens[start, end): the parser accepts it where an operand goes. */
function hole(tokens: IToken[], start: number, end: number, src: SourceText): IToken {
  const first = tokens[Math.min(start, tokens.length - 1)]!;
  const last = tokens[Math.max(start, Math.min(end, tokens.length) - 1)]!;
  const image = src.text.slice(first.startOffset, tokenEnd(last));
  const t = createTokenInstance(T.NumberLit, image, first.startOffset, first.startOffset + image.length - 1, NaN, NaN, NaN, NaN);
  holes.add(t);
  return t;
}
