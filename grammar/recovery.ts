// Line-based error recovery for the chevrotain parser (the rules are in parser.ts and parser-expressions.ts).
//
// Chevrotain's own re-sync recovery uses follow sets: it stops at the first ',' or ')' of any enclosing
// rule and cascades. Instead every rule has `resyncEnabled: false`, so a failure propagates to the
// nearest *unit* (a statement, a declaration header, a train/evaluate entry), which skips to the end of
// its line at the same bracket depth and carries on. Tokens parsed before the failure stay in the unit's
// CST node, so the AST keeps partial statements. Chevrotain's in-rule recovery (single token insertion
// and deletion) stays on. Each unit reports at most its first error; the rest are its cascade.
import {
  CstParser,
  EOF,
  isRecognitionException,
  tokenMatcher,
  type IParserErrorMessageProvider,
  type IToken,
  type TokenType,
} from "chevrotain";
import * as T from "./lexer";
import { indexOfToken, isReal } from "./source";

export type BlockKind = "bias" | "network" | "model";
/** where a failed unit stops skipping: end of line, of entry, also before a '{' (block), or before the next declaration (top) */
export type SkipMode = "line" | "entry" | "block" | "top";

/** why a unit failed; turned into words by syntax-errors.ts */
export type Reason =
  | { kind: "mismatch" | "noalt" | "other"; expected: string[]; rule: string }
  | { kind: "extra" }
  | { kind: "wrongBlock"; block: BlockKind; other: BlockKind | "decl" }
  | { kind: "badStmt"; block: BlockKind }
  | { kind: "afterAnnotation"; block: BlockKind | "top" }
  | { kind: "notDecl" }
  | { kind: "strayBrace" }
  | { kind: "noBody" }
  | { kind: "unclosed" }
  | { kind: "separator"; what: "setting" | "metric" }
  | { kind: "badEntry" };

export interface RawProblem {
  reason: Reason;
  /** index in the token vector of the token where it went wrong (tokens.length: end of file) */
  at: number;
  /** index of the first token of the unit that reported it */
  unitStart: number;
}

interface Unit {
  start: number;
  reported: boolean;
}

// chevrotain builds messages when it records an error; we keep the facts and word them later
let errorsCreated = 0; // one message per recorded error: lets `sync` skip cloning chevrotain's error list
function facts(kind: string, expected: (TokenType | undefined)[], rule: string): string {
  errorsCreated++;
  const names = [...new Set(expected.filter((t) => t !== undefined).map((t) => t.name))];
  return JSON.stringify({ kind, expected: names, rule });
}
const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: (o) => facts("mismatch", [o.expected], o.ruleName),
  buildNotAllInputParsedMessage: (o) => facts("other", [], o.ruleName),
  buildNoViableAltMessage: (o) => facts("noalt", o.expectedPathsPerAlt.flatMap((alt) => alt.map((p) => p[0])), o.ruleName),
  buildEarlyExitMessage: (o) => facts("noalt", o.expectedIterationPaths.map((p) => p[0]), o.ruleName),
};

export const STARTS: Record<BlockKind, Set<TokenType>> = {
  bias: new Set([T.Param, T.Let, T.Penalty, T.Return]),
  network: new Set([T.For, T.Identifier]),
  model: new Set([T.Data, T.Encoder, T.Intermediary, T.Mapping, T.Decoder, T.Objective, T.Train, T.Evaluate]),
};
export const TOP_STARTS = new Set([T.Import, T.At, T.Bias, T.Network, T.Model]);
export const DECLS = new Set([T.Bias, T.Network, T.Model]);

/** which kind of block a keyword belongs to, for IV1007 */
export function homeOf(t: TokenType): BlockKind | "decl" | undefined {
  if (T.DECL_KEYWORDS.has(t)) return "decl";
  if (t === T.For) return "network";
  if (STARTS.bias.has(t)) return "bias";
  if (STARTS.model.has(t)) return "model";
  return undefined;
}

export const NO_RESYNC = { resyncEnabled: false };

export abstract class RecoveringParser extends CstParser {
  // per-parse state, reset by begin()
  private toks: IToken[] = [];
  private unclosed = new Set<IToken>();
  private strays = new Set<IToken>();
  private units: Unit[] = [];
  private pending: { reason: Reason; at: number }[] = [];
  private seen = 0;
  /** set when a declaration has no body: the top-level lines after it are that body, reported already */
  protected orphans = false;
  problems: RawProblem[] = [];

  constructor() {
    super(T.ALL_TOKENS, { recoveryEnabled: true, maxLookahead: 2, errorMessageProvider: messages });
  }

