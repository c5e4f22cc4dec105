// Tokens of the `.intel` language and the lexing pass (docs/language.md, "Lexical structure").
// After chevrotain tokenises, `lex` drops newlines inside ( ) and [ ], collapses runs of newlines, checks
// numbers and strings, and records unclosed brackets, so that the parser sees one NL per statement end.
import { createToken, Lexer, type IToken, type TokenType } from "chevrotain";
import type { SyntaxProblem } from "./syntax-errors";
import { SourceText, tokenEnd } from "./source";

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

/** display text of every token type, for messages in the user's words */
export const DISPLAY = new Map<TokenType, string>();
const labelled = (t: TokenType, label: string): TokenType => (DISPLAY.set(t, label), t);

const keyword = (word: string, categories?: TokenType[]): TokenType =>
  labelled(
    createToken({
      name: word[0]!.toUpperCase() + word.slice(1),
      pattern: new RegExp(word),
      longer_alt: Identifier,
      ...(categories ? { categories } : {}),
    }),
    `'${word}'`,
  );
const punct = (name: string, text: string, categories?: TokenType[]): TokenType =>
  labelled(
    createToken({ name, pattern: text, ...(categories ? { categories } : {}) }),
    `'${text}'`,
  );

// categories: one CST key per operator class, operands and operators then zip in order
export const TypeName = labelled(createToken({ name: "TypeName", pattern: Lexer.NA }), "a type ('Real', 'Int', 'Bool', 'String' or 'OneHot')");
export const AddOp = labelled(createToken({ name: "AddOp", pattern: Lexer.NA }), "'+' or '-'");
export const MulOp = labelled(createToken({ name: "MulOp", pattern: Lexer.NA }), "'*' or '/'");
export const CmpOp = labelled(createToken({ name: "CmpOp", pattern: Lexer.NA }), "a comparison");
/** every binary operator but '**': the parser reads a flat chain, the AST builder applies precedence */
export const BinOp = labelled(createToken({ name: "BinOp", pattern: Lexer.NA }), "an operator");

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\f\v]+/, group: Lexer.SKIPPED });
/** A UTF-8 byte-order mark at the very start of a file (editors on Windows write one): skipped. */
export const ByteOrderMark = createToken({
  name: "ByteOrderMark",
  pattern: { exec: (text: string, offset: number) => (offset === 0 && text.charCodeAt(0) === 0xfeff ? ["\uFEFF"] : null) } as never,
  start_chars_hint: ["\uFEFF"],
  line_breaks: false,
  group: Lexer.SKIPPED,
});
export const Comment = createToken({ name: "Comment", pattern: /#[^\r\n]*/, group: "comments" });
export const NL = labelled(createToken({ name: "NL", pattern: /\r?\n/, line_breaks: true }), "end of line");
// Deliberately greedy: `1e`, `1.2.3`, `2x` lex as one number so they can be reported as malformed.
export const NumberLit = labelled(createToken({ name: "NumberLit", pattern: /\d(?:[eE][+-]\d*|[A-Za-z0-9_.])*/ }), "a number");
// The closing quote is optional so an unterminated string is still one token (reported, not cascaded).
export const StringLit = labelled(createToken({ name: "StringLit", pattern: /"(?:[^"\\\r\n]|\\[^\r\n]?)*"?/ }), "a string");

export const Intel = keyword("intel");
export const Import = keyword("import");
export const Bias = keyword("bias");
export const Network = keyword("network");
export const Model = keyword("model");
export const Param = keyword("param");
export const Let = keyword("let");
export const Penalty = keyword("penalty");
export const Return = keyword("return");
export const For = keyword("for");
export const In = keyword("in");
export const Data = keyword("data");
export const Encoder = keyword("encoder");
export const Intermediary = keyword("intermediary");
export const Mapping = keyword("mapping");
export const Decoder = keyword("decoder");
export const Objective = keyword("objective");
export const Train = keyword("train");
export const Evaluate = keyword("evaluate");
export const True = keyword("true");
export const False = keyword("false");
export const Real = keyword("Real", [TypeName]);
export const Int = keyword("Int", [TypeName]);
export const Bool = keyword("Bool", [TypeName]);
export const String_ = keyword("String", [TypeName]);
/** a discrete latent: OneHot[K] (one of K classes), OneHot[G, K] (G of them) */
export const OneHot = keyword("OneHot", [TypeName]);

export const Arrow = punct("Arrow", "->");
export const StarStar = punct("StarStar", "**");
export const EqEq = punct("EqEq", "==", [CmpOp, BinOp]);
export const NotEq = punct("NotEq", "!=", [CmpOp, BinOp]);
export const LessEq = punct("LessEq", "<=", [CmpOp, BinOp]);
export const GreaterEq = punct("GreaterEq", ">=", [CmpOp, BinOp]);
export const Less = punct("Less", "<", [CmpOp, BinOp]);
export const Greater = punct("Greater", ">", [CmpOp, BinOp]);
export const Plus = punct("Plus", "+", [AddOp, BinOp]);
export const Minus = punct("Minus", "-", [AddOp, BinOp]);
export const Star = punct("Star", "*", [MulOp, BinOp]);
export const Slash = punct("Slash", "/", [MulOp, BinOp]);
export const LParen = punct("LParen", "(");
export const RParen = punct("RParen", ")");
export const LBracket = punct("LBracket", "[");
export const RBracket = punct("RBracket", "]");
export const LBrace = punct("LBrace", "{");
export const RBrace = punct("RBrace", "}");
export const Comma = punct("Comma", ",");
export const Colon = punct("Colon", ":");
export const Equals = punct("Equals", "=");
export const Tilde = punct("Tilde", "~");
export const Pipe = punct("Pipe", "|");
export const At = punct("At", "@");
export const Question = punct("Question", "?");

const KEYWORDS = [
  Intel, Import, Bias, Network, Model, Param, Let, Penalty, Return, For, In, Data, Encoder, Intermediary,
  Mapping, Decoder, Objective, Train, Evaluate, True, False, Real, Int, Bool, String_, OneHot,
];

// longest first: `in` must not shadow `intel`, `intermediary` or `Int`
const BY_LENGTH = [...KEYWORDS].sort((a, b) => DISPLAY.get(b)!.length - DISPLAY.get(a)!.length);

export const ALL_TOKENS: TokenType[] = [
  ByteOrderMark, WhiteSpace, Comment, NL, NumberLit, StringLit, ...BY_LENGTH, Identifier,
  Arrow, StarStar, EqEq, NotEq, LessEq, GreaterEq, Less, Greater, Plus, Minus, Star, Slash,
  LParen, RParen, LBracket, RBracket, LBrace, RBrace, Comma, Colon, Equals, Tilde, Pipe, At, Question,
  TypeName, AddOp, MulOp, CmpOp, BinOp,
];

export const TYPE_NAMES = new Set<TokenType>([Real, Int, Bool, String_, OneHot]);
/** keywords that start a declaration: at the start of a line they end whatever came before */
export const DECL_KEYWORDS = new Set<TokenType>([Intel, Import, Bias, Network, Model]);
/** keywords (and '@') that cannot continue an expression: a line starting with one is never a continuation */
const LINE_STARTERS = new Set<TokenType>([
  ...DECL_KEYWORDS, Param, Let, Penalty, Return, For, Data, Encoder, Intermediary, Mapping, Decoder, Objective,
  Train, Evaluate, At,
]);

const chevLexer = new Lexer(ALL_TOKENS, { positionTracking: "onlyOffset", ensureOptimizations: false });

export interface LexResult {
  /** the tokens the parser reads: no whitespace, no comments, NL only at statement ends */
  tokens: IToken[];
  comments: IToken[];
  problems: SyntaxProblem[];
  /** opening brackets of all kinds that are never closed (IV1004 candidates) */
  unclosed: IToken[];
  /** brackets that cannot be structure: ')' or ']' closing nothing, '{' or '}' inside ( ) or [ ] with
   * more on the line, a surplus '}' with more on the line. Recovery does not count them. */
  strays: IToken[];
}

const NUMBER_OK = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const CLOSER: Record<string, string> = { RParen: "LParen", RBracket: "LBracket" };

export function lex(src: SourceText): LexResult {
  const res = chevLexer.tokenize(src.text);
  const problems: SyntaxProblem[] = [];
  for (const e of res.errors) {
    const bad = src.text.slice(e.offset, e.offset + e.length);
    const what = [...bad].length === 1 ? `character '${bad}' is` : `characters '${bad}' are`;
    problems.push({ code: "IV1003", message: `${what} not allowed here`, span: src.span(e.offset, e.offset + e.length) });
  }

  const raw = res.tokens;
  const tokens: IToken[] = [];
  const unclosed: IToken[] = [];
  const open: IToken[] = []; // ( and [ not yet closed
  const braces: IToken[] = [];
  const strays: IToken[] = [];
  const extraClosers = surplusClosers(raw);
  // '{' and '}' never occur inside ( ) or [ ]: meeting one there means a bracket was left open
  const barrier = (): void => {
    unclosed.push(...open);
    open.length = 0;
  };

  for (let i = 0; i < raw.length; i++) {
    const t = raw[i]!;
    const ty = t.tokenType;
    if (ty === NL) {
      if (open.length > 0) {
        let j = i + 1;
        while (j < raw.length && raw[j]!.tokenType === NL) j++;
        const next = raw[j];
        // `encoder:` is an argument's name (optimizer groups), not the model item
        const argName = raw[j + 1]?.tokenType === Colon;
        if (next !== undefined && LINE_STARTERS.has(next.tokenType) && !argName) barrier();
        else continue; // inside brackets a newline is just whitespace
      }
      if (tokens.length > 0 && tokens[tokens.length - 1]!.tokenType === NL) continue;
      tokens.push(t);
      continue;
    }
    if (ty === LParen || ty === LBracket) open.push(t);
    else if (ty === RParen || ty === RBracket) {
      const want = CLOSER[ty.name];
      const at = findLast(open, (o) => o.tokenType.name === want);
      if (at === open.length - 1) open.pop();
      else if (at >= 0) unclosed.push(...open.splice(at).slice(1)); // brackets between were left open
      else strays.push(t); // nothing of its kind is open: kept for the parser to report; depth never goes negative
    } else if (
      ((ty === LBrace || ty === RBrace) && open.length > 0 && raw[i + 1] !== undefined && raw[i + 1]!.tokenType !== NL) ||
      extraClosers.has(t)
    ) {
      strays.push(t); // `f(}x)`, `a = } b`: the parser reports it; the brackets around it stay as they are
    } else if (ty === LBrace) {
      barrier();
      braces.push(t);
    } else if (ty === RBrace) {
      barrier();
      braces.pop();
    } else if (ty === NumberLit && !NUMBER_OK.test(t.image)) {
      problems.push({
        code: "IV1006",
        message: `malformed number '${t.image}'`,
        span: src.tokenSpan(t),
        hint: "numbers look like 12, 0.5, 1e-3 or 2.5E+4",
      });
    } else if (ty === StringLit) checkString(t, src, problems);
    tokens.push(t);
  }
  barrier();
  unclosed.push(...braces);
  unclosed.sort((a, b) => a.startOffset - b.startOffset);
  return { tokens, comments: res.groups["comments"] ?? [], problems, unclosed, strays };
}

/**
 * When a file has more '}' than '{', the surplus is most likely a '}' with more input after it on its
 * line (a valid '}' ends its line or precedes another '}'): those are taken as typos, earliest first.
 */
function surplusClosers(raw: IToken[]): Set<IToken> {
  let balance = 0;
  const midLine: IToken[] = [];
  raw.forEach((t, i) => {
    if (t.tokenType === LBrace) balance++;
    else if (t.tokenType === RBrace) {
      balance--;
      const next = raw[i + 1];
      if (next !== undefined && next.tokenType !== NL && next.tokenType !== RBrace) midLine.push(t);
    }
  });
  return new Set(balance < 0 ? midLine.slice(0, -balance) : []);
}

function findLast<T>(xs: T[], p: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (p(xs[i]!)) return i;
  return -1;
}

function checkString(t: IToken, src: SourceText, problems: SyntaxProblem[]): void {
  const s = t.image;
  for (let i = 1; i < s.length; i++) {
    const c = s[i];
    if (c === '"') return;
    if (c === "\\") {
      const e = s[i + 1];
      if (e !== undefined && !'"\\nt'.includes(e)) {
        const at = t.startOffset + i;
        problems.push({
          code: "IV1003",
          message: `unknown escape '\\${e}' in a string`,
          span: src.span(at, at + 2),
          hint: 'the escapes are \\", \\\\, \\n and \\t',
        });
      }
      i++;
    }
  }
  problems.push({
    code: "IV1002",
    message: "unterminated string: it runs to the end of the line",
    span: src.span(t.startOffset, tokenEnd(t)),
  });
}

/** the value of a string literal as written (escapes decoded; an unknown escape keeps its character) */
export function stringValue(image: string): string {
  let out = "";
  const close = image.length >= 2 && image.endsWith('"') && !isEscapedAt(image, image.length - 1);
  const body = image.slice(1, close ? -1 : undefined);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\" || i + 1 >= body.length) {
      if (c !== "\\") out += c;
      continue;
    }
    const e = body[++i]!;
    out += e === "n" ? "\n" : e === "t" ? "\t" : e;
  }
  return out;
}

function isEscapedAt(s: string, i: number): boolean {
  let n = 0;
  for (let j = i - 1; j >= 1 && s[j] === "\\"; j--) n++;
  return n % 2 === 1;
}
