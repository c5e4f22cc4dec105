// The name-checking pass over a set of loaded modules: globals, declarations, imports, recursion.
import type { Import } from "../../grammar/ast";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import { NameContext } from "./context";
import { checkBias, checkNetwork } from "./declarations";
import { checkModel } from "./model";
import type { LoadedModules, Module } from "./modules";
import { Scope } from "./scope";
import type { DeclSym, Resolution } from "./symbols";

export interface NameCheck {
  diagnostics: Diagnostic[];
  resolution: Resolution;
  /** the declarations visible in each module (own ones shadow imported ones) */
  globals: Map<Module, Scope>;
}

export function checkNames(loaded: LoadedModules): NameCheck {
  const cx = new NameContext();
  cx.syntaxErrors = loaded.diagnostics.filter((d) => d.code.startsWith("IV1"));
  const globals = new Map<Module, Scope>();
  for (const mod of loaded.modules) globals.set(mod, globalScope(cx, mod));
  for (const mod of loaded.modules) {
    cx.module = mod;
    cx.globals = globals.get(mod)!;
    for (const item of mod.program.items) {
      if (item.kind === "Import") continue;
      cx.current = item;
      if (item.kind === "BiasDecl") checkBias(cx, item);
      else if (item.kind === "NetworkDecl") checkNetwork(cx, item);
      else checkModel(cx, item);
      cx.current = undefined;
    }
  }
  for (const mod of loaded.modules) unusedImports(cx, mod);
  recursion(cx, loaded.modules);
  return { diagnostics: cx.diagnostics, resolution: cx.resolution, globals };
}

function ownDecls(mod: Module): DeclSym[] {
  const out: DeclSym[] = [];
  for (const item of mod.program.items) {
    if (item.kind === "BiasDecl") out.push({ kind: "bias", decl: item, module: mod });
    else if (item.kind === "NetworkDecl") out.push({ kind: "network", decl: item, module: mod });
    else if (item.kind === "ModelDecl") out.push({ kind: "model", decl: item, module: mod });
  }
  return out;
}

/** Imported names in an outer scope, the file's own in an inner one: a file may redefine a library bias. */
function globalScope(cx: NameContext, mod: Module): Scope {
  const imported = new Scope();
  const from = new Map<string, Import>();
  for (const { node, module } of mod.imports) {
    if (!module) continue;
    for (const sym of ownDecls(module)) {
      const prior = imported.peek(sym.decl.name.name);
      if (prior && prior !== sym && "decl" in prior && prior.decl !== sym.decl) {
        const first = from.get(sym.decl.name.name)!;
        cx.report(
          diagnostic("IV2002", node.span, `'${sym.decl.name.name}' is declared both in '${first.path}' and in '${node.path}'`, {
            labels: [
              { span: first.span, message: "first imported here" },
              { span: sym.decl.name.span, message: "and declared again here" },
            ],
            hint: `declare '${sym.decl.name.name}' in this file to choose, or rename one`,
          }),
        );
        continue;
      }
      imported.declare(sym.decl.name, sym);
      from.set(sym.decl.name.name, node);
    }
  }
  const own = new Scope(imported);
  for (const sym of ownDecls(mod)) {
    const prior = own.declare(sym.decl.name, sym);
    if (prior) {
      cx.report(
        diagnostic("IV2002", sym.decl.name.span, `'${sym.decl.name.name}' is declared twice in this file`, {
          labels: [{ span: prior.span, message: "first declared here" }],
          hint: "rename one of them",
        }),
      );
    }
  }
  return own;
}

function unusedImports(cx: NameContext, mod: Module): void {
  for (const { node, module } of mod.imports) {
    if (!module) continue;
    const decls = ownDecls(module);
    if (decls.length === 0 || decls.some((s) => cx.usedDecls.has(s.decl))) continue;
    cx.report(diagnostic("IV2003", node.span, `nothing from '${node.path}' is used in this file`, { hint: "remove the import" }));
  }
}

/** A bias or network that reaches itself through calls can never be built. */
function recursion(cx: NameContext, modules: Module[]): void {
  const state = new Map<object, "active" | "done">();
  const reported = new Set<object>();
  const visit = (decl: DeclSym["decl"], path: DeclSym["decl"][]): void => {
    state.set(decl, "active");
    for (const next of cx.edges.get(decl) ?? []) {
      if (state.get(next) === "active") {
        const cycle = path.slice(path.indexOf(next));
        if (!cycle.some((d) => reported.has(d))) {
          cycle.forEach((d) => reported.add(d));
          const names = [...cycle, next].map((d) => `'${d.name.name}'`).join(" → ");
          cx.report(
            diagnostic("IV2018", next.name.span, `'${next.name.name}' uses itself: ${names}`, {
              hint: "a bias or network must be built from others, not from itself",
            }),
          );
        }
      } else if (!state.has(next)) visit(next, [...path, next]);
    }
    state.set(decl, "done");
  };
  for (const mod of modules) for (const sym of ownDecls(mod)) if (!state.has(sym.decl)) visit(sym.decl, [sym.decl]);
}