  begin(tokens: IToken[], unclosed: IToken[], strays: IToken[]): void {
    this.input = tokens;
    this.toks = tokens;
    errorsCreated = 0;
    this.unclosed = new Set(unclosed);
    this.strays = new Set(strays);
    this.units = [];
    this.pending = [];
    this.seen = 0;
    this.orphans = false;
    this.problems = [];
  }

  finish(): void {
    this.flush();
  }

  /** never "insert" a missing token in front of a stray brace: that would let the brace close a block */
  protected override canTokenTypeBeInsertedInRecovery(_expected: TokenType): boolean {
    return !this.strays.has(this.LA(1));
  }

  /** `{ NL* { stmt (NL+ | before '}') } }`, statement by statement */
  protected block(stmt: () => void): void {
    if (this.RECORDING_PHASE) {
      this.CONSUME(T.LBrace);
      this.MANY(() => this.OR([{ ALT: () => this.CONSUME(T.NL) }, { ALT: stmt }]));
      this.CONSUME(T.RBrace);
      return;
    }
    if (!this.is(T.LBrace)) {
      this.orphans = true; // the header reported the missing '{'; the lines that follow are its body
      return;
    }
    const open = this.CONSUME(T.LBrace);
    const unclosed = this.unclosed.has(open);
    let nested = false;
    for (;;) {
      if (this.eat(T.NL)) continue;
      if (this.is(T.RBrace) || this.is(EOF)) break;
      if (this.atLineStartDecl()) {
        // a never-closed body ends where the next declaration starts
        if (unclosed) break;
        // declarations inside a closed body: misplaced braces; report the first only
        if (nested) {
          this.unit("line", () => this.skip("line"));
          continue;
        }
        nested = true;
      }
      this.progress(stmt);
    }
    this.close(open);
  }

  /** the `{ … }` of train and evaluate: items separated by ',' or newlines */
  protected listBlock(item: () => void, what: "setting" | "metric"): void {
    if (this.RECORDING_PHASE) {
      this.CONSUME(T.LBrace);
      this.MANY(() =>
        this.OR([{ ALT: () => this.CONSUME(T.NL) }, { ALT: () => this.CONSUME(T.Comma) }, { ALT: item }]),
      );
      this.CONSUME(T.RBrace);
      return;
    }
    const open = this.CONSUME(T.LBrace);
    const unclosed = this.unclosed.has(open);
    while (this.eat(T.NL));
    while (!this.is(T.RBrace) && !this.is(EOF) && !(unclosed && this.atLineStartDecl())) {
      this.progress(() => {
        // the separator belongs to the item's unit: no second report after a recovered item
        const completed = this.unit("entry", () => {
          if (what === "setting" && !this.is(T.Identifier)) {
            this.report({ kind: "badEntry" });
            this.skip("entry");
          } else item();
          if (!this.eat(T.Comma) && !this.is(T.NL) && !this.is(T.RBrace) && !this.is(EOF)) {
            this.report({ kind: "separator", what });
            this.skip("entry");
            this.eat(T.Comma);
          }
        });
        if (!completed) this.eat(T.Comma); // the skip stopped before the ',' that ends the failed item
        while (this.eat(T.NL));
      });
    }
    this.close(open);
  }

  protected close(open: IToken): void {
    if (this.is(T.RBrace)) this.CONSUME(T.RBrace);
    else if (isReal(open)) {
      // (a '{' that recovery inserted is not unclosed: its absence was the error already reported)
      // reported on its own: an unclosed body is never a cascade of the statement that holds it
      this.flush();
      this.problems.push({ reason: { kind: "unclosed" }, at: indexOfToken(this.toks, open), unitStart: this.pos() });
    }
  }

  protected expectBody(): void {
    if (this.RECORDING_PHASE || this.is(T.LBrace)) return;
    this.report({ kind: "noBody" });
    this.skip("block");
  }

  /** checks the first token of a statement; reports statements of other block kinds specifically */
  protected statementStart(block: BlockKind): boolean {
    if (this.RECORDING_PHASE) return true;
    const t = this.LA(1).tokenType;
    if (STARTS[block].has(t)) return true;
    const other = homeOf(t);
    const unit = this.units[this.units.length - 1];
    if (other !== undefined) this.report({ kind: "wrongBlock", block, other });
    else if (unit !== undefined && this.pos() > unit.start) this.report({ kind: "afterAnnotation", block });
    else this.report({ kind: "badStmt", block });
    this.skip("line");
    return false;
  }

  protected endOfStatement(inBlock: boolean): void {
    if (this.RECORDING_PHASE) return;
    if (this.is(T.NL) || this.is(EOF) || (inBlock && this.is(T.RBrace)) || this.atLineStartDecl()) return;
    this.report({ kind: "extra" });
    this.skip("line");
  }

