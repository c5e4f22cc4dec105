// CST → AST (grammar/ast.ts) for files, declarations and statements; expressions are in build-expr.ts.
// Total: a CST cut short by recovery still gives an AST, with `Missing` expressions and empty-named
// Idents where parts were not parsed.
import type { CstNode, IToken } from "chevrotain";
import type * as A from "./ast";
import { ExprBuilder, nodes, sub, tok, toks, type Node, type Part } from "./build-expr";
import { stringValue } from "./lexer";
import { isReal, type SourceText } from "./source";
import type { SyntaxProblem } from "./syntax-errors";

const MODEL_ITEMS: [string, string][] = [
  ["dataItem", "Data"],
  ["encoderItem", "Encoder"],
  ["intermediaryItem", "Intermediary"],
  ["mappingItem", "Mapping"],
  ["decoderItem", "Decoder"],
  ["objectiveItem", "Objective"],
  ["trainItem", "Train"],
  ["evaluateItem", "Evaluate"],
];

export function buildProgram(
  cst: CstNode | undefined,
  src: SourceText,
  comments: IToken[],
): { program: A.Program; problems: SyntaxProblem[] } {
  const b = new Builder(src);
  return { program: b.program(cst, comments), problems: b.problems };
}

class Builder extends ExprBuilder {
  // ---------------------------------------------------------------- file and declarations

  program(cst: Node, comments: IToken[]): A.Program {
    const text = this.src.text;
    const program: A.Program = {
      kind: "Program",
      file: this.src.file,
      span: this.src.span(0, text.length),
      items: [],
      comments: comments.map((c) => {
        const lineStart = text.lastIndexOf("\n", c.startOffset - 1) + 1;
        return {
          text: c.image.slice(1),
          span: this.src.tokenSpan(c),
          ownLine: text.slice(lineStart, c.startOffset).trim() === "",
        };
      }),
    };
    const version = sub(cst, "versionLine");
    if (version !== undefined) {
      const num = tok(version, "NumberLit");
      const text = isReal(num) ? num.image : "";
      program.version = { text, span: this.span(tok(version, "Intel"), num) };
      if (text !== "" && text !== "0.1")
        this.problems.push({
          code: "IV1005",
          message: `unsupported language version '${text}': this compiler reads intel 0.1`,
          span: this.span(num),
          hint: "write 'intel 0.1'",
        });
    }
    for (const item of nodes(cst, "topItem")) {
      const built = this.topItem(item);
      if (built !== undefined) program.items.push(built);
    }
    return program;
  }

  private topItem(n: CstNode): A.TopLevel | undefined {
    const imp = sub(n, "importDecl");
    if (imp !== undefined) {
      const path = tok(imp, "StringLit");
      return { kind: "Import", path: isReal(path) ? stringValue(path.image) : "", span: this.span(tok(imp, "Import"), path) };
    }
    const annotations = nodes(n, "annotation").map((a) => this.annotation(a));
    const bias = sub(n, "biasDecl");
    const network = sub(n, "networkDecl");
    const model = sub(n, "modelDecl");
    if (bias !== undefined) {
      const h = this.header(sub(bias, "declHeader"));
      const body = this.block(sub(bias, "biasBody"), "biasStmt", (s) => this.biasStmt(s));
      return { kind: "BiasDecl", annotations, ...h, body, span: this.span(...annotations, tok(bias, "Bias"), h, ...body, ...this.braces(sub(bias, "biasBody"))) };
    }
    if (network !== undefined) {
      const h = this.header(sub(network, "declHeader"));
      const body = this.layers(sub(network, "networkBody"));
      return { kind: "NetworkDecl", annotations, ...h, body, span: this.span(...annotations, tok(network, "Network"), h, ...body, ...this.braces(sub(network, "networkBody"))) };
    }
    if (model !== undefined) {
      const kw = tok(model, "Model");
      const name = this.ident(tok(model, "name"));
      const items = this.block(sub(model, "modelBody"), "modelItem", (s) => this.modelItem(s));
      return { kind: "ModelDecl", annotations, name, items, span: this.span(...annotations, kw, name, ...items, ...this.braces(sub(model, "modelBody"))) };
    }
    return undefined;
  }

