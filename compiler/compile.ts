// Spec → checked → IR. The one entry point the CLI's run commands use.
import { checkFile, checkSource, type CheckOptions, type CheckResult } from "./check";
import { hasErrors, sortDiagnostics } from "./diagnostics/diagnostic";
import type { FileHost } from "./host";
import type { ModelIR } from "./ir/types";
import { lower } from "./lower/lower";

export { lower, type LowerResult } from "./lower/lower";
export { irToJson } from "./lower/json";

export interface CompileResult {
  /** the check, with the lowering's own diagnostics (if any) added to its diagnostics */
  check: CheckResult;
  /** present when the spec checked clean and holds a model (the only one, or the one named) */
  ir?: ModelIR;
}

/** Checks a spec on disk and lowers its model (the only one, or the one named) to the IR. */
export function compileFile(path: string, modelName?: string, host?: FileHost): CompileResult {
  return finish(checkFile(path, host), modelName);
}

/** Checks a spec given as text (imports read through `options.host`) and lowers its model. */
export function compileSource(text: string, options: CheckOptions & { model?: string } = {}): CompileResult {
  return finish(checkSource(text, options), options.model);
}

function finish(check: CheckResult, modelName: string | undefined): CompileResult {
  if (hasErrors(check.diagnostics)) return { check };
  const r = lower(check, modelName);
  const diagnostics = r.diagnostics.length ? sortDiagnostics([...check.diagnostics, ...r.diagnostics]) : check.diagnostics;
  return r.ir ? { check: { ...check, diagnostics }, ir: r.ir } : { check: { ...check, diagnostics } };
}
