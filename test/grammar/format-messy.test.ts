// One canonical layout: every file of the corpus, re-spaced at random (indentation, spaces between
// tokens, line breaks inside brackets), formats to exactly what the original formats to.
import { existsSync, readFileSync } from "node:fs";
import type { IToken } from "chevrotain";
import { describe, expect, it } from "vitest";
import { format } from "../../grammar/format";
import { lex } from "../../grammar/lexer";
import { parse } from "../../grammar/parse";
import { SourceText, tokenEnd } from "../../grammar/source";
import { intelFilesUnder } from "../golden";

/** positions and comments dropped: what formatting must not change */
const strip = (x: unknown): unknown =>
  Array.isArray(x)
    ? x.map(strip)
    : x && typeof x === "object"
      ? Object.fromEntries(Object.entries(x).filter(([k]) => k !== "span" && k !== "comments").map(([k, v]) => [k, strip(v)]))
      : x;

/** deterministic xorshift, so a failure replays */
function rng(seed: number): () => number {
  let s = seed | 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) % 1000) / 1000;
  };
}

const TIGHT = new Set(["(", ")", "[", "]", ",", "{", "}"]);
const STARTERS =
  /^(intel|import|bias|network|model|param|let|penalty|return|for|data|encoder|intermediary|mapping|decoder|objective|train|evaluate|@)$/;

/** The same tokens and comments, the same newlines between statements, different whitespace. */
function messUp(text: string, seed: number): string {
  const { tokens, comments } = lex(new SourceText(text, "m.intel"));
  const all: IToken[] = [...tokens.filter((t) => t.tokenType.name !== "NL"), ...comments].sort(
    (a, b) => a.startOffset - b.startOffset,
  );
  const r = rng(seed);
  const spaces = (min: number) => " ".repeat(min + Math.floor(r() * 3));
  let out = text.slice(0, all[0]?.startOffset ?? text.length);
  let depth = 0;
  all.forEach((t, i) => {
    if (i > 0) {
      const prev = all[i - 1]!;
      const gap = text.slice(tokenEnd(prev), t.startOffset);
      const isComment = t.image.startsWith("#");
      if (gap.includes("\n")) {
        out += gap.replace(/[ \t]+/g, "") + spaces(0);
      } else if (depth > 0 && !isComment && !STARTERS.test(t.image) && r() < 0.3) {
        out += "\n" + spaces(0);
      } else {
        const tight = !isComment && !prev.image.startsWith("@") && (TIGHT.has(prev.image) || TIGHT.has(t.image));
        out += spaces(tight ? 0 : 1);
      }
    }
    if (t.image === "(" || t.image === "[") depth++;
    if (t.image === ")" || t.image === "]") depth = Math.max(0, depth - 1);
    out += t.image;
  });
  const last = all[all.length - 1];
  return out + (last ? text.slice(tokenEnd(last)) : "");
}

const corpus = ["specs", "test/golden"]
  .filter((d) => existsSync(d))
  .flatMap((d) => intelFilesUnder(d))
  .filter((f) => parse(readFileSync(f, "utf8"), f).problems.length === 0);

describe("format: re-spaced corpus files format to the same text", () => {
  it.each(corpus)("%s", (f) => {
    const text = readFileSync(f, "utf8");
    const canonical = format(parse(text, f).program, text);
    for (const seed of [1, 2, 3]) {
      const messy = messUp(text, seed * 7919);
      const parsed = parse(messy, f);
      expect(parsed.problems, messy).toEqual([]);
      expect(strip(parsed.program)).toEqual(strip(parse(text, f).program));
      expect(format(parsed.program, messy)).toBe(canonical);
    }
  });
});

/** Adds a trailing comment to some lines and an own-line comment after some others. */
function addComments(text: string, seed: number): string {
  const { comments } = lex(new SourceText(text, "m.intel"));
  const r = rng(seed);
  let n = 0;
  let out = "";
  let from = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) {
    const hasComment = comments.some((c) => c.startOffset < i && tokenEnd(c) >= i - 1 && c.startOffset >= text.lastIndexOf("\n", i - 1));
    out += text.slice(from, i);
    if (!hasComment && r() < 0.3) out += `  # t${n++}`;
    out += "\n";
    if (r() < 0.15) out += `${" ".repeat(Math.floor(r() * 4))}# o${n++}\n`;
    from = i + 1;
  }
  return out + text.slice(from);
}

describe("format: comments sprinkled anywhere are kept, in order, idempotently", () => {
  it.each(corpus)("%s", (f) => {
    const text = readFileSync(f, "utf8");
    for (const seed of [11, 12, 13, 14]) {
      const src = addComments(seed % 2 ? messUp(text, seed) : text, seed);
      const a = parse(src, f);
      expect(a.problems, src).toEqual([]);
      const out = format(a.program, src);
      const b = parse(out, f);
      expect(b.problems, out).toEqual([]);
      expect(strip(b.program)).toEqual(strip(a.program));
      expect(b.program.comments.map((c) => c.text)).toEqual(a.program.comments.map((c) => c.text));
      expect(format(b.program, out), out).toBe(out);
    }
  });
});
