// Syntax problems in the user's words. The grammar stage does not import compiler/ (imports flow
// grammar → compiler → runtime), so codes are plain strings; test/grammar checks them against the catalog.
import type { IToken } from "chevrotain";
import type { Span } from "./ast";
import * as T from "./lexer";
import { homeOf, type BlockKind, type RawProblem, type Reason } from "./recovery";
import { isReal, tokenEnd, type SourceText } from "./source";

export interface SyntaxProblem {
  /** an IV1xxx code from compiler/diagnostics/catalog.ts */
  code: string;
  message: string;
  span: Span;
  hint?: string;
  /** an identifier found where one of `keywords` was expected: the compiler suggests the close one */
  misspelt?: { word: string; keywords: string[] };
}

/** The keywords that start a statement in each place, for "did you mean" on a misspelt one. */
const KEYWORDS: Record<BlockKind | "top", string[]> = {
  top: ["import", "bias", "network", "model"],
  bias: ["param", "let", "penalty", "return"],
  network: ["for"],
  model: ["data", "encoder", "intermediary", "mapping", "decoder", "objective", "train", "evaluate"],
};

const BY_NAME = new Map(T.ALL_TOKENS.map((t) => [t.name, t]));

const HOLDS: Record<BlockKind, string> = {
  bias: "a bias body holds 'param', 'let', 'penalty' and 'return' statements",
  network: "a network body holds layers",
  model: "a model holds items such as 'data', 'encoder', 'intermediary', 'mapping', 'decoder' and 'train'",
};
const NOT: Record<BlockKind, string> = { bias: "bias statements", network: "layers", model: "model items" };
const BLOCK_NAME: Record<BlockKind, string> = { bias: "a bias body", network: "a network body", model: "a model" };
const EXPECTED_STMT: Record<BlockKind, string> = {
  bias: "a bias statement ('param', 'let', 'penalty' or 'return')",
  network: "a layer (such as 'dense(64)' or 'relu') or 'for'",
  model:
    "a model item ('data', 'encoder', 'intermediary', 'mapping', 'decoder', 'objective', 'train' or 'evaluate')",
};
/** what a rule's alternatives amount to, for "expected …" when no alternative fits */
const RULE_WANTS: Record<string, string> = {
  unary: "an expression",
  atom: "an expression",
  expr: "an expression",
  indexArg: "an index or a slice",
  dimAtom: "a dimension (a number, a name or '?')",
};

export class ProblemWriter {
  constructor(
    private readonly src: SourceText,
    private readonly tokens: IToken[],
  ) {}

  write(p: RawProblem): SyntaxProblem {
    const tok = this.tokens[p.at];
    const r = p.reason;
    const found = this.found(tok);
    const prob = (code: string, message: string, hint?: string, place?: BlockKind | "top"): SyntaxProblem => ({
      code,
      message,
      span: this.at(p.at),
      ...(hint !== undefined ? { hint } : {}),
      ...(place && tok?.tokenType === T.Identifier ? { misspelt: { word: tok.image, keywords: KEYWORDS[place] } } : {}),
    });
    switch (r.kind) {
      case "mismatch":
      case "noalt":
      case "other":
        return prob("IV1001", this.expected(r, p.at, found), this.hintFor(r, p.at));
      case "extra": {
        const img = tok?.image;
        if (img === ")" || img === "]") return prob("IV1008", `extra input after a complete statement: unmatched '${img}'`);
        return prob("IV1008", `extra input after a complete statement: found ${found}`, "put each statement on its own line");
      }
      case "wrongBlock": {
        const kw = `'${tok?.image ?? ""}'`;
        if (r.other === "decl")
          return prob("IV1007", `unexpected ${kw} here: declarations and imports belong at the top level, not inside ${BLOCK_NAME[r.block]}`);
        return prob("IV1007", `unexpected ${kw} here: ${HOLDS[r.block]}, not ${NOT[r.other]}`);
      }
      case "badStmt": {
        const next = this.tokens[p.at + 1];
        const hint =
          r.block === "bias" && tok?.tokenType === T.Identifier && next?.tokenType === T.Equals
            ? `declare it with 'let ${tok.image} = …'`
            : undefined;
        return prob("IV1001", `expected ${EXPECTED_STMT[r.block]}, found ${found}`, hint, r.block);
      }
      case "afterAnnotation":
        return prob(
          "IV1001",
          r.block === "top"
            ? `expected 'bias', 'network' or 'model' after the annotation, found ${found}`
            : `expected a statement after the annotation, found ${found}`,
        );
      case "notDecl": {
        if (tok?.tokenType === T.Intel) return prob("IV1010", "the 'intel 0.1' line must come before everything else");
        const home = tok !== undefined ? homeOf(tok.tokenType) : undefined;
        const hint = home === "bias" || home === "network" || home === "model" ? `'${tok!.image}' belongs inside ${BLOCK_NAME[home]}` : undefined;
        return prob("IV1010", `expected a declaration ('import', 'bias', 'network' or 'model'), found ${found}`, hint, "top");
      }
      case "strayBrace":
        return prob("IV1001", "unmatched '}': there is no open block to close");
      case "noBody": {
        const kw = this.tokens[p.unitStart - 1];
        const name = this.tokens[p.unitStart];
        const what = kw !== undefined && name?.tokenType === T.Identifier ? ` of ${kw.image} '${name.image}'` : "";
        return prob("IV1001", `expected '{' to start the body${what}, found ${found}`);
      }
      case "unclosed":
        return this.unclosed(p.at);
      case "separator":
        return prob("IV1001", `expected ',' or a new line after the ${r.what}, found ${found}`);
      case "badEntry":
        return prob("IV1001", `expected a setting such as 'batch: 100', found ${found}`);
    }
  }

