// A runtime data error, shown like a compiler diagnostic: file:line:col, code, the spec line, a caret.
import { READ_LIMITS, readTextFile } from "../runtime/fs/read-file";
import type { Span } from "../grammar/ast";
import { isCode } from "../compiler/diagnostics/catalog";
import { diagnostic } from "../compiler/diagnostics/diagnostic";
import { renderDiagnostic } from "../compiler/diagnostics/render";
import type { DataError } from "../runtime/data/dataset";

export function renderDataError(e: DataError, color: boolean): string | undefined {
  if (!e.at || !isCode(e.code)) return undefined;
  let text = "";
  try {
    // only a spec is quoted (the IR's `at` could have been edited to name any file)
    if (e.at.file.endsWith(".intel")) text = readTextFile(e.at.file, READ_LIMITS.spec, "spec");
  } catch {
    // the spec moved since the run started: the location alone still helps
  }
  const lines = text.split("\n");
  const line = lines[e.at.line - 1] ?? "";
  const offset = lines.slice(0, e.at.line - 1).reduce((n, l) => n + l.length + 1, 0) + e.at.col - 1;
  const width = Math.max(1, line.trimEnd().length - (e.at.col - 1));
  const span: Span = { file: e.at.file, line: e.at.line, col: e.at.col, offset, end: offset + width, endLine: e.at.line, endCol: e.at.col + width };
  return renderDiagnostic(diagnostic(e.code, span, e.message), new Map([[e.at.file, text]]), { color });
}
