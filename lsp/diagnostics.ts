// The checker's diagnostics as LSP diagnostics: code, severity, range, labels and the hint as related
// information, and a link to the code's entry in docs/diagnostics.md.
import { fileURLToPath } from "node:url";
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from "vscode-languageserver";
import type { Diagnostic } from "../compiler/diagnostics/diagnostic";
import { fileUri, toRange } from "./positions";

const DOCS = fileUri(fileURLToPath(new URL("../docs/diagnostics.md", import.meta.url)));

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export function toLsp(d: Diagnostic): LspDiagnostic {
  const related = d.labels.map((l) => ({ location: { uri: fileUri(l.span.file), range: toRange(l.span) }, message: l.message }));
  if (d.hint) related.push({ location: { uri: fileUri(d.span.file), range: toRange(d.span) }, message: `hint: ${d.hint}` });
  return {
    range: toRange(d.span),
    severity: SEVERITY[d.severity],
    code: d.code,
    codeDescription: { href: `${DOCS}#${d.code.toLowerCase()}` },
    source: "intel",
    message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
    ...(related.length ? { relatedInformation: related } : {}),
  };
}

/** The diagnostics located in `path` (those of imported files are published for those files when open). */
export function diagnosticsIn(ds: readonly Diagnostic[], path: string): LspDiagnostic[] {
  return ds.filter((d) => d.span.file === path).map(toLsp);
}