  // ---------------------------------------------------------------- recovery machinery

  /** a statement kind inside a statement rule: catches locally so that its CST node survives */
  protected part(mode: SkipMode, body: () => void): void {
    this.unit(mode, body, true);
  }

  /** runs `body` as a recovery unit: a failure inside skips to the unit's end and is reported once; false if it failed */
  protected unit(mode: SkipMode, body: () => void, shared = false): boolean {
    if (this.RECORDING_PHASE) {
      body();
      return true;
    }
    this.flush(); // earlier errors belong to the enclosing unit
    const outer = this.units[this.units.length - 1];
    // a shared unit is a part of its enclosing statement: it keeps the partial CST but reports as one
    const u: Unit = shared && outer !== undefined ? outer : { start: this.pos(), reported: false };
    this.units.push(u);
    try {
      body();
      return true;
    } catch (e) {
      if (!isRecognitionException(e as Error)) throw e;
      this.skip(mode);
      return false;
    } finally {
      this.flush();
      this.units.pop();
    }
  }

  /** skips tokens up to the end of the current unit, keeping track of bracket depth since its start */
  protected skip(mode: SkipMode): void {
    const unit = this.units[this.units.length - 1];
    let paren = 0;
    let brace = 0;
    const step = (t: IToken): void => {
      if (this.strays.has(t)) return;
      const ty = t.tokenType;
      if (ty === T.LParen || ty === T.LBracket) paren++;
      else if (ty === T.RParen || ty === T.RBracket) paren = Math.max(0, paren - 1);
      else if (ty === T.LBrace) (paren = 0), brace++;
      else if (ty === T.RBrace) (paren = 0), (brace = Math.max(0, brace - 1));
    };
    const here = this.pos();
    const start = unit?.start ?? here;
    for (let i = start; i < here; i++) step(this.toks[i]!);
    for (;;) {
      const t = this.LA(1);
      const ty = t.tokenType;
      // a declaration keyword at the start of a line ends any unit, except the one it starts
      if (ty === EOF || (this.pos() > start && this.atLineStartDecl())) return;
      if (mode === "top") {
        // a run of lines that are not declarations is one problem (e.g. a block closed early by a stray '}')
        if (ty === T.At && this.toks[this.pos() - 1]?.tokenType === T.NL) return;
        this.SKIP_TOKEN();
        continue;
      }
      const real = !this.strays.has(t);
      if (ty === T.NL && brace === 0) return;
      if (ty === T.LBrace && real && brace === 0 && mode === "block") return;
      if (ty === T.RBrace && real && brace === 0) return;
      if (ty === T.Comma && mode === "entry" && paren === 0 && brace === 0) return;
      step(t);
      this.SKIP_TOKEN();
    }
  }

  /** records a problem found by our own checks, after any chevrotain errors recorded before it */
  protected report(reason: Reason, at = this.pos()): void {
    this.sync();
    this.pending.push({ reason, at });
  }

  private sync(): void {
    if (errorsCreated === this.seen) return;
    const errors = this.errors;
    for (let i = this.seen; i < errors.length; i++) {
      const e = errors[i]!;
      let reason: Reason;
      try {
        reason = JSON.parse(e.message) as Reason;
      } catch {
        reason = { kind: "other", expected: [], rule: "" };
      }
      this.pending.push({ reason, at: indexOfToken(this.toks, e.token) });
    }
    this.seen = errors.length;
  }

  /** gives pending errors to the innermost unit: the first one is reported, the rest are its cascade */
  private flush(): void {
    this.sync();
    const first = this.pending[0];
    this.pending = [];
    if (first === undefined) return;
    const unit = this.units[this.units.length - 1];
    if (unit?.reported === true) return;
    if (unit !== undefined) unit.reported = true;
    this.problems.push({ ...first, unitStart: unit?.start ?? first.at });
  }

  protected progress(step: () => void): void {
    const before = this.pos();
    step();
    if (this.pos() === before && !this.is(EOF)) this.SKIP_TOKEN(); // never loop on a token nobody takes
  }

  protected pos(): number {
    return indexOfToken(this.toks, this.LA(1));
  }

  protected is(t: TokenType): boolean {
    return tokenMatcher(this.LA(1), t);
  }

  protected eat(t: TokenType): boolean {
    if (!this.is(t)) return false;
    this.CONSUME(t);
    return true;
  }

  protected atLineStartDecl(): boolean {
    const i = this.pos();
    const t = this.toks[i];
    return t !== undefined && T.DECL_KEYWORDS.has(t.tokenType) && (i === 0 || this.toks[i - 1]!.tokenType === T.NL);
  }
}
