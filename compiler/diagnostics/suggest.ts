// "Did you mean …?": the one place that decides whether a misspelt word has a close match, used by
// the checker (hints and fixes), the CLI and the language server.
//   suggest("sigmod", names) === "sigmoid"
//   didYouMean("splt", span, ["split", "validation"]) → { guess: "split", hint: "did you mean 'split'?", fix }
import type { Span } from "../../grammar/ast";

/** A mechanical repair of a diagnostic: editors offer it as a quick fix (the CLI shows the hint). */
export interface Fix {
  title: string;
  edits: { span: Span; text: string }[];
}

/** Edit distance with adjacent transpositions (optimal string alignment): "sigmod" → "sigmoid" is 1. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  let prev2: number[] = [];
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n]!;
}

/** How many edits a name of this length may be away from a suggestion. */
function budget(length: number): number {
  if (length <= 3) return 1;
  if (length <= 7) return 2;
  return 3;
}

/**
 * The candidate closest to `name`, for "did you mean …?" hints; undefined when none is close.
 * Case is ignored first (`normal` finds `Normal`), then edits are counted; a candidate must be within
 * 1 edit for names of ≤ 3 characters, 2 up to 7, 3 beyond, and closer than its own length (so `x`
 * never suggests `I`). Ties go to the candidate with the same first letter, then to the earliest.
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  if (name === "") return undefined;
  const lower = name.toLowerCase();
  let best: { c: string; d: number; exact: number; first: boolean } | undefined;
  const seen = new Set<string>();
  for (const c of candidates) {
    if (c === name || c === "" || seen.has(c)) continue;
    seen.add(c);
    const d = editDistance(lower, c.toLowerCase());
    if (d > budget(name.length) || d >= c.length) continue;
    const exact = editDistance(name, c);
    const first = c[0]?.toLowerCase() === lower[0];
    const better =
      !best || d < best.d || (d === best.d && exact < best.exact) || (d === best.d && exact === best.exact && first && !best.first);
    if (better) best = { c, d, exact, first };
  }
  return best?.c;
}

export interface Suggestion {
  guess: string;
  /** "did you mean 'split'?" */
  hint: string;
  /** replaces the word at `span` by the guess */
  fix: Fix;
}

/** The close match for the word written at `span`, with its hint and its quick fix; undefined when none. */
export function didYouMean(name: string, span: Span, candidates: Iterable<string>): Suggestion | undefined {
  const guess = suggest(name, candidates);
  if (guess === undefined) return undefined;
  return { guess, hint: `did you mean '${guess}'?`, fix: { title: `change '${name}' to '${guess}'`, edits: [{ span, text: guess }] } };
}

/** The text with the fix's edits applied (edits do not overlap; applied from the end backwards). */
export function applyFix(text: string, fix: Fix): string {
  const edits = [...fix.edits].sort((a, b) => b.span.offset - a.span.offset);
  let out = text;
  for (const e of edits) out = out.slice(0, e.span.offset) + e.text + out.slice(e.span.end);
  return out;
}
