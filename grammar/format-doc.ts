// The layout engine behind `format`: a small Wadler-style document printer plus comment placement.
//
// A statement is described as a Doc; groups print flat when they fit in WIDTH columns and break
// (one element per line) otherwise, or always when a comment sits inside them. Every printed line
// remembers the source range of the tokens on it, and comments are put back by source offset:
//   - an own-line comment goes before the first line whose tokens reach past it;
//   - a trailing comment goes at the end of the last line that starts before it.
// Placement never moves backwards, so the comment order is always the source order; a trailing
// comment that finds its line taken (or that would go backwards) becomes an own-line comment after
// it, which is exactly where a second run puts it, so the result is idempotent.

import type { Comment } from "./ast";

export const WIDTH = 100;
const INDENT = "  ";

export type Doc = string | Doc[] | Text | Group | Line | Indent | IfBreak | Mark;
/** text tied to a source range, so that comments can find the line it lands on */
export interface Text {
  t: "text";
  s: string;
  from: number;
  to: number;
}
export interface Group {
  t: "group";
  doc: Doc;
  forced: boolean;
}
/** a newline in a broken group, `flat` otherwise */
export interface Line {
  t: "line";
  flat: string;
}
export interface Indent {
  t: "indent";
  doc: Doc;
}
export interface IfBreak {
  t: "ifbreak";
  broken: string;
  flat: string;
}
/** blank lines: 2 = a blank line may precede this line (a statement start); 1 = only its comments */
export interface Mark {
  t: "mark";
  blank: 1 | 2;
}

export const text = (s: string, from: number, to: number): Text => ({ t: "text", s, from, to });
export const group = (doc: Doc, forced: boolean): Group => ({ t: "group", doc, forced });
export const line = (flat: string): Line => ({ t: "line", flat });
export const indent = (doc: Doc): Indent => ({ t: "indent", doc });
export const ifBreak = (broken: string, flat: string): IfBreak => ({ t: "ifbreak", broken, flat });
export const mark = (blank: 1 | 2): Mark => ({ t: "mark", blank });

export function join(docs: Doc[], sep: Doc): Doc[] {
  const out: Doc[] = [];
  docs.forEach((d, i) => {
    if (i > 0) out.push(sep);
    out.push(d);
  });
  return out;
}

export interface OutLine {
  indent: number;
  text: string;
  from: number;
  to: number;
  blank: 0 | 1 | 2;
}

type Cmd = [number, boolean, Doc]; // indent, broken?, doc

/** Does `next` printed flat, followed by the rest up to its first possible line break, fit? */
function fits(next: Cmd, rest: Cmd[], width: number): boolean {
  const stack: Cmd[] = [next];
  let r = rest.length;
  while (width >= 0) {
    if (stack.length === 0) {
      if (r === 0) return true;
      stack.push(rest[--r]!);
      continue;
    }
    const [ind, brk, d] = stack.pop()!;
    if (typeof d === "string") width -= d.length;
    else if (Array.isArray(d)) for (let i = d.length - 1; i >= 0; i--) stack.push([ind, brk, d[i]!]);
    else if (d.t === "text") width -= d.s.length;
    else if (d.t === "indent") stack.push([ind + 1, brk, d.doc]);
    else if (d.t === "group") stack.push([ind, brk || d.forced, d.doc]);
    else if (d.t === "line") {
      if (brk) return true;
      width -= d.flat.length;
    } else if (d.t === "ifbreak") width -= (brk ? d.broken : d.flat).length;
  }
  return false;
}

