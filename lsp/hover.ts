// Hover: what the word is (declaration, local, built-in, argument, setting), its inferred type and
// shape, and the reference text of built-ins (from the same tables docs/builtins.md is made from).
import type { Hover } from "vscode-languageserver";
import type { AnyNode, Expr, LayerCall, ModelDecl, NetworkDecl, Param } from "../grammar/ast";
import { showDim } from "../compiler/types/dims";
import type { CheckResult } from "../compiler/check";
import { TRAIN_SETTINGS, type Builtin } from "../compiler/builtins";
import { paramDoc } from "../compiler/builtins/reference-doc";
import { describe as describeSym } from "../compiler/names/symbols";
import { enclosingDecl, targetAt, type Target } from "./lookup";
import { pathAt } from "./nodes";
import { toRange } from "./positions";
import { exprType, layerShapes, localType, typedLines } from "./types-at";

const EXPR_KINDS = new Set(["NumberLit", "StringLit", "BoolLit", "Name", "Binary", "Unary", "Call", "Index", "ListLit", "Paren"]);

export function hover(result: CheckResult, offset: number): Hover | null {
  const path = pathAt(result.program, offset);
  const found = targetAt(result, offset);
  const owner = enclosingDecl(path);
  if (found) {
    const md = describeTarget(result, found.target, owner, path);
    if (md) return { contents: { kind: "markdown", value: md }, range: toRange(found.target.word) };
  }
  // A layer line of a network: its shapes in and out.
  const inner = [...path].reverse();
  const layer = inner.find((n): n is LayerCall => n.kind === "LayerCall");
  if (layer && owner?.kind === "NetworkDecl") {
    const lines = layerLines(result, owner, layer);
    if (lines.length) return { contents: { kind: "markdown", value: code(lines) }, range: toRange(layer.span) };
  }
  // Any other expression (an operator, a literal, a parenthesis): its type.
  const expr = inner.find((n): n is Expr => EXPR_KINDS.has(n.kind));
  const typed = expr && exprType(result, owner, expr);
  if (expr && typed) return { contents: { kind: "markdown", value: code(typedLines(short(sourceOf(result, expr)), typed)) }, range: toRange(expr.span) };
  return null;
}

function layerLines(result: CheckResult, owner: NetworkDecl, layer: LayerCall): string[] {
  const t = layerShapes(result, owner, layer);
  const uses = t.uses.filter((u) => u.type !== t.generic).map((u) => [u.type, u.bindings && `with ${u.bindings}`, u.at && `at \`${u.at}\``].filter(Boolean).join(" "));
  return [...(t.generic ? [t.generic] : []), ...uses];
}

const code = (lines: string[]): string => "```intel\n" + lines.join("\n") + "\n```";
const short = (s: string): string => (s.length > 40 ? s.slice(0, 37) + "…" : s);

function describeTarget(result: CheckResult, t: Target, owner: AnyNode | undefined, path: AnyNode[]): string | undefined {
  switch (t.kind) {
    case "builtin": {
      const call = [...path].reverse().find((n) => n.kind === "Call" || n.kind === "Name") as Expr | undefined;
      const typed = call && owner ? exprType(result, owner, call) : undefined;
      const typeLines = typed ? typedLines(short(sourceOf(result, call!)), typed) : [];
      const layer = [...path].reverse().find((n): n is LayerCall => n.kind === "LayerCall");
      const shapes = layer && owner?.kind === "NetworkDecl" ? layerLines(result, owner, layer) : [];
      return builtinDoc(t.builtin) + (typeLines.length ? "\n\n" + code(typeLines) : "") + (shapes.length ? "\n\n" + code(shapes) : "");
    }
    case "decl": {
      const d = t.sym.decl;
      const header = sourceOf(result, d).split("{")[0]!.trim();
      const use = owner?.kind === "ModelDecl" ? slotNetwork(result, owner, path) : undefined;
      return code([header, ...(use ? [`${use}`] : [])]) + `\n\n${describeSym(t.sym)}, declared in \`${t.sym.module.file.split("/").pop()}\``;
    }
    case "local": {
      const declOwner = ownerOf(result, t.ident) ?? owner;
      const typed = localType(result, declOwner, t.ident);
      const lines = typed ? typedLines(t.ident.name, typed) : [t.ident.name];
      const what = describeSym({ kind: "local", local: t.local, ident: t.ident });
      return code(lines) + `\n\n${what}`;
    }
    case "arg": {
      const sym = result.names?.resolution.get(t.call);
      if (sym?.kind === "builtin") {
        const p = sym.builtin.params.find((q) => q.name === t.name);
        return p ? `${paramDoc(p)}\n\n(argument of \`${sym.builtin.name}\`)` : undefined;
      }
      if (sym?.kind === "bias" || sym?.kind === "network") {
        const p = sym.decl.params.find((q: Param) => q.name.name === t.name);
        return p ? code([sourceOf(result, p)]) + `\n\n(parameter of ${describeSym(sym)})` : undefined;
      }
      return undefined;
    }
    case "setting": {
      const s = TRAIN_SETTINGS.find((x) => x.name === t.name);
      return s ? `${paramDoc({ ...s, doc: "" })}\n\n${s.doc ?? ""}\n\n(training setting)` : undefined;
    }
    case "import":
      return t.module ? `imports \`${t.module.absPath}\`` : "the imported file could not be loaded";
  }
}

/** The encoder's or decoder's network as this model instantiates it: `Real[784] → Real[256]` and its sizes. */
function slotNetwork(result: CheckResult, model: ModelDecl, path: AnyNode[]): string | undefined {
  const ms = result.types?.models.get(model);
  const item = path.find((n) => n.kind === "EncoderItem" || n.kind === "DecoderItem");
  const inst = item?.kind === "EncoderItem" ? ms?.encoder : item?.kind === "DecoderItem" ? ms?.decoder : undefined;
  if (!inst || !result.types) return undefined;
  const sizes = [...inst.bindings].map(([n, v]) => `${n} = ${showDim(result.types!.resolve(v))}`).join(", ");
  return `here: ${result.types.show(inst.input)} → ${result.types.show(inst.output)}${sizes ? ` with ${sizes}` : ""}`;
}

/** `mnist(split: String = "train", validation: Int = 0, …)` */
export function builtinSignature(b: Builtin): string {
  return `${b.name}(${b.params.map((p) => `${p.name}: ${p.type}${p.default === undefined ? "" : ` = ${JSON.stringify(p.default)}`}`).join(", ")}${b.variadic ? ", …" : ""})`;
}

/** The signature line and doc of a built-in, argument by argument. */
export function builtinDoc(b: Builtin): string {
  const sig = builtinSignature(b);
  const args = b.params.map((p) => `- ${paramDoc(p)}`).join("\n");
  return `${code([sig])}\n\n${b.doc}\n\n(built-in ${b.context})${args ? "\n\n" + args : ""}`;
}

export function sourceOf(result: CheckResult, n: { span: { file: string; offset: number; end: number } }): string {
  return result.sources.get(n.span.file)?.slice(n.span.offset, n.span.end) ?? "";
}

/** The bias, network or model that declares a local (it may be in another file than the cursor). */
function ownerOf(result: CheckResult, ident: { span: { file: string; offset: number } }): AnyNode | undefined {
  const mod = result.modules.find((m) => m.file === ident.span.file);
  const item = mod?.program.items.find((i) => i.span.offset <= ident.span.offset && ident.span.offset < i.span.end);
  return item && item.kind !== "Import" ? item : undefined;
}

