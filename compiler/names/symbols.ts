// What a name refers to after resolution; later stages (types, bias checks, lowering) read this table.
import type { BiasDecl, Call, Ident, ModelDecl, Name, NetworkDecl, Span } from "../../grammar/ast";
import type { Builtin } from "../builtins/types";
import type { Module } from "./modules";

export type LocalKind =
  | "generic" //      a dimension variable <D>
  | "input" //        a bias's or network's parameter
  | "param" //        a learnable ψ (`param`)
  | "let"
  | "for" //          a `for` loop variable
  | "data" //         a model's data
  | "intermediary" // a model's y
  | "mapping"; //     a model's z

export type Sym =
  | { kind: "bias"; decl: BiasDecl; module: Module }
  | { kind: "network"; decl: NetworkDecl; module: Module }
  | { kind: "model"; decl: ModelDecl; module: Module }
  | { kind: "builtin"; builtin: Builtin }
  | { kind: "local"; local: LocalKind; ident: Ident };

export type DeclSym = Extract<Sym, { kind: "bias" | "network" | "model" }>;

/** Resolution of every name and call the checker visited. */
export type Resolution = Map<Name | Call, Sym>;

/** The names inside `within` (by span) that resolve to the local `ident`, in source order: a
 *  mapping's uses of the model's data variable (IV5090, and the lowering's `data` node). */
export function usesOf(resolution: Resolution, ident: Ident, within: { span: Span }): (Name | Call)[] {
  const w = within.span;
  const out: (Name | Call)[] = [];
  for (const [n, sym] of resolution) {
    if (sym.kind === "local" && sym.ident === ident && n.span.file === w.file && n.span.offset >= w.offset && n.span.end <= w.end) out.push(n);
  }
  return out.sort((a, b) => a.span.offset - b.span.offset);
}

export function describe(sym: Sym): string {
  switch (sym.kind) {
    case "bias":
      return `the bias '${sym.decl.name.name}'`;
    case "network":
      return `the network '${sym.decl.name.name}'`;
    case "model":
      return `the model '${sym.decl.name.name}'`;
    case "builtin":
      return `the built-in ${sym.builtin.context} '${sym.builtin.name}'`;
    case "local":
      return `the ${LOCAL_WORDS[sym.local]} '${sym.ident.name}'`;
  }
}

const LOCAL_WORDS: Record<LocalKind, string> = {
  generic: "dimension variable",
  input: "parameter",
  param: "learnable parameter",
  let: "value",
  for: "loop variable",
  data: "data",
  intermediary: "intermediary latent",
  mapping: "representation",
};