  /** IV1004 at an opening bracket that is never closed */
  unclosed(at: number): SyntaxProblem {
    const open = this.tokens[at];
    // recovery can name a position past the last token (a bracket opened in a string's ruins)
    if (!open) return { code: "IV1004", message: "a bracket is never closed before the end of the file", span: this.at(at) };
    return {
      code: "IV1004",
      message: `'${open.image}' opening ${this.opener(at)} is never closed`,
      span: this.src.tokenSpan(open),
    };
  }

  /** where a problem at token `at` points: the token; end of line: the newline; end of file: the last token's end */
  at(at: number): Span {
    const t = this.tokens[at];
    if (isReal(t)) return t.tokenType === T.NL ? this.src.span(t.startOffset, t.startOffset) : this.src.tokenSpan(t);
    for (let i = Math.min(at, this.tokens.length) - 1; i >= 0; i--) {
      const prev = this.tokens[i]!;
      if (prev.tokenType !== T.NL) return this.src.span(tokenEnd(prev), tokenEnd(prev));
    }
    return this.src.span(0, 0);
  }

  private found(t: IToken | undefined): string {
    if (t === undefined) return "end of file";
    if (t.tokenType === T.NL) return "end of line";
    if (t.tokenType === T.StringLit) return t.image.length > 30 ? `${t.image.slice(0, 27)}…` : t.image;
    return `'${t.image.length > 30 ? `${t.image.slice(0, 27)}…` : t.image}'`;
  }

  private expected(r: Extract<Reason, { expected: string[] }>, at: number, found: string): string {
    const prev = this.tokens[at - 1];
    const after = prev !== undefined && prev.tokenType !== T.NL ? ` after ${this.found(prev)}` : "";
    if (r.kind === "other") return `unexpected ${found}`;
    if (this.tokens[at]?.tokenType === T.Comma && prev?.tokenType === T.Comma) return `expected an expression after ',', found ','`;
    if (r.kind === "noalt") {
      const what = RULE_WANTS[r.rule] ?? this.oneOf(r.expected);
      return `expected ${what}${after}, found ${found}`;
    }
    const want = r.expected[0] ?? "";
    const closer = { RParen: "LParen", RBracket: "LBracket", Greater: "Less", RBrace: "LBrace" }[want];
    if (closer !== undefined) {
      const open = this.findOpener(at, closer);
      if (open >= 0) return `expected ${this.display(want)} to close ${this.opener(open)}, found ${found}`;
    }
    if (want === "NumberLit" && r.rule === "versionLine") return `expected a version number after 'intel', found ${found}`;
    if (want === "StringLit" && r.rule === "importDecl") return `expected a path in quotes after 'import', found ${found}`;
    return `expected ${this.display(want)}${after}, found ${found}`;
  }

