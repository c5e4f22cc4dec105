// The compiler's front door: check a spec (from disk or from memory) and get the AST and diagnostics.
// It never exits the process and never throws for bad input: editors and the LSP sit on it.
import type { Program } from "../grammar/ast";
import { diagnostic, sortDiagnostics, type Diagnostic } from "./diagnostics/diagnostic";
import { diskHost, memoryHost, type FileHost } from "./host";
import { checkNames, type NameCheck } from "./names/check-names";
import { loadModules, type Module } from "./names/modules";

export const MAX_DIAGNOSTICS = 100;

export interface CheckResult {
  program: Program;
  modules: Module[];
  diagnostics: Diagnostic[];
  /** source text per file name, for rendering */
  sources: Map<string, string>;
  names?: NameCheck;
}

export interface CheckOptions {
  file?: string;
  host?: FileHost;
}

/** Checks one spec given as text. Imports are read through `host` (the disk by default). */
export function checkSource(text: string, options: CheckOptions = {}): CheckResult {
  const file = options.file ?? "<input>.intel";
  const host = options.host ?? memoryHost({ [file]: text });
  const abs = host.absolute(file);
  const loaded = loadModules(text, abs, host);
  const sources = new Map(loaded.modules.map((m) => [m.file, m.text]));
  const result: CheckResult = { program: loaded.root.program, modules: loaded.modules, diagnostics: [], sources };
  let all = [...loaded.diagnostics];
  try {
    result.names = checkNames(loaded);
    all.push(...result.names.diagnostics);
  } catch (e) {
    all.push(internalError(e, loaded.root.program));
  }
  result.diagnostics = cap(sortDiagnostics(all));
  return result;
}

/** Checks a spec on disk. A file that cannot be read is a diagnostic, not an exception. */
export function checkFile(path: string, host: FileHost = diskHost()): CheckResult {
  const abs = host.absolute(path);
  const text = host.read(abs);
  if (text === undefined) {
    const file = host.display(abs);
    const span = { file, line: 1, col: 1, offset: 0, end: 0, endLine: 1, endCol: 1 };
    const why = host.exists(abs) ? host.readError?.(abs) ?? "unreadable" : "no such file";
    return {
      program: { kind: "Program", file, span, items: [], comments: [] },
      modules: [],
      diagnostics: [diagnostic("IV9002", span, `cannot read '${file}': ${why}`)],
      sources: new Map(),
    };
  }
  return checkSource(text, { file: host.display(abs), host });
}

export function internalError(e: unknown, program: Program): Diagnostic {
  const detail = e instanceof Error ? `${e.message}${e.stack ? `\n${e.stack.split("\n").slice(1, 4).join("\n")}` : ""}` : String(e);
  return diagnostic("IV9001", program.span, `internal compiler error: ${detail.split("\n")[0]}`, {
    hint: "this is a bug in intel-vae, not in your spec; please report it with the spec",
  });
}

function cap(ds: Diagnostic[]): Diagnostic[] {
  if (ds.length <= MAX_DIAGNOSTICS) return ds;
  const rest = ds.length - MAX_DIAGNOSTICS;
  const last = ds[MAX_DIAGNOSTICS - 1]!;
  return [...ds.slice(0, MAX_DIAGNOSTICS), diagnostic("IV9003", last.span, `${rest} more diagnostics not shown`)];
}
