// The canonical formatter behind `intel fmt`: format(program, source) prints a parsed file back in
// the one layout below. It never adds or drops parentheses (Paren nodes), keeps numbers as written
// (NumberLit.raw) and keeps every comment (see format-doc.ts for where they go).
//
// Layout rules:
//   - 2-space indent; one statement per line; `{` ends the header line; `}` on its own line. Bodies
//     of bias/network/model/for always span lines (even when empty) so comments have a place.
//   - Blank lines: at most one, only where the user wrote one, only between statements,
//     declarations and their comments; never right after `{` or right before `}`.
//   - `intel 0.1`, then imports and declarations in the order written.
//   - Annotations each on their own line before what they annotate.
//   - Spaces around binary operators, `=`, `~`, `->`, `|`; none inside parens or brackets;
//     unary minus and slices (`y[:, 1:3]`) unspaced; `name: value` for named args and entries.
//   - Type annotations: ` : ` (spaced) in model items (`data x : Real[784]`, `intermediary y :
//     Real[50]`, `decoder p(x | z) : Bernoulli`); `name: Type` elsewhere (parameters, param, let).
//   - A call's arguments, a list's elements or a header's parameters that do not fit in 100 columns
//     (or that contain a comment) break one per line with a trailing comma, the closer on its own
//     line. `train { … }` / `evaluate { … }` stay on one line when they fit (and hold no comment),
//     else one entry per line without commas.
//   - Dimension expressions have no Paren nodes, so they get the minimal parentheses they need.
//   - Strings are re-escaped (`\\`, `\"`, `\n`, `\t`); a bare layer (`relu`) stays bare.

import type {
  Annotation,
  Arg,
  BiasStmt,
  Call,
  DimExpr,
  Expr,
  Ident,
  LayerStmt,
  ModelItem,
  Param,
  Program,
  Slice,
  Span,
  TopLevel,
  TypeExpr,
} from "./ast";
import { type Doc, type OutLine, group, ifBreak, indent, join, line, mark, printDoc, render, text } from "./format-doc";

export function format(program: Program, source: string): string {
  return new Formatter(program, source).run();
}

type Stmt = { annotations?: Annotation[]; span: Span };

const end = (sp: Span | undefined) => sp?.end ?? NaN;
const start = (sp: Span | undefined) => sp?.offset ?? NaN;
const node = (s: string, sp: Span | undefined): Doc => text(s, start(sp), end(sp));
const ident = (i: Ident | undefined): Doc => (i ? node(i.name ?? "", i.span) : "");

export function quote(value: string): string {
  const body = value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t");
  return `"${body}"`;
}

const DIM_PREC: Record<string, number> = { "+": 1, "-": 1, "*": 2, "/": 2 };

function dim(d: DimExpr | undefined): string {
  if (!d) return "";
  switch (d.kind) {
    case "DimNum":
      return String(d.value);
    case "DimVar":
      return d.name;
    case "DimInfer":
      return "?";
    case "DimBinary": {
      const p = DIM_PREC[d.op] ?? 0;
      // Left-associative: a right operand of equal precedence needs parentheses, a left one not.
      const side = (x: DimExpr, strict: boolean) => {
        const q = x?.kind === "DimBinary" ? (DIM_PREC[x.op] ?? 0) : 3;
        return (strict ? q <= p : q < p) ? `(${dim(x)})` : dim(x);
      };
      return `${side(d.left, false)} ${d.op} ${side(d.right, true)}`;
    }
    default:
      return "";
  }
}

function typeText(t: TypeExpr | undefined): string {
  if (!t) return "";
  switch (t.kind) {
    case "ScalarType":
      return t.name;
    case "TensorType":
      return `${t.elem}[${t.dims.map(dim).join(", ")}]`;
    case "ListType":
      return `${t.elem}[]`;
    default:
      return "";
  }
}

const type = (t: TypeExpr | undefined): Doc => (t ? node(typeText(t), t.span) : "");

class Formatter {
  private readonly lines: OutLine[] = [];
  private readonly commentAt: number[];

  constructor(
    private readonly program: Program,
    private readonly source: string,
  ) {
    this.commentAt = (program.comments ?? []).map((c) => c.span.offset);
  }

  run(): string {
    const p = this.program;
    if (p.version) {
      const v = p.version.text.trim().replace(/^intel\s+/, "");
      this.emit([mark(2), node(`intel ${v}`, p.version.span)], 0);
    }
    for (const item of p.items ?? []) this.topLevel(item);
    return render(this.lines, p.comments ?? [], this.source);
  }

  private emit(doc: Doc, level: number): void {
    printDoc(doc, level, this.lines);
  }

  // ---------- source positions ----------

  /** the offset of `ch` at or after `from`, skipping comments and strings; `from` if absent */
  private find(from: number, ch: string): number {
    const s = this.source;
    if (!Number.isFinite(from)) return from;
    for (let i = Math.max(0, from); i < s.length; i++) {
      const c = s[i];
      if (c === ch) return i;
      if (c === "#") while (i + 1 < s.length && s[i + 1] !== "\n") i++;
      else if (c === '"') {
        for (i++; i < s.length && s[i] !== '"' && s[i] !== "\n"; i++) if (s[i] === "\\") i++;
      }
    }
    return from;
  }