  private hintFor(r: Extract<Reason, { expected: string[] }>, at: number): string | undefined {
    const t = this.tokens[at];
    const prev = this.tokens[at - 1];
    if (r.rule === "importDecl" && t?.tokenType === T.Identifier) return `write import "${t.image}"`;
    if (r.rule === "decoderItem" && r.expected.includes("Colon"))
      return "a decoder names its likelihood, as in 'decoder p(x | z) : Bernoulli = …'";
    if (r.rule === "intermediaryItem" && r.expected.includes("Colon"))
      return "an intermediary needs a type, as in 'intermediary y : Real[50] ~ Normal(0, I)'";
    if (t?.tokenType === T.Equals && (r.rule === "entry" || (r.expected.includes("RParen") && prev?.tokenType === T.Identifier)))
      return "named arguments and settings use ':', as in 'gamma: 30'";
    return undefined;
  }

  private display(name: string): string {
    const t = BY_NAME.get(name);
    if (name === "Identifier") return "a name";
    if (name === "EOF") return "end of file";
    return (t && T.DISPLAY.get(t)) ?? name;
  }

  private oneOf(names: string[]): string {
    const shown = names.slice(0, 5).map((n) => this.display(n));
    if (shown.length === 0) return "something else";
    if (shown.length === 1) return shown[0]!;
    return `${shown.slice(0, -1).join(", ")} or ${shown[shown.length - 1]}`;
  }

  /** index of the unmatched opening bracket of kind `open` before token `at`, or -1 */
  private findOpener(at: number, open: string): number {
    const openT = BY_NAME.get(open)!;
    const closeT = { LParen: T.RParen, LBracket: T.RBracket, Less: T.Greater, LBrace: T.RBrace }[open]!;
    let depth = 0;
    for (let i = Math.min(at, this.tokens.length) - 1; i >= 0; i--) {
      const ty = this.tokens[i]!.tokenType;
      if (ty === closeT) depth++;
      else if (ty === openT) {
        if (depth === 0) return i;
        depth--;
      } else if (open !== "LBrace" && (ty === T.LBrace || ty === T.RBrace || ty === T.NL)) return -1;
    }
    return -1;
  }

  /** "the call to 'dense'", "the body of model 'm'", … for the bracket at token index `at` */
  opener(at: number): string {
    const open = this.tokens[at]!;
    const prev = this.tokens[at - 1];
    const prev2 = this.tokens[at - 2];
    const named = prev?.tokenType === T.Identifier;
    switch (open.tokenType) {
      case T.LParen:
        if (named && (prev2?.tokenType === T.Bias || prev2?.tokenType === T.Network))
          return `the parameter list of '${prev.image}'`;
        if (prev?.tokenType === T.Greater) {
          const lt = this.findOpener(at - 1, "Less");
          const name = this.tokens[lt - 1];
          return name?.tokenType === T.Identifier ? `the parameter list of '${name.image}'` : "the parameter list";
        }
        if (named && prev2?.tokenType === T.At) return `the annotation '@${prev.image}'`;
        if (named && (prev2?.tokenType === T.Encoder || prev2?.tokenType === T.Decoder)) return `'${prev.image}(…)'`;
        if (named) return `the call to '${prev.image}'`;
        return "a parenthesised expression";
      case T.LBracket:
        if (prev !== undefined && T.TYPE_NAMES.has(prev.tokenType))
          return `the dimensions of '${prev.image}'`;
        if (named) return `the index into '${prev.image}'`;
        if (prev?.tokenType === T.RParen || prev?.tokenType === T.RBracket) return "the index";
        return "the list";
      case T.Less:
        return named ? `the generic parameters of '${prev.image}'` : "the generic parameters";
      default: {
        let i = at;
        while (i > 0 && this.tokens[i - 1]!.tokenType !== T.NL) i--;
        while (this.tokens[i]?.tokenType === T.At) i = this.skipAnnotation(i, at);
        const head = this.tokens[i];
        const name = this.tokens[i + 1];
        if (head !== undefined && (head.tokenType === T.Bias || head.tokenType === T.Network || head.tokenType === T.Model))
          return name?.tokenType === T.Identifier ? `the body of ${head.image} '${name.image}'` : `the body of the ${head.image}`;
        if (head?.tokenType === T.For) return "the 'for' block";
        if (head?.tokenType === T.Train || head?.tokenType === T.Evaluate) return `the '${head.image}' block`;
        return "the block";
      }
    }
  }

  private skipAnnotation(i: number, limit: number): number {
    let j = i + 2;
    if (this.tokens[j]?.tokenType === T.LParen) while (j < limit && this.tokens[j]!.tokenType !== T.RParen) j++;
    return Math.min(j + 1, limit);
  }
}
