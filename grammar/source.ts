// Offsets → spans. Every span in the grammar stage is built here from character offsets alone, so that
// chevrotain's NaN positions (EOF, tokens inserted by recovery) can never leak into the AST.
import type { IToken } from "chevrotain";
import type { Span } from "./ast";

export class SourceText {
  private readonly lineStarts: number[] = [0];
  private hint = 0;

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  /** 1-based line and column of a 0-based offset (clamped into the text). */
  position(offset: number): { line: number; col: number } {
    const o = Math.max(0, Math.min(this.text.length, Math.floor(offset)));
    // spans are mostly made in source order: try the line of the previous lookup first
    const h = this.hint;
    if (this.lineStarts[h]! <= o && (h + 1 >= this.lineStarts.length || o < this.lineStarts[h + 1]!))
      return { line: h + 1, col: o - this.lineStarts[h]! + 1 };
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    this.hint = lo;
    return { line: lo + 1, col: o - this.lineStarts[lo]! + 1 };
  }

  /** A span from `start` to `end` (exclusive); endLine/endCol describe the position just past the end. */
  span(start: number, end: number): Span {
    const s = clamp(start, this.text.length);
    const e = Math.max(s, clamp(end, this.text.length));
    const a = this.position(s);
    const b = this.position(e);
    return { file: this.file, line: a.line, col: a.col, offset: s, end: e, endLine: b.line, endCol: b.col };
  }

  tokenSpan(t: IToken): Span {
    return this.span(t.startOffset, tokenEnd(t));
  }
}

const clamp = (n: number, max: number): number => (Number.isFinite(n) ? Math.max(0, Math.min(max, Math.floor(n))) : 0);

/** A token that exists in the text (not EOF, not inserted by recovery). */
export const isReal = (t: IToken | undefined): t is IToken =>
  t !== undefined && t.isInsertedInRecovery !== true && Number.isFinite(t.startOffset) && t.tokenType.name !== "EOF";

/** Exclusive end offset; `onlyOffset` position tracking gives no endOffset, the image length is exact. */
export const tokenEnd = (t: IToken): number => t.startOffset + t.image.length;

/** index of `t` in `tokens` (sorted by offset), or tokens.length for EOF and tokens not in the vector */
export function indexOfToken(tokens: readonly IToken[], t: IToken): number {
  const off = t.startOffset;
  if (!Number.isFinite(off)) return tokens.length;
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = tokens[mid]!.startOffset;
    if (m === off) return tokens[mid] === t ? mid : tokens.length;
    if (m < off) lo = mid + 1;
    else hi = mid - 1;
  }
  return tokens.length;
}
