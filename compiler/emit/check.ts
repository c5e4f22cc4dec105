// `intel compile --check`: type-checks an emitted module with the TypeScript compiler API, in memory,
// as it would sit at `path` (so its imports resolve from there), with the project's strict settings.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import ts from "typescript";

export interface TypeErrorInfo {
  line: number;
  col: number;
  message: string;
}

export const CHECK_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.es2022.d.ts"],
  types: ["node"],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  esModuleInterop: true,
  isolatedModules: true,
};

/** node_modules/@types folders above `file` (as Node finds packages), then the working directory's. */
function typeRootsFor(file: string): string[] {
  const roots: string[] = [];
  for (let d = dirname(resolve(file)); ; d = dirname(d)) {
    const r = join(d, "node_modules", "@types");
    if (existsSync(r)) roots.push(r);
    if (dirname(d) === d) break;
  }
  const cwd = resolve(process.cwd(), "node_modules/@types");
  return roots.includes(cwd) ? roots : [...roots, cwd];
}

/**
 * What an emitted program at `path` needs and TypeScript cannot find from there: its imports
 * (`@tensorflow/tfjs`, `intel-vae/support`) and Node's types (`@types/node`, for `process`).
 * Checked before the type check, so that a missing package is the user's to install, not a bug.
 */
export function unresolvedForProgram(path: string, imports: readonly string[], options: ts.CompilerOptions = CHECK_OPTIONS): string[] {
  const file = resolve(path);
  const missing = imports.filter((m) => !ts.resolveModuleName(m, file, options, ts.sys).resolvedModule);
  const node = ts.resolveTypeReferenceDirective("node", file, { ...options, typeRoots: typeRootsFor(file) }, ts.sys);
  if (!node.resolvedTypeReferenceDirective) missing.push("@types/node");
  return missing;
}

/** Type errors of `text` placed at `path` (errors in other files it imports are not reported). */
export function typeCheckModule(path: string, text: string, options: ts.CompilerOptions = CHECK_OPTIONS): TypeErrorInfo[] {
  const file = resolve(path);
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) =>
    resolve(name) === file ? ts.createSourceFile(name, text, lang, true) : getSourceFile(name, lang, onError, create);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => resolve(name) === file || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (resolve(name) === file ? text : readFile(name));
  const program = ts.createProgram([file], { ...options, typeRoots: typeRootsFor(file) }, host);
  const sf = program.getSourceFile(file)!;
  const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
  return diags.map((d) => {
    const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
    return { line: pos.line + 1, col: pos.character + 1, message: ts.flattenDiagnosticMessageText(d.messageText, "\n") };
  });
}

/** Type errors of files on disk, checked together in one program (for many emitted modules at once). */
export function typeCheckFiles(paths: readonly string[], options: ts.CompilerOptions = CHECK_OPTIONS): Map<string, TypeErrorInfo[]> {
  const files = paths.map((p) => resolve(p));
  const program = ts.createProgram(files, { ...options, typeRoots: [resolve(process.cwd(), "node_modules/@types")] });
  const out = new Map<string, TypeErrorInfo[]>();
  for (const f of files) {
    const sf = program.getSourceFile(f);
    if (!sf) {
      out.set(f, [{ line: 0, col: 0, message: "not found" }]);
      continue;
    }
    const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    out.set(
      f,
      diags.map((d) => {
        const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
        return { line: pos.line + 1, col: pos.character + 1, message: ts.flattenDiagnosticMessageText(d.messageText, "\n") };
      }),
    );
  }
  return out;
}
