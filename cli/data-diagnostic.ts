// A runtime data error, shown like a compiler diagnostic: file:line:col, code, the spec line, a caret.
import { READ_LIMITS, readTextFile } from "../runtime/fs/read-file";
import { isCode } from "../compiler/diagnostics/catalog";
import { diagnostic, spanOfPlace } from "../compiler/diagnostics/diagnostic";
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
  return renderDiagnostic(diagnostic(e.code, spanOfPlace(e.at, text), e.message), new Map([[e.at.file, text]]), { color });
}
