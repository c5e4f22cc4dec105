// Completion: inside a call, its argument names; elsewhere the keywords of the block, the built-ins
// that may stand there and the names in scope.
import { CompletionItemKind, InsertTextFormat, type CompletionItem } from "vscode-languageserver";
import type { Decl } from "../grammar/ast";
import type { CheckResult } from "../compiler/check";
import { builtinsIn, TRAIN_SETTINGS } from "../compiler/builtins";
import { builtinDoc, builtinSignature } from "./hover";
import { callAt, contextsFor, resolveCallee } from "./calls";
import { enclosingDecl } from "./lookup";
import { pathAt, walk } from "./nodes";

const KEYWORDS: Record<Decl["kind"] | "top", string[]> = {
  top: ["import", "bias", "network", "model"],
  BiasDecl: ["param", "let", "penalty", "return"],
  NetworkDecl: ["for"],
  ModelDecl: ["data", "encoder", "intermediary", "mapping", "decoder", "objective", "train", "evaluate"],
};

export function complete(result: CheckResult, text: string, offset: number): CompletionItem[] {
  const path = pathAt(result.program, offset);
  const decl = enclosingDecl(path);
  const call = callAt(text, offset);
  const items: CompletionItem[] = [];
  if (call && call.atName && !call.current) {
    const callee = resolveCallee(result, call.callee, decl);
    for (const p of callee?.params ?? []) {
      if (call.named.includes(p.name)) continue;
      items.push({
        label: p.name,
        kind: CompletionItemKind.Field,
        detail: `${p.type}${p.default !== undefined ? ` = ${p.default}` : " (required)"}`,
        ...(p.doc ? { documentation: p.doc } : {}),
        insertText: `${p.name}: `,
        sortText: `0${p.name}`,
      });
    }
  }
  const train = call ? undefined : trainPosition(text, offset);
  if (train === "key") {
    for (const s of TRAIN_SETTINGS) items.push({ label: s.name, kind: CompletionItemKind.Property, detail: s.doc, insertText: `${s.name}: `, sortText: `0${s.name}` });
    return items;
  }
  if (!call) for (const k of KEYWORDS[decl?.kind ?? "top"]) items.push({ label: k, kind: CompletionItemKind.Keyword, sortText: `1${k}` });
  if (!decl) return items;
  for (const c of train === "value" ? (["optimizer"] as const) : contextsFor(decl)) {
    for (const b of builtinsIn(c)) {
      items.push({
        label: b.name,
        kind: c === "function" ? CompletionItemKind.Function : c === "layer" || c === "network" ? CompletionItemKind.Class : CompletionItemKind.Value,
        detail: `${builtinSignature(b)}: built-in ${c}`,
        documentation: { kind: "markdown", value: builtinDoc(b) },
        ...(b.params.length ? { insertText: `${b.name}($1)`, insertTextFormat: InsertTextFormat.Snippet } : {}),
        sortText: `3${b.name}`,
      });
    }
  }
  for (const [name, kind] of namesInScope(result, decl)) items.push({ label: name, kind, sortText: `2${name}` });
  return dedupe(items);
}

/** Declarations visible in the file (its own and imported ones) and the locals of the declaration around the cursor. */
function namesInScope(result: CheckResult, decl: Decl): [string, CompletionItemKind][] {
  const out: [string, CompletionItemKind][] = [];
  const root = result.modules[0];
  const globals = root ? result.names?.globals.get(root) : undefined;
  for (const n of globals?.names() ?? []) {
    const s = globals!.peek(n);
    if (s?.kind === "bias") out.push([n, CompletionItemKind.Function]);
    else if (s?.kind === "network") out.push([n, CompletionItemKind.Class]);
  }
  for (const n of walk(decl)) {
    if (n === decl) continue;
    if (n.kind === "Param" || n.kind === "LetStmt" || n.kind === "ParamStmt" || n.kind === "DataItem" || n.kind === "IntermediaryItem" || n.kind === "MappingItem")
      out.push([n.name.name, CompletionItemKind.Variable]);
    if (n.kind === "ForLayer") out.push([n.variable.name, CompletionItemKind.Variable]);
  }
  if (decl.kind !== "ModelDecl") for (const g of decl.generics) out.push([g.name, CompletionItemKind.TypeParameter]);
  return out.filter(([n]) => n !== "");
}

/** Inside `train { … }`, not inside a call: a setting's name ("key") or its value goes here. */
function trainPosition(text: string, offset: number): "key" | "value" | undefined {
  const open = text.lastIndexOf("{", offset - 1);
  if (open < 0 || text.lastIndexOf("}", offset - 1) > open || !/\btrain\s*$/.test(text.slice(0, open))) return undefined;
  const entry = text.slice(open + 1, offset).split(/[,\n]/).pop() ?? "";
  return entry.includes(":") ? "value" : "key";
}

function dedupe(items: CompletionItem[]): CompletionItem[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.label) && (seen.add(i.label), true));
}
