// Go to definition and find references: biases, networks, models, locals, imports (the prelude too).
import type { Location } from "vscode-languageserver";
import type { Span } from "../grammar/ast";
import type { CheckResult } from "../compiler/check";
import type { Sym } from "../compiler/names/symbols";
import { modelItemNamed, targetAt, targetKey, type Target } from "./lookup";
import { walk } from "./nodes";
import { fileUri, toRange } from "./positions";

const location = (s: Span): Location => ({ uri: fileUri(s.file), range: toRange(s) });

export function definition(result: CheckResult, offset: number): Location | null {
  const t = targetAt(result, offset)?.target;
  if (!t) return null;
  switch (t.kind) {
    case "decl":
      return location(t.sym.decl.name.span);
    case "local":
      return location(t.ident.span);
    case "import":
      return t.module ? { uri: fileUri(t.module.absPath), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } } : null;
    default:
      return null;
  }
}

/** Every use of what the cursor names, in the checked file and the files it imports (and `others`). */
export function references(result: CheckResult, offset: number, includeDeclaration: boolean, others: CheckResult[] = []): Location[] {
  const t = targetAt(result, offset)?.target;
  const key = t && targetKey(t);
  if (!t || !key) return [];
  const seen = new Set<string>();
  const out: Location[] = [];
  const add = (s: Span) => {
    const k = `${s.file}:${s.offset}`;
    if (!seen.has(k)) out.push(location(s));
    seen.add(k);
  };
  for (const r of [result, ...others]) {
    if (includeDeclaration) for (const s of declarationSpans(r, key)) add(s);
    for (const [node, sym] of r.names?.resolution ?? []) {
      if (symKey(sym) !== key) continue;
      add(node.kind === "Call" ? node.callee.span : node.span);
    }
    if (t.kind === "local") for (const s of chainUses(r, t)) add(s);
  }
  return out;
}

function symKey(sym: Sym): string | undefined {
  if (sym.kind === "builtin") return `builtin:${sym.builtin.context}:${sym.builtin.name}`;
  if (sym.kind === "local") return `${sym.ident.span.file}:${sym.ident.span.offset}`;
  return `${sym.decl.name.span.file}:${sym.decl.name.span.offset}`;
}

function declarationSpans(r: CheckResult, key: string): Span[] {
  const out: Span[] = [];
  for (const m of r.modules) {
    for (const n of walk(m.program)) {
      if (n.kind === "Ident" && `${n.span.file}:${n.span.offset}` === key) out.push(n.span);
    }
  }
  return out;
}

/** `encoder q(y | x)` and `decoder p(x | z)` name model items by identifier, outside the resolution table. */
function chainUses(r: CheckResult, t: Extract<Target, { kind: "local" }>): Span[] {
  const out: Span[] = [];
  for (const m of r.modules) {
    for (const item of m.program.items) {
      if (item.kind !== "ModelDecl") continue;
      for (const it of item.items) {
        const idents = it.kind === "EncoderItem" ? [it.latent, it.given] : it.kind === "DecoderItem" ? [it.output, it.given] : [];
        for (const id of idents) {
          const decl = modelItemNamed(item, id.name)?.ident;
          if (decl && decl.span.file === t.ident.span.file && decl.span.offset === t.ident.span.offset) out.push(id.span);
        }
      }
    }
  }
  return out;
}
