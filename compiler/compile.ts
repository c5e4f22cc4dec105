// Spec → checked → IR. The one entry point the CLI's run commands use.
// Placeholder for the lowering: until it lands, compiling reports that the IR is not available.
import { checkFile, type CheckResult } from "./check";
import { hasErrors } from "./diagnostics/diagnostic";
import type { ModelIR } from "./ir/types";

export interface CompileResult {
  check: CheckResult;
  /** present when the spec checked clean and holds a model */
  ir?: ModelIR;
}

/** Checks a spec on disk and lowers its model (the only one, or the one named) to the IR. */
export function compileFile(path: string, _modelName?: string): CompileResult {
  const check = checkFile(path);
  if (hasErrors(check.diagnostics)) return { check };
  return { check };
}