  /** the first offset at or after `from` that is not whitespace or a comment */
  private skipTrivia(from: number): number {
    const s = this.source;
    let i = Number.isFinite(from) ? Math.max(0, from) : 0;
    while (i < s.length) {
      if (/\s/.test(s[i]!)) i++;
      else if (s[i] === "#") while (i < s.length && s[i] !== "\n") i++;
      else break;
    }
    return i;
  }

  private hasComment(open: number, close: number): boolean {
    return this.commentAt.some((o) => o > open && o < close);
  }

  /** the statement's keyword, anchored where it is written (after any annotations) */
  private kw(word: string, n: Stmt): Doc {
    const anns = n.annotations ?? [];
    const at = this.skipTrivia(anns.length > 0 ? end(anns[anns.length - 1]!.span) : start(n.span));
    return text(word, at, at + word.length);
  }

  private closeBrace(n: Stmt): Doc {
    const at = end(n.span) - 1;
    return [mark(1), text("}", at, at + 1)];
  }

  // ---------- statements ----------

  /** annotations on their own lines, then the statement; a blank line may precede either */
  private stmt(n: Stmt, body: Doc, level: number): void {
    const anns = n.annotations ?? [];
    anns.forEach((a, i) => this.emit([i === 0 ? mark(2) : "", this.annotation(a)], level));
    this.emit([anns.length === 0 ? mark(2) : "", body], level);
  }

  private annotation(a: Annotation): Doc {
    const args = a.args ?? [];
    const list = args.length > 0 ? ["(", join(args.map(ident), ", "), ")"] : "";
    return [text("@", start(a.span), start(a.span) + 1), ident(a.name), list, text("", end(a.span), end(a.span))];
  }

  private topLevel(item: TopLevel): void {
    switch (item.kind) {
      case "Import":
        this.emit([mark(2), node(`import ${quote(item.path ?? "")}`, item.span)], 0);
        return;
      case "BiasDecl":
      case "NetworkDecl": {
        const word = item.kind === "BiasDecl" ? "bias" : "network";
        const gens = item.generics ?? [];
        const generics = gens.length > 0 ? ["<", join(gens.map(ident), ", "), ">"] : "";
        const afterName = gens.length > 0 ? end(gens[gens.length - 1]!.span) : end(item.name?.span);
        const header = [this.kw(word, item), " ", ident(item.name), generics];
        const params = this.params(item.params ?? [], afterName);
        this.stmt(item, [header, params, " -> ", type(item.returnType), " {"], 0);
        if (item.kind === "BiasDecl") for (const s of item.body ?? []) this.biasStmt(s, 1);
        else for (const s of item.body ?? []) this.layer(s, 1);
        this.emit(this.closeBrace(item), 0);
        return;
      }
      case "ModelDecl":
        this.stmt(item, [this.kw("model", item), " ", ident(item.name), " {"], 0);
        for (const m of item.items ?? []) this.modelItem(m, 1);
        this.emit(this.closeBrace(item), 0);
        return;
    }
  }

  private params(params: Param[], afterName: number): Doc {
    const open = this.find(afterName, "(");
    if (params.length === 0) {
      const close = this.find(open + 1, ")");
      return [text("(", open, open + 1), text(")", close, close + 1)];
    }
    const close = this.find(end(params[params.length - 1]!.span), ")");
    const docs = params.map((p): Doc => [ident(p.name), ": ", type(p.type), p.default ? [" = ", this.expr(p.default)] : ""]);
    return this.wrap("(", open, docs, ")", close);
  }

  private biasStmt(s: BiasStmt, level: number): void {
    const typed = (t: TypeExpr | undefined): Doc => (t ? [": ", type(t)] : "");
    switch (s.kind) {
      case "ParamStmt":
        return this.stmt(s, [this.kw("param", s), " ", ident(s.name), typed(s.type), " = ", this.expr(s.init)], level);
      case "LetStmt":
        return this.stmt(s, [this.kw("let", s), " ", ident(s.name), typed(s.type), " = ", this.expr(s.value)], level);
      case "PenaltyStmt": {
        const name = s.name ? [ident(s.name), " = "] : "";
        return this.stmt(s, [this.kw("penalty", s), " ", name, this.expr(s.value)], level);
      }
      case "ReturnStmt":
        return this.stmt(s, [this.kw("return", s), " ", this.expr(s.value)], level);
    }
  }

  private layer(s: LayerStmt, level: number): void {
    if (s.kind === "LayerCall") {
      const bare = s.bare && (s.call?.args ?? []).length === 0;
      return this.stmt(s, bare ? ident(s.call?.callee) : this.call(s.call), level);
    }
    if (s.kind === "ForLayer") {
      const header = [this.kw("for", s), " ", ident(s.variable), " in ", this.expr(s.iterable), " {"];
      this.stmt(s, header, level);
      for (const b of s.body ?? []) this.layer(b, level + 1);
      this.emit(this.closeBrace(s), level);
    }
  }

