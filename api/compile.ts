// The API's front end: check or compile a spec given as text or as a file (a thin layer over compiler/).
import { checkFile, checkSource, type CheckOptions, type CheckResult } from "../compiler/check";
import { compileFile, compileSource } from "../compiler/compile";
import { hasErrors, type Diagnostic } from "../compiler/diagnostics/diagnostic";
import { renderDiagnostics } from "../compiler/diagnostics/render";
import type { ModelIR } from "../compiler/ir/types";
import { READ_LIMITS, readTextFile } from "../runtime/fs/read-file";

export { checkFile, checkSource, type CheckOptions, type CheckResult };

/** A spec: its text, or `{ file }` to read it from disk (imports resolve next to it). */
export type SpecInput = string | { file: string };

export interface CompileOptions {
  /** the name diagnostics show for spec text (default "<input>.intel") */
  file?: string;
  /** which model, when the spec holds several */
  model?: string;
}

export interface Compiled {
  /** the lowered model; null when the spec has errors (see `diagnostics`) */
  ir: ModelIR | null;
  /** errors, warnings and notes, sorted by position */
  diagnostics: Diagnostic[];
  ok: boolean;
  /** the spec's text (null when a file could not be read) and its path, when it came from a file */
  text: string | null;
  path: string | null;
  /** the diagnostics as the CLI prints them: file:line:col, code, source line, hint */
  render(options?: { color?: boolean }): string;
}

/** Checks a spec and lowers it to the IR (compiler/ir/types.ts), never throwing for bad input. */
export function compile(spec: SpecInput, options: CompileOptions = {}): Compiled {
  const fromFile = typeof spec !== "string";
  const r = fromFile ? compileFile(spec.file, options.model) : compileSource(spec, { file: options.file, model: options.model });
  const ds = r.check.diagnostics;
  let text: string | null = fromFile ? null : spec;
  if (fromFile) {
    try {
      text = readTextFile(spec.file, READ_LIMITS.spec, "spec");
    } catch {
      text = null; // the IV9002 diagnostic says why
    }
  }
  return {
    ir: r.ir ?? null,
    diagnostics: ds,
    ok: r.ir !== undefined && !hasErrors(ds),
    text,
    path: fromFile ? spec.file : null,
    render: (o = {}) => renderDiagnostics(ds, r.check.sources, o),
  };
}

/** A spec that does not compile, thrown by train(): `diagnostics` and their rendering in the message. */
export class SpecError extends Error {
  override readonly name = "SpecError";
  constructor(readonly diagnostics: Diagnostic[], rendered: string) {
    super(`the spec does not compile:\n${rendered}`);
  }
}

/** The IR of a spec or an IR given as is; throws SpecError when the spec has errors. */
export function irOf(spec: SpecInput | ModelIR, options: CompileOptions = {}): { ir: ModelIR; text: string | null; path: string | null } {
  if (typeof spec === "object" && "irVersion" in spec) return { ir: spec, text: null, path: null };
  const c = compile(spec, options);
  if (!c.ir || !c.ok) throw new SpecError(c.diagnostics, c.render());
  return { ir: c.ir, text: c.text, path: c.path };
}