/** Lays out one statement (or header, or closing brace) at `level`; appends its lines to `out`. */
export function printDoc(doc: Doc, level: number, out: OutLine[]): void {
  const fresh = (ind: number): OutLine => ({ indent: ind, text: "", from: Infinity, to: -Infinity, blank: 0 });
  let cur = fresh(level);
  const cmds: Cmd[] = [[level, true, doc]];
  while (cmds.length > 0) {
    const [ind, brk, d] = cmds.pop()!;
    if (typeof d === "string") cur.text += d;
    else if (Array.isArray(d)) for (let i = d.length - 1; i >= 0; i--) cmds.push([ind, brk, d[i]!]);
    else if (d.t === "text") {
      cur.text += d.s;
      if (Number.isFinite(d.from)) cur.from = Math.min(cur.from, d.from);
      if (Number.isFinite(d.to)) cur.to = Math.max(cur.to, d.to);
    } else if (d.t === "indent") cmds.push([ind + 1, brk, d.doc]);
    else if (d.t === "group") {
      const width = WIDTH - cur.indent * INDENT.length - cur.text.length;
      const flat = !d.forced && (!brk || fits([ind, false, d.doc], cmds, width));
      cmds.push([ind, !flat, d.doc]);
    } else if (d.t === "line") {
      if (brk) {
        out.push(cur);
        cur = fresh(ind);
      } else cur.text += d.flat;
    } else if (d.t === "ifbreak") cur.text += brk ? d.broken : d.flat;
    else if (d.t === "mark") cur.blank = Math.max(cur.blank, d.blank) as 0 | 1 | 2;
  }
  out.push(cur);
}

const isCloser = (l: OutLine) => /^[)\]}]/.test(l.text);
const isOpener = (l: OutLine) => /[([{]$/.test(l.text);
const hasBlank = (source: string, from: number, to: number) =>
  from < to && /\n[ \t\r\f]*\n/.test(source.slice(Math.max(0, from), to));

/** Puts the comments back among the printed lines and renders the file. */
export function render(lines: OutLine[], comments: Comment[], source: string): string {
  // Lines without a token of their own (should not happen) borrow their neighbour's position.
  let last = -Infinity;
  for (const l of lines) {
    if (!Number.isFinite(l.from)) l.from = Number.isFinite(l.to) ? l.to : last;
    if (!Number.isFinite(l.to)) l.to = l.from;
    last = l.to;
  }
  const n = lines.length;
  const before: Comment[][] = Array.from({ length: n + 1 }, () => []);
  const trailing: (Comment | undefined)[] = new Array(n).fill(undefined);
  // slot 2k: own-line before line k; slot 2k+1: trailing on line k; slot 2n: end of file.
  let lastSlot = 0;
  const sorted = [...comments].sort((a, b) => a.span.offset - b.span.offset);
  for (const c of sorted) {
    const off = c.span.offset;
    let slot: number;
    if (c.ownLine) {
      let k = lines.findIndex((l) => l.to > off);
      if (k < 0) k = n;
      slot = 2 * k;
    } else {
      let j = -1;
      for (let k = 0; k < n; k++) if (lines[k]!.from < off) j = k;
      slot = j < 0 ? 0 : 2 * j + 1;
    }
    if (slot < lastSlot || (slot === lastSlot && slot % 2 === 1)) {
      slot = lastSlot % 2 === 1 ? lastSlot + 1 : lastSlot;
    }
    lastSlot = slot;
    if (slot % 2 === 1) trailing[(slot - 1) / 2] = c;
    else before[slot / 2]!.push(c);
  }

  const out: string[] = [];
  let prevEnd: number | undefined;
  let prevOpener = false;
  const emit = (s: string, start: number, end: number, blankOk: boolean, opener: boolean) => {
    if (out.length > 0 && blankOk && !prevOpener && prevEnd !== undefined && hasBlank(source, prevEnd, start)) {
      out.push("");
    }
    out.push(s);
    prevEnd = end;
    prevOpener = opener;
  };
  const emitComments = (cs: Comment[], level: number, blankOk: boolean) => {
    for (const c of cs) emit(INDENT.repeat(level) + "#" + c.text, c.span.offset, c.span.end, blankOk, false);
  };
  lines.forEach((l, k) => {
    emitComments(before[k]!, l.indent + (isCloser(l) ? 1 : 0), l.blank >= 1);
    const t = trailing[k];
    const body = l.text.trim() === "" ? "" : INDENT.repeat(l.indent) + l.text.trimEnd(); // Missing nodes print nothing
    const end = t ? Math.max(l.to, t.span.end) : l.to;
    emit(t ? body + "  #" + t.text : body, l.from, end, l.blank === 2, isOpener(l));
  });
  emitComments(before[n]!, 0, true);
  return out.length === 0 ? "" : out.join("\n") + "\n";
}
