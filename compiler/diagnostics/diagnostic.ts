// One record type for every problem the toolchain reports, from syntax to runtime ranges.
import type { Span } from "../../grammar/ast";
import { CATALOG, type CatalogEntry, type Code, type Severity } from "./catalog";
import type { Fix } from "./suggest";

export type { Fix, Severity };

/** A secondary span with its own short message ("the encoder's output came from here"). */
export interface Label {
  span: Span;
  message: string;
}

export interface Diagnostic {
  code: Code;
  severity: Severity;
  /** one line: what went wrong, then what was expected, in the user's words */
  message: string;
  span: Span;
  labels: Label[];
  hint?: string;
  /** a mechanical repair (a misspelling with one close match): editors offer it as a quick fix */
  fix?: Fix;
}

export interface DiagnosticOptions {
  hint?: string;
  fix?: Fix;
  labels?: Label[];
  /** overrides the catalog's severity (e.g. an error demoted to a warning by a flag) */
  severity?: Severity;
}

export function diagnostic(code: Code, span: Span, message: string, options: DiagnosticOptions = {}): Diagnostic {
  const entry: CatalogEntry = CATALOG[code];
  const d: Diagnostic = {
    code,
    severity: options.severity ?? entry.severity,
    message,
    span,
    labels: options.labels ?? [],
  };
  const hint = options.hint ?? entry.hint;
  if (hint !== undefined) d.hint = hint;
  if (options.fix) d.fix = options.fix;
  return d;
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === "error");

/** Sorted by file, then position, then code; exact duplicates (same code, span and message) dropped. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of ds) {
    const key = `${d.code}|${d.span.file}|${d.span.offset}|${d.span.end}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort(
    (a, b) =>
      a.span.file.localeCompare(b.span.file) ||
      a.span.offset - b.span.offset ||
      a.code.localeCompare(b.code),
  );
}

/** The span from a place (file:line:col, as the IR records it) to the end of its line in `text`. */
export function spanOfPlace(at: { file: string; line: number; col: number }, text: string): Span {
  const lines = text.split("\n");
  const line = lines[at.line - 1] ?? "";
  const offset = lines.slice(0, at.line - 1).reduce((n, l) => n + l.length + 1, 0) + at.col - 1;
  const width = Math.max(1, line.trimEnd().length - (at.col - 1));
  return { file: at.file, line: at.line, col: at.col, offset, end: offset + width, endLine: at.line, endCol: at.col + width };
}
