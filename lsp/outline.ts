// Document symbols (the outline) and formatting (the `intel fmt` formatter, all or nothing).
import { SymbolKind, type DocumentSymbol, type TextEdit } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Ident, Program, Span } from "../grammar/ast";
import { format } from "../grammar/format";
import { parseModule } from "../compiler/names/modules";
import { hasErrors } from "../compiler/diagnostics/diagnostic";
import { toRange } from "./positions";

const sym = (name: string, kind: SymbolKind, span: Span, ident: Ident | undefined, children: DocumentSymbol[] = [], detail?: string): DocumentSymbol => ({
  name: name || "?",
  kind,
  range: toRange(span),
  selectionRange: toRange(ident?.span ?? span),
  children,
  ...(detail ? { detail } : {}),
});

export function documentSymbols(program: Program): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const item of program.items) {
    switch (item.kind) {
      case "Import":
        out.push(sym(`import "${item.path}"`, SymbolKind.Module, item.span, undefined));
        break;
      case "BiasDecl": {
        const body = item.body.flatMap((st) =>
          st.kind === "LetStmt" || st.kind === "ParamStmt"
            ? [sym(st.name.name, st.kind === "LetStmt" ? SymbolKind.Variable : SymbolKind.Field, st.span, st.name, [], st.kind === "LetStmt" ? "let" : "param")]
            : st.kind === "PenaltyStmt" && st.name
              ? [sym(st.name.name, SymbolKind.Event, st.span, st.name, [], "penalty")]
              : [],
        );
        const params = item.params.map((p) => sym(p.name.name, SymbolKind.TypeParameter, p.span, p.name, [], "parameter"));
        out.push(sym(item.name.name, SymbolKind.Function, item.span, item.name, [...params, ...body], "bias"));
        break;
      }
      case "NetworkDecl":
        out.push(sym(item.name.name, SymbolKind.Class, item.span, item.name, item.params.map((p) => sym(p.name.name, SymbolKind.TypeParameter, p.span, p.name, [], "parameter")), "network"));
        break;
      case "ModelDecl": {
        const children = item.items.map((it) => {
          const word = it.kind.replace(/Item$/, "").toLowerCase();
          const name = "name" in it ? it.name : undefined;
          return sym(name ? `${word} ${name.name}` : word, SymbolKind.Property, it.span, name);
        });
        out.push(sym(item.name.name, SymbolKind.Module, item.span, item.name, children, "model"));
        break;
      }
    }
  }
  return out;
}

/** The whole document in canonical layout; no edit while it has syntax errors (as `intel fmt`). */
export function formatDocument(doc: TextDocument, file: string): TextEdit[] {
  const text = doc.getText();
  const { module, diagnostics } = parseModule(text, file, file);
  if (hasErrors(diagnostics)) return [];
  const formatted = format(module.program, text);
  if (formatted === text) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: formatted }];
}
