// The public entry point of the grammar stage: text → typed AST + syntax problems. Never throws on bad input.
import type { Program } from "./ast";
import { buildProgram } from "./build-ast";
import { lex } from "./lexer";
import { limitNesting } from "./nesting";
import { parseTokens } from "./parser";
import { indexOfToken, SourceText, tokenEnd } from "./source";
import { ProblemWriter, type SyntaxProblem } from "./syntax-errors";

export type { SyntaxProblem } from "./syntax-errors";

export interface ParseResult {
  program: Program;
  /** sorted by position; at most one per statement */
  problems: SyntaxProblem[];
}

export function parse(text: string, file: string): ParseResult {
  const src = new SourceText(text, file);
  const lexed = lex(src);
  const limited = limitNesting(lexed.tokens, src);
  const { tokens } = limited;
  // brackets inside a hole (nested too deep) are gone from the token vector
  const kept = new Set(tokens);
  lexed.unclosed = lexed.unclosed.filter((t) => kept.has(t));
  const parsed = parseTokens(tokens, lexed.unclosed, lexed.strays.filter((t) => kept.has(t)));
  const built = buildProgram(parsed.cst, src, lexed.comments);
  const writer = new ProblemWriter(src, tokens);

  const openAt = lexed.unclosed.filter((t) => t.tokenType.name !== "LBrace").map((t) => indexOfToken(tokens, t));
  const claimed = new Set<number>();
  const out: SyntaxProblem[] = [...lexed.problems, ...limited.problems];
  for (const p of parsed.problems) {
    if (p.reason.kind === "unclosed") {
      // an opener the parser inserted while recovering is not in the text: the missing token was reported already
      if (p.at < tokens.length) out.push(writer.unclosed(p.at));
      continue;
    }
    // a lexing problem just before the error caused it: the lexer has already said so
    const prev = tokens[Math.min(p.at, tokens.length) - 1];
    const from = prev?.startOffset ?? 0;
    const to = p.at < tokens.length ? tokenEnd(tokens[p.at]!) : text.length;
    if (lexed.problems.some((l) => l.span.offset >= from && l.span.offset <= to)) continue;
    // an error inside a statement that left a '(' or '[' open is reported as that bracket
    const open = openAt.filter((o) => o >= p.unitStart && o <= p.at && !claimed.has(o));
    if (open.length > 0) {
      open.forEach((o) => claimed.add(o));
      out.push(writer.unclosed(open[0]!));
      continue;
    }
    out.push(writer.write(p));
  }
  // the builder's checks (IV1005, IV1009, chained comparisons) add nothing to a line that already has a problem
  const lines = new Set(out.map((p) => p.span.line));
  out.push(...built.problems.filter((p) => !lines.has(p.span.line)));
  return { program: built.program, problems: tidy(out) };
}

/** position order; exact duplicates dropped */
function tidy(problems: SyntaxProblem[]): SyntaxProblem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const key = `${p.code}|${p.span.offset}|${p.span.end}|${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.span.offset - b.span.offset || a.code.localeCompare(b.code));
}
