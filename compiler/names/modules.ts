// Loads a spec and, transitively, the files it imports; reports missing files and import cycles.
import type { Import, Program } from "../../grammar/ast";
import { parse } from "../../grammar/parse";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import { isCode } from "../diagnostics/catalog";
import { didYouMean } from "../diagnostics/suggest";
import { importRoots, insideImportRoot, resolveImport, type FileHost } from "../host";

export interface Module {
  /** the name used in spans and diagnostics */
  file: string;
  absPath: string;
  text: string;
  program: Program;
  /** each import of this file with the module it names (absent when it failed to load) */
  imports: { node: Import; module?: Module }[];
}

export interface LoadedModules {
  root: Module;
  /** every module loaded, root first */
  modules: Module[];
  diagnostics: Diagnostic[];
}

export function parseModule(text: string, absPath: string, file: string): { module: Module; diagnostics: Diagnostic[] } {
  const { program, problems } = parse(text, file);
  const diagnostics = problems.map((p) => {
    if (!isCode(p.code)) return diagnostic("IV9001", p.span, `internal error: the parser reported an unknown code ${p.code}: ${p.message}`);
    // A misspelt keyword (`biass`, `maping`): the grammar says which keywords fit, the compiler picks.
    const guess = p.misspelt && didYouMean(p.misspelt.word, p.span, p.misspelt.keywords);
    if (guess) return diagnostic(p.code, p.span, p.message, { hint: guess.hint, fix: guess.fix });
    return diagnostic(p.code, p.span, p.message, p.hint ? { hint: p.hint } : {});
  });
  return { module: { file, absPath, text, program, imports: [] }, diagnostics };
}

export function loadModules(rootText: string, rootAbsPath: string, host: FileHost): LoadedModules {
  const byPath = new Map<string, Module>();
  const diagnostics: Diagnostic[] = [];
  const onStack = new Set<string>();
  const roots = importRoots(host, rootAbsPath);

  const visit = (text: string, absPath: string): Module => {
    const parsed = parseModule(text, absPath, host.display(absPath));
    const mod = parsed.module;
    diagnostics.push(...parsed.diagnostics);
    byPath.set(absPath, mod);
    onStack.add(absPath);
    for (const item of mod.program.items) {
      if (item.kind !== "Import") continue;
      const target = resolveImport(host, absPath, item.path);
      // Imports read only specs, and only inside the import root: never another file's text.
      if (target === null) {
        diagnostics.push(diagnostic("IV2020", item.span, `'${item.path}' names a file that is not a spec`));
        mod.imports.push({ node: item });
        continue;
      }
      if (host.exists(target) && !insideImportRoot(host, roots, target)) {
        const real = host.realpath?.(target) ?? target;
        diagnostics.push(
          real.endsWith(".intel")
            ? diagnostic("IV2019", item.span, `'${item.path}' (${host.display(target)}) lies outside the import root: ${roots.map((r) => host.display(r) || ".").join(", ")} and the prelude`)
            : diagnostic("IV2020", item.span, `'${item.path}' links to a file that is not a spec`),
        );
        mod.imports.push({ node: item });
        continue;
      }
      if (onStack.has(target)) {
        const chain = [...onStack].slice([...onStack].indexOf(target)).map((p) => host.display(p));
        diagnostics.push(
          diagnostic("IV2005", item.span, `import cycle: ${[...chain, host.display(target)].join(" → ")}`, {
            hint: "move the shared declarations into a third file that both import",
          }),
        );
        // Still link it: its declarations exist, and only the cycle is the error.
        mod.imports.push({ node: item, module: byPath.get(target) });
        continue;
      }
      const known = byPath.get(target);
      if (known) {
        mod.imports.push({ node: item, module: known });
        continue;
      }
      if (!host.exists(target)) {
        diagnostics.push(
          diagnostic("IV2004", item.span, `cannot find the imported file '${item.path}' (looked for ${host.display(target)})`, {
            hint: "import paths are relative to the importing file; write \"prelude\" for the mapping library",
          }),
        );
        mod.imports.push({ node: item });
        continue;
      }
      const text = host.read(target);
      if (text === undefined) {
        const why = host.readError?.(target);
        diagnostics.push(diagnostic("IV2017", item.span, `cannot read the imported file '${item.path}'${why ? ` (${why})` : ""}`));
        mod.imports.push({ node: item });
        continue;
      }
      mod.imports.push({ node: item, module: visit(text, target) });
    }
    onStack.delete(absPath);
    return mod;
  };

  const root = visit(rootText, rootAbsPath);
  return { root, modules: [...byPath.values()], diagnostics };
}
