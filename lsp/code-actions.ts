// Quick fixes for diagnostics with a mechanical repair: the checker's own fixes (a misspelt keyword,
// argument or name with one close match; `lr` moved into the optimizer), an epsilon in a division or
// a log (IV4004, IV4005), and `@allow(discontinuous)` / `@allow(infinite_slope)` (IV4009, IV4008).
import { CodeActionKind, type CodeAction, type Range, type TextEdit } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { AnyNode, BiasDecl, Span } from "../grammar/ast";
import type { CheckResult } from "../compiler/check";
import type { Diagnostic } from "../compiler/diagnostics/diagnostic";
import type { Fix } from "../compiler/diagnostics/suggest";
import { toLsp } from "./diagnostics";
import { walk } from "./nodes";

const EPS_PARAM = "eps: Real = 1e-7";

export function codeActions(result: CheckResult, doc: TextDocument, path: string, range: Range): CodeAction[] {
  const from = doc.offsetAt(range.start);
  const to = doc.offsetAt(range.end);
  const text = doc.getText();
  const out: CodeAction[] = [];
  for (const d of result.diagnostics) {
    if (d.span.file !== path || d.span.end < from || d.span.offset > to) continue;
    const fix = d.fix ?? epsilonFix(result, text, d) ?? allowFix(result, text, d);
    if (!fix) continue;
    const edits: TextEdit[] = fix.edits.map((e) => ({ range: { start: doc.positionAt(e.span.offset), end: doc.positionAt(e.span.end) }, newText: e.text }));
    out.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [toLsp(d)], isPreferred: true, edit: { changes: { [doc.uri]: edits } } });
  }
  return out;
}

const same = (a: Span, b: Span) => a.offset === b.offset && a.end === b.end;
const src = (text: string, s: Span) => text.slice(s.offset, s.end);

/** The bias around a span, and the path of nodes to the node exactly at it. */
function locate(result: CheckResult, span: Span): { bias?: BiasDecl; node?: AnyNode; stmt?: AnyNode } {
  const bias = result.program.items.find((i): i is BiasDecl => i.kind === "BiasDecl" && i.span.offset <= span.offset && span.end <= i.span.end);
  if (!bias) return {};
  const node = [...walk(bias)].find((n) => same(n.span, span) && n.kind !== "Paren");
  const stmt = bias.body.find((st) => st.span.offset <= span.offset && span.end <= st.span.end);
  return { bias, node, stmt };
}

/** `y / norm(y)` → `y / (norm(y) + eps)`, `log(p)` → `log(p + eps)`, declaring `eps` when the bias lacks it. */
function epsilonFix(result: CheckResult, text: string, d: Diagnostic): Fix | undefined {
  if ((d.code !== "IV4004" && d.code !== "IV4005") || !d.hint?.startsWith("add a positive epsilon")) return undefined;
  const { bias, node } = locate(result, d.span);
  if (!bias || !node) return undefined;
  let target: Span | undefined;
  let replacement = "";
  if (d.code === "IV4004" && node.kind === "Binary" && node.op === "/") {
    const r = node.right.kind === "Paren" ? node.right.inner : node.right;
    target = node.right.span;
    replacement = `(${src(text, r.span)} + eps)`;
  } else if (d.code === "IV4005" && node.kind === "Call" && node.args[0]) {
    target = node.args[0].value.span;
    replacement = `${src(text, target)} + eps`;
  }
  if (!target) return undefined;
  const edits = [{ span: target, text: replacement }];
  if (!bias.params.some((p) => p.name.name === "eps")) {
    const last = bias.params[bias.params.length - 1];
    if (!last) return undefined;
    edits.push({ span: { ...last.span, offset: last.span.end }, text: `, ${EPS_PARAM}` });
  }
  return { title: d.code === "IV4004" ? "add an epsilon to the divisor" : "add an epsilon inside the log", edits };
}

/** `@allow(discontinuous)` on its own line before the statement the warning is in. */
function allowFix(result: CheckResult, text: string, d: Diagnostic): Fix | undefined {
  if (d.code !== "IV4009" && d.code !== "IV4008") return undefined;
  const { stmt } = locate(result, d.span);
  if (!stmt) return undefined;
  const what = d.code === "IV4009" ? "discontinuous" : "infinite_slope";
  const lineStart = text.lastIndexOf("\n", stmt.span.offset - 1) + 1;
  const indent = text.slice(lineStart, stmt.span.offset);
  return { title: `allow it: @allow(${what})`, edits: [{ span: { ...stmt.span, end: stmt.span.offset }, text: `@allow(${what})\n${indent}` }] };
}