  private braces(body: Node): Part[] {
    return [tok(body, "LBrace"), tok(body, "RBrace")];
  }

  private annotation(n: CstNode): A.Annotation {
    const at = tok(n, "At");
    const name = this.ident(tok(n, "name"));
    const args = toks(n, "arg").map((t) => this.ident(t));
    return { kind: "Annotation", name, args, span: this.span(at, name, ...args, tok(n, "RParen")) };
  }

  private header(n: Node): { name: A.Ident; generics: A.Ident[]; params: A.Param[]; returnType: A.TypeExpr; span: A.Span } {
    const name = this.ident(tok(n, "name"));
    const generics = toks(sub(n, "generics"), "Identifier").map((t) => this.ident(t));
    const params = nodes(sub(n, "params"), "param").map((p) => this.param(p));
    this.touch(tok(n, "RParen"), tok(n, "Arrow"));
    const returnType = this.type(sub(n, "typeExpr"));
    return { name, generics, params, returnType, span: this.span(name, returnType, tok(n, "RParen")) };
  }

  private param(n: CstNode): A.Param {
    const name = this.ident(tok(n, "Identifier"));
    this.touch(tok(n, "Colon"));
    const type = this.type(sub(n, "typeExpr"));
    const p: A.Param = { kind: "Param", name, type, span: name.span };
    if (tok(n, "Equals") !== undefined) {
      this.touch(tok(n, "Equals"));
      p.default = this.expr(sub(n, "expr"));
    }
    p.span = this.span(name, type, p.default);
    return p;
  }

  // ---------------------------------------------------------------- blocks and statements

  private block<T>(body: Node, key: string, build: (s: CstNode) => T | undefined): T[] {
    this.touch(tok(body, "LBrace"));
    const out: T[] = [];
    for (const s of nodes(body, key)) {
      const b = build(s);
      if (b !== undefined) out.push(b);
    }
    return out;
  }

  private layers(body: Node): A.LayerStmt[] {
    return this.block(body, "layerStmt", (s) => this.layerStmt(s));
  }

  private biasStmt(n: CstNode): A.BiasStmt | undefined {
    const annotations = nodes(n, "annotation").map((a) => this.annotation(a));
    const p = sub(n, "paramStmt") ?? sub(n, "letStmt");
    if (p !== undefined) {
      const kw = tok(p, "Param") ?? tok(p, "Let");
      const name = this.ident(tok(p, "name"));
      const type = sub(p, "typeExpr") !== undefined ? this.type(sub(p, "typeExpr")) : undefined;
      this.touch(tok(p, "Equals"));
      const value = this.expr(sub(p, "expr"));
      const span = this.span(...annotations, kw, name, value);
      const base = { annotations, name, span, ...(type !== undefined ? { type } : {}) };
      return sub(n, "paramStmt") !== undefined ? { kind: "ParamStmt", ...base, init: value } : { kind: "LetStmt", ...base, value };
    }
    const pen = sub(n, "penaltyStmt");
    if (pen !== undefined) {
      const kw = tok(pen, "Penalty");
      const name = tok(pen, "name") !== undefined ? this.ident(tok(pen, "name")) : undefined;
      this.touch(tok(pen, "Equals"));
      const value = this.expr(sub(pen, "expr"));
      return { kind: "PenaltyStmt", annotations, ...(name ? { name } : {}), value, span: this.span(...annotations, kw, value) };
    }
    const ret = sub(n, "returnStmt");
    if (ret !== undefined) {
      const kw = tok(ret, "Return");
      const value = this.expr(sub(ret, "expr"));
      return { kind: "ReturnStmt", annotations, value, span: this.span(...annotations, kw, value) };
    }
    return undefined;
  }

