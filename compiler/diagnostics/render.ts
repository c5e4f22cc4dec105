// Renders diagnostics for people (terminal) and for tools (JSON).
// Terminal form, modelled on rustc and tsc:
//   file:line:col: error IV2001: undefined name 'foo'
//      3 |   let s = foo + 1
//        |           ^~~
//     = hint: did you mean 'floor'?
import type { Span } from "../../grammar/ast";
import type { Diagnostic } from "./diagnostic";

export interface RenderOptions {
  /** ANSI colours; the CLI turns them on only on a TTY without NO_COLOR */
  color?: boolean;
}

/** Source text of each file, to quote the offending lines. */
export type Sources = ReadonlyMap<string, string>;

const ANSI = { red: "31", yellow: "33", cyan: "36", blue: "34", bold: "1", dim: "2" } as const;

export function renderDiagnostics(ds: readonly Diagnostic[], sources: Sources, options: RenderOptions = {}): string {
  return ds.map((d) => renderDiagnostic(d, sources, options)).join("\n");
}

export function renderDiagnostic(d: Diagnostic, sources: Sources, options: RenderOptions = {}): string {
  const paint = (code: string, s: string) => (options.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const sevColor = d.severity === "error" ? ANSI.red : d.severity === "warning" ? ANSI.yellow : ANSI.cyan;
  const out: string[] = [];
  out.push(`${location(d.span)}: ${paint(sevColor, `${d.severity} ${d.code}`)}: ${paint(ANSI.bold, d.message)}`);
  out.push(...snippet(d.span, sources, (s) => paint(sevColor, s), paint));
  for (const label of d.labels) {
    out.push(`  ${location(label.span)}: ${paint(ANSI.cyan, "note")}: ${label.message}`);
    out.push(...snippet(label.span, sources, (s) => paint(ANSI.cyan, s), paint));
  }
  if (d.hint) out.push(`  ${paint(ANSI.cyan, "= hint")}: ${d.hint}`);
  return out.join("\n") + "\n";
}

export function location(span: Span): string {
  return `${span.file}:${span.line}:${span.col}`;
}

/** The source line with a caret under the span (its first line only when it spans several). */
function snippet(
  span: Span,
  sources: Sources,
  mark: (s: string) => string,
  paint: (code: string, s: string) => string,
): string[] {
  const text = sources.get(span.file);
  if (text === undefined) return [];
  const line = sourceLine(text, span.line);
  if (line === undefined) return [];
  const num = String(span.line);
  const gutter = " ".repeat(num.length);
  const start = Math.max(0, Math.min(span.col - 1, line.length));
  const lastCol = span.endLine === span.line ? span.endCol - 1 : line.length;
  const width = Math.max(1, Math.min(lastCol, line.length) - start);
  // Keep tabs in the padding so the caret lines up under tab-indented source.
  const pad = line.slice(0, start).replace(/[^\t]/g, " ");
  return [
    `  ${paint(ANSI.blue, `${num} |`)} ${line}`,
    `  ${paint(ANSI.blue, `${gutter} |`)} ${pad}${mark("^" + "~".repeat(width - 1))}`,
  ];
}

function sourceLine(text: string, line: number): string | undefined {
  let start = 0;
  for (let i = 1; i < line; i++) {
    const nl = text.indexOf("\n", start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  const nl = text.indexOf("\n", start);
  return text.slice(start, nl < 0 ? text.length : nl).replace(/\r$/, "");
}

/** "2 errors, 1 warning" — or "no problems". */
export function summary(ds: readonly Diagnostic[]): string {
  const count = (sev: string) => ds.filter((d) => d.severity === sev).length;
  const parts: string[] = [];
  for (const [sev, n] of [["error", count("error")], ["warning", count("warning")], ["info", count("info")]] as const) {
    if (n > 0) parts.push(`${n} ${sev}${n === 1 ? "" : "s"}`);
  }
  return parts.length ? parts.join(", ") : "no problems";
}

/** Machine-readable form, stable for editors and CI annotations. */
export function diagnosticsToJson(ds: readonly Diagnostic[]): string {
  return JSON.stringify(
    {
      version: 1,
      diagnostics: ds.map((d) => ({
        code: d.code,
        severity: d.severity,
        message: d.message,
        span: d.span,
        labels: d.labels,
        ...(d.hint ? { hint: d.hint } : {}),
        ...(d.fix ? { fix: d.fix } : {}),
      })),
    },
    null,
    2,
  );
}
