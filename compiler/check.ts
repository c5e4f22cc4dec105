// The compiler's front door: check a spec (from disk or from memory) and get the AST and diagnostics.
// It never exits the process and never throws for bad input: editors and the LSP sit on it.
import type { Program } from "../grammar/ast";
import { diagnostic, sortDiagnostics, type Diagnostic } from "./diagnostics/diagnostic";
import { diskHost, memoryHost, type FileHost } from "./host";
import { checkBiasDefinitions } from "./checks/check-biases";
import { checkNames, type NameCheck } from "./names/check-names";
import { checkModelRules } from "./rules/model-rules";
import { checkTypes, type TypeCheck } from "./types/check-types";
import { loadModules, parseModule, type LoadedModules, type Module } from "./names/modules";

export const MAX_DIAGNOSTICS = 100;

export interface CheckResult {
  program: Program;
  modules: Module[];
  diagnostics: Diagnostic[];
  /** source text per file name, for rendering */
  sources: Map<string, string>;
  names?: NameCheck;
  types?: TypeCheck;
}

export interface CheckOptions {
  file?: string;
  host?: FileHost;
}

/** Checks one spec given as text. Imports are read through `host` (the disk by default). Never throws:
 *  whatever goes wrong inside (a bug, a host that throws, a stack overflow) is an IV9001 diagnostic. */
export function checkSource(text: string, options: CheckOptions = {}): CheckResult {
  try {
    return checkText(text, options);
  } catch (e) {
    const file = options.file ?? "<input>.intel";
    const span = { file, line: 1, col: 1, offset: 0, end: 0, endLine: 1, endCol: 1 };
    const program: Program = { kind: "Program", file, span, items: [], comments: [] };
    return { program, modules: [], diagnostics: [internalError(e, program)], sources: new Map([[file, text]]) };
  }
}

function checkText(text: string, options: CheckOptions): CheckResult {
  const file = options.file ?? "<input>.intel";
  const host = options.host ?? memoryHost({ [file]: text });
  const abs = host.absolute(file);
  let loaded: LoadedModules;
  try {
    loaded = loadModules(text, abs, host);
  } catch (e) {
    // Only a bug (or a host that throws) gets here; the user still gets a diagnostic, not a stack.
    const { module } = parseModule(text, abs, file);
    return { program: module.program, modules: [module], diagnostics: [internalError(e, module.program)], sources: new Map([[file, text]]) };
  }
  const sources = new Map(loaded.modules.map((m) => [m.file, m.text]));
  const result: CheckResult = { program: loaded.root.program, modules: loaded.modules, diagnostics: [], sources };
  const all = [...loaded.diagnostics];
  // Every stage runs even when an earlier one found errors (each skips what failed to resolve),
  // so that one run reports every problem; a stage that throws is an internal error, not a crash.
  const stage = (run: () => void): void => {
    try {
      run();
    } catch (e) {
      all.push(internalError(e, loaded.root.program));
    }
  };
  stage(() => {
    result.names = checkNames(loaded);
    all.push(...result.names.diagnostics);
  });
  const names = result.names;
  if (names) {
    stage(() => {
      result.types = checkTypes(loaded, names);
      all.push(...result.types.diagnostics);
    });
    stage(() => all.push(...checkBiasDefinitions(loaded, names).diagnostics));
    stage(() => all.push(...checkModelRules(loaded, names).diagnostics));
  }
  result.diagnostics = cap(sortDiagnostics(withoutImportCascade(all)));
  return result;
}

/** A file whose import failed (IV2004, IV2017) would also report every name that import defines as
 *  unknown (IV2001, IV2006): the failed import already says what is wrong. */
function withoutImportCascade(ds: Diagnostic[]): Diagnostic[] {
  const broken = new Set(ds.filter((d) => d.code === "IV2004" || d.code === "IV2017").map((d) => d.span.file));
  return broken.size === 0 ? ds : ds.filter((d) => !((d.code === "IV2001" || d.code === "IV2006") && broken.has(d.span.file)));
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
  const detail = e instanceof Error ? e.message : String(e);
  return diagnostic("IV9001", program.span, `internal compiler error: ${detail}`, {
    hint: "this is a bug in intel-vae, not in your spec; please report it with the spec",
  });
}

function cap(ds: Diagnostic[]): Diagnostic[] {
  if (ds.length <= MAX_DIAGNOSTICS) return ds;
  const rest = ds.length - MAX_DIAGNOSTICS;
  const last = ds[MAX_DIAGNOSTICS - 1]!;
  return [...ds.slice(0, MAX_DIAGNOSTICS), diagnostic("IV9003", last.span, `${rest} more diagnostics not shown`)];
}