  private layerStmt(n: CstNode): A.LayerStmt | undefined {
    const annotations = nodes(n, "annotation").map((a) => this.annotation(a));
    const f = sub(n, "forLayer");
    if (f !== undefined) {
      const kw = tok(f, "For");
      const variable = this.ident(tok(f, "Identifier"));
      this.touch(tok(f, "In"));
      const iterable = this.expr(sub(f, "expr"));
      const body = this.layers(sub(f, "networkBody"));
      return { kind: "ForLayer", annotations, variable, iterable, body, span: this.span(...annotations, kw, iterable, ...body, ...this.braces(sub(f, "networkBody"))) };
    }
    const c = sub(n, "layerCall");
    if (c === undefined) return undefined;
    const call = this.call(c, tok(c, "name"));
    return { kind: "LayerCall", annotations, call, bare: tok(c, "LParen") === undefined, span: this.span(...annotations, call) };
  }

  private modelItem(n: CstNode): A.ModelItem | undefined {
    const annotations = nodes(n, "annotation").map((a) => this.annotation(a));
    const rule = MODEL_ITEMS.find((r) => n.children[r[0]] !== undefined);
    const item = rule && sub(n, rule[0]);
    if (rule === undefined || item === undefined) return undefined;
    const kw = tok(item, rule[1]);
    const first = [...annotations, kw] as Part[];
    const name = (): A.Ident => this.ident(tok(item, "name"));
    const type = (): A.TypeExpr | undefined => (sub(item, "typeExpr") !== undefined ? this.type(sub(item, "typeExpr")) : undefined);
    this.touch(kw);
    switch (item.name) {
      case "dataItem": {
        const nm = name();
        const t = type();
        this.touch(tok(item, "Tilde"));
        const source = this.expr(sub(item, "expr"));
        return { kind: "DataItem", annotations, name: nm, ...(t ? { type: t } : {}), source, span: this.span(...first, nm, source) };
      }
      case "encoderItem":
      case "decoderItem": {
        const nm = name();
        const left = this.ident(tok(item, "left"));
        const right = this.ident(tok(item, "right"));
        this.touch(tok(item, "RParen"));
        if (item.name === "encoderItem") {
          this.touch(tok(item, "Equals"));
          const network = this.expr(sub(item, "value"));
          return { kind: "EncoderItem", annotations, name: nm, latent: left, given: right, network, span: this.span(...first, nm, network) };
        }
        this.touch(tok(item, "Colon"));
        const likelihood = this.expr(sub(item, "likelihood"));
        this.touch(tok(item, "Equals"));
        const network = this.expr(sub(item, "value"));
        return { kind: "DecoderItem", annotations, name: nm, output: left, given: right, likelihood, network, span: this.span(...first, nm, network) };
      }
      case "intermediaryItem": {
        const nm = name();
        const t = type() ?? { kind: "ScalarType", name: "Real", span: this.src.span(this.last, this.last) };
        this.touch(tok(item, "Tilde"));
        const prior = this.expr(sub(item, "expr"));
        return { kind: "IntermediaryItem", annotations, name: nm, type: t, prior, span: this.span(...first, nm, t, prior) };
      }
      case "mappingItem": {
        const nm = name();
        this.touch(tok(item, "Equals"));
        const value = this.expr(sub(item, "expr"));
        return { kind: "MappingItem", annotations, name: nm, value, span: this.span(...first, nm, value) };
      }
      case "objectiveItem": {
        const value = this.expr(sub(item, "expr"));
        return { kind: "ObjectiveItem", annotations, value, span: this.span(...first, value) };
      }
      case "trainItem": {
        const entries = nodes(item, "entry").map((e): A.Entry => {
          const key = this.ident(tok(e, "key"));
          this.touch(tok(e, "Colon"));
          const value = this.expr(sub(e, "expr"));
          return { kind: "Entry", key, value, span: this.span(key, value) };
        });
        return { kind: "TrainItem", annotations, entries, span: this.span(...first, ...entries, ...this.braces(item)) };
      }
      case "evaluateItem": {
        this.touch(tok(item, "LBrace"));
        const metrics = nodes(item, "expr").map((e) => this.expr(e));
        return { kind: "EvaluateItem", annotations, metrics, span: this.span(...first, ...metrics, ...this.braces(item)) };
      }
    }
    return undefined;
  }

}
