// The checker's diagnostics as LSP diagnostics: code, severity, range, labels and the hint as related
// information, and a link to the code's entry in docs/diagnostics.md.
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from "vscode-languageserver";
import type { CheckResult } from "../compiler/check";
import { packagePath } from "../compiler/package-root";
import type { Diagnostic } from "../compiler/diagnostics/diagnostic";
import type { Module } from "../compiler/names/modules";
import { fileUri, toRange } from "./positions";

const DOCS = fileUri(packagePath("docs", "diagnostics.md"));

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export function toLsp(d: Diagnostic): LspDiagnostic {
  const related = d.labels.map((l) => ({ location: { uri: fileUri(l.span.file), range: toRange(l.span) }, message: l.message }));
  if (d.hint) related.push({ location: { uri: fileUri(d.span.file), range: toRange(d.span) }, message: `hint: ${d.hint}` });
  return {
    range: toRange(d.span),
    severity: SEVERITY[d.severity],
    code: d.code,
    codeDescription: { href: DOCS },
    source: "intel",
    message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
    ...(related.length ? { relatedInformation: related } : {}),
  };
}

/**
 * The diagnostics of the checked file; problems inside a file it imports are shown once more at
 * the import that brings them in (the first one in full, with a count), since that file may not be open.
 */
export function diagnosticsOf(result: CheckResult, path: string): LspDiagnostic[] {
  const own = result.diagnostics.filter((d) => d.span.file === path).map(toLsp);
  const root = result.modules[0];
  if (!root) return own;
  for (const { node, module } of root.imports) {
    if (!module) continue;
    const reached = new Set<string>();
    const visit = (m: Module): void => {
      if (reached.has(m.file)) return;
      reached.add(m.file);
      for (const i of m.imports) if (i.module) visit(i.module);
    };
    visit(module);
    const inside = result.diagnostics.filter((d) => d.severity === "error" && d.span.file !== path && reached.has(d.span.file));
    const first = inside[0];
    if (!first) continue;
    const more = inside.length > 1 ? ` (and ${inside.length - 1} more)` : "";
    own.push({ ...toLsp(first), range: toRange(node.span), message: `in '${node.path}' at ${first.span.line}:${first.span.col}: ${first.message}${more}`, relatedInformation: [{ location: { uri: fileUri(first.span.file), range: toRange(first.span) }, message: first.message }] });
  }
  return own;
}