  private modelItem(m: ModelItem, level: number): void {
    const kw = (w: string) => this.kw(w, m);
    const typed = (t: TypeExpr | undefined): Doc => (t ? [" : ", type(t)] : "");
    switch (m.kind) {
      case "DataItem":
        return this.stmt(m, [kw("data"), " ", ident(m.name), typed(m.type), " ~ ", this.expr(m.source)], level);
      case "EncoderItem": {
        const head = [kw("encoder"), " ", ident(m.name), "(", ident(m.latent), " | ", ident(m.given), ")"];
        return this.stmt(m, [head, " = ", this.expr(m.network)], level);
      }
      case "IntermediaryItem":
        return this.stmt(m, [kw("intermediary"), " ", ident(m.name), typed(m.type), " ~ ", this.expr(m.prior)], level);
      case "MappingItem":
        return this.stmt(m, [kw("mapping"), " ", ident(m.name), " = ", this.expr(m.value)], level);
      case "DecoderItem": {
        const head = [kw("decoder"), " ", ident(m.name), "(", ident(m.output), " | ", ident(m.given), ")"];
        return this.stmt(m, [head, " : ", this.expr(m.likelihood), " = ", this.expr(m.network)], level);
      }
      case "ObjectiveItem":
        return this.stmt(m, [kw("objective"), " ", this.expr(m.value)], level);
      case "TrainItem": {
        const entries = (m.entries ?? []).map((e): Doc => [ident(e.key), ": ", this.expr(e.value)]);
        return this.stmt(m, [kw("train"), " ", this.entries(m, entries)], level);
      }
      case "EvaluateItem": {
        const metrics = (m.metrics ?? []).map((e) => this.expr(e));
        return this.stmt(m, [kw("evaluate"), " ", this.entries(m, metrics)], level);
      }
    }
  }

  /** `{ a, b }` on one line, or one entry per line (newlines separate them, so no commas) */
  private entries(m: Stmt, items: Doc[]): Doc {
    const open = this.find(this.skipTrivia(start(m.span)), "{");
    const close = end(m.span) - 1;
    const forced = this.hasComment(open, close);
    const o = text("{", open, open + 1);
    const c = text("}", close, close + 1);
    if (items.length === 0) return group([o, line(""), c], forced);
    return group([o, indent([line(" "), join(items, [ifBreak("", ","), line(" ")])]), line(" "), c], forced);
  }

  // ---------- expressions ----------

  /** `open items close` flat, or broken one item per line with a trailing comma */
  private wrap(open: string, openAt: number, items: Doc[], close: string, closeAt: number): Doc {
    const body = indent([line(""), join(items, [",", line(" ")]), ifBreak(",", "")]);
    const doc = [text(open, openAt, openAt + 1), body, line(""), text(close, closeAt, closeAt + 1)];
    return group(doc, this.hasComment(openAt, closeAt));
  }

  private call(c: Call | undefined): Doc {
    if (!c) return "";
    const closeAt = end(c.span) - 1;
    const callee = ident(c.callee);
    const args = c.args ?? [];
    if (args.length === 0) return [callee, "(", text(")", closeAt, closeAt + 1)];
    return [callee, this.wrap("(", this.find(end(c.callee?.span), "("), args.map((a) => this.arg(a)), ")", closeAt)];
  }

  private arg(a: Arg): Doc {
    return a.name ? [ident(a.name), ": ", this.expr(a.value)] : this.expr(a.value);
  }

  private slice(s: Expr | Slice): Doc {
    if (s.kind !== "Slice") return this.expr(s);
    return [s.start ? this.expr(s.start) : "", ":", s.end ? this.expr(s.end) : ""];
  }

  expr(e: Expr | undefined): Doc {
    if (!e) return "";
    switch (e.kind) {
      case "NumberLit":
        return node(e.raw || String(e.value), e.span);
      case "StringLit":
        return node(quote(e.value ?? ""), e.span);
      case "BoolLit":
        return node(e.value ? "true" : "false", e.span);
      case "Name":
        return node(e.name ?? "", e.span);
      case "Binary":
        return [this.expr(e.left), ` ${e.op} `, this.expr(e.right)];
      case "Unary":
        return [text(e.op, start(e.span), start(e.span) + 1), this.expr(e.operand)];
      case "Call":
        return this.call(e);
      case "Index": {
        const at = end(e.span) - 1;
        return [this.expr(e.target), "[", join((e.indices ?? []).map((i) => this.slice(i)), ", "), text("]", at, at + 1)];
      }
      case "ListLit": {
        const els = e.elements ?? [];
        const closeAt = end(e.span) - 1;
        if (els.length === 0) return [text("[", start(e.span), start(e.span) + 1), text("]", closeAt, closeAt + 1)];
        return this.wrap("[", start(e.span), els.map((x) => this.expr(x)), "]", closeAt);
      }
      case "Paren": {
        const at = end(e.span) - 1;
        return [text("(", start(e.span), start(e.span) + 1), this.expr(e.inner), text(")", at, at + 1)];
      }
      case "Missing":
      default:
        return "";
    }
  }
}
