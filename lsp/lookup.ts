// What the word under the cursor is: a declaration, a local, a built-in, an argument, a setting or an import.
// Hover, definition and references all start here.
import type { AnyNode, Call, Decl, Ident, Import, ModelDecl, Span } from "../grammar/ast";
import type { Builtin } from "../compiler/builtins";
import type { Module } from "../compiler/names/modules";
import type { DeclSym, LocalKind, Sym } from "../compiler/names/symbols";
import type { CheckResult } from "../compiler/check";
import { pathAt } from "./nodes";

export type Target =
  | { kind: "decl"; sym: DeclSym; word: Span }
  | { kind: "local"; local: LocalKind; ident: Ident; word: Span }
  | { kind: "builtin"; builtin: Builtin; word: Span }
  | { kind: "arg"; call: Call; name: string; word: Span }
  | { kind: "setting"; name: string; word: Span }
  | { kind: "import"; node: Import; module?: Module; word: Span };

export interface Found {
  target: Target;
  /** from the program down to the node under the cursor */
  path: AnyNode[];
}

const within = (s: Span, offset: number): boolean => s.offset <= offset && offset <= s.end;

export function targetAt(result: CheckResult, offset: number): Found | undefined {
  const path = pathAt(result.program, offset);
  const target = fromPath(result, path, offset);
  return target && { target, path };
}

/** The declaring identifier and kind of a model item's or a statement's name. */
const LOCAL_OF: Partial<Record<AnyNode["kind"], LocalKind>> = {
  LetStmt: "let",
  ParamStmt: "param",
  Param: "input",
  ForLayer: "for",
  DataItem: "data",
  IntermediaryItem: "intermediary",
  MappingItem: "mapping",
};

function fromPath(result: CheckResult, path: AnyNode[], offset: number): Target | undefined {
  const res = result.names?.resolution;
  const node = path[path.length - 1];
  const parent = path[path.length - 2];
  if (!node) return undefined;
  if (node.kind === "Import") {
    const mod = result.modules.find((m) => m.file === node.span.file)?.imports.find((i) => i.node === node)?.module;
    return { kind: "import", node, module: mod, word: node.span };
  }
  if (node.kind === "Name") return fromSym(res?.get(node), node.span);
  if (node.kind === "DimVar") {
    // `Real[D]`: the generic or Int parameter of the declaration around it
    const decl = enclosingDecl(path);
    if (!decl || decl.kind === "ModelDecl") return undefined;
    const generic = decl.generics.find((g) => g.name === node.name);
    const param = decl.params.find((p) => p.name.name === node.name);
    if (generic) return { kind: "local", local: "generic", ident: generic, word: node.span };
    return param ? { kind: "local", local: "input", ident: param.name, word: node.span } : undefined;
  }
  if (node.kind === "Call") return within(node.callee.span, offset) ? fromSym(res?.get(node), node.callee.span) : undefined;
  if (node.kind !== "Ident" || !parent) return undefined;
  // An identifier: what declares it, or what it names.
  if (parent.kind === "Call") return fromSym(res?.get(parent), node.span);
  if (parent.kind === "Arg") {
    const call = path[path.length - 3];
    return call?.kind === "Call" ? { kind: "arg", call, name: node.name, word: node.span } : undefined;
  }
  if (parent.kind === "Entry") return { kind: "setting", name: node.name, word: node.span };
  if (parent.kind === "BiasDecl" || parent.kind === "NetworkDecl" || parent.kind === "ModelDecl") {
    if (parent.name !== node) return { kind: "local", local: "generic", ident: node, word: node.span };
    const module = result.modules.find((m) => m.file === node.span.file)!;
    const kind = parent.kind === "BiasDecl" ? "bias" : parent.kind === "NetworkDecl" ? "network" : "model";
    return { kind: "decl", sym: { kind, decl: parent, module } as DeclSym, word: node.span };
  }
  const local = LOCAL_OF[parent.kind];
  if (local && "name" in parent && parent.name === node) return { kind: "local", local, ident: node, word: node.span };
  if (parent.kind === "ForLayer" && parent.variable === node) return { kind: "local", local: "for", ident: node, word: node.span };
  // `encoder q(y | x)`, `decoder p(x | z)`: the names of the model's own items.
  const model = path.find((n): n is ModelDecl => n.kind === "ModelDecl");
  if (model && (parent.kind === "EncoderItem" || parent.kind === "DecoderItem")) {
    const item = modelItemNamed(model, node.name);
    if (item) return { kind: "local", local: item.local, ident: item.ident, word: node.span };
  }
  return undefined;
}

export function modelItemNamed(model: ModelDecl, name: string): { ident: Ident; local: LocalKind } | undefined {
  for (const it of model.items) {
    const local = LOCAL_OF[it.kind];
    if (local && "name" in it && it.name.name === name) return { ident: it.name, local };
  }
  return undefined;
}

function fromSym(sym: Sym | undefined, word: Span): Target | undefined {
  if (!sym) return undefined;
  if (sym.kind === "builtin") return { kind: "builtin", builtin: sym.builtin, word };
  if (sym.kind === "local") return { kind: "local", local: sym.local, ident: sym.ident, word };
  return { kind: "decl", sym, word };
}

/** The declaration (bias, network, model) that holds a node, from its path. */
export const enclosingDecl = (path: AnyNode[]): Decl | undefined =>
  path.find((n): n is Decl => n.kind === "BiasDecl" || n.kind === "NetworkDecl" || n.kind === "ModelDecl");

/** A stable key for what a target names, equal across separate checks of the same files. */
export function targetKey(t: Target): string | undefined {
  const at = (s: Span) => `${s.file}:${s.offset}`;
  switch (t.kind) {
    case "decl":
      return at(t.sym.decl.name.span);
    case "local":
      return at(t.ident.span);
    case "builtin":
      return `builtin:${t.builtin.context}:${t.builtin.name}`;
    default:
      return undefined;
  }
}
