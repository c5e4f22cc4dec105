// Type and expression rules of docs/language.md (`type` … `arg`), shared by the statement rules.
import type { IOrAlt } from "chevrotain";
import * as T from "./lexer";
import { NO_RESYNC, RecoveringParser } from "./recovery";

export abstract class ExpressionParser extends RecoveringParser {
  // ---------------------------------------------------------------- types

  typeExpr = this.RULE("typeExpr", () => {
    this.CONSUME(T.TypeName);
    this.OPTION(() => {
      this.CONSUME(T.LBracket);
      this.OPTION2(() => {
        this.SUBRULE(this.dim);
        this.MANY(() => {
          this.CONSUME(T.Comma);
          this.SUBRULE2(this.dim);
        });
      });
      this.CONSUME(T.RBracket);
    });
  }, NO_RESYNC);

  dim = this.RULE("dim", () => {
    this.SUBRULE(this.dimTerm);
    this.MANY(() => {
      this.CONSUME(T.AddOp);
      this.SUBRULE2(this.dimTerm);
    });
  }, NO_RESYNC);

  dimTerm = this.RULE("dimTerm", () => {
    this.SUBRULE(this.dimAtom);
    this.MANY(() => {
      this.CONSUME(T.MulOp);
      this.SUBRULE2(this.dimAtom);
    });
  }, NO_RESYNC);

  dimAtom = this.RULE("dimAtom", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLit) },
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.Question) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.dim);
          this.CONSUME(T.RParen);
        },
      },
    ]);
  }, NO_RESYNC);

  // ---------------------------------------------------------------- expressions
  // Flat on purpose: `expr` is a chain of operands and binary operators, and the AST builder applies
  // precedence (and rejects chained comparisons). Three CST levels per operand instead of seven halves
  // the cost of parsing and building (chevrotain CST nodes are dictionary objects). The DSL callbacks
  // of these hot rules are made once, not per invocation: under tsx every closure costs a defineProperty.

  expr = this.RULE("expr", () => {
    this.SUBRULE(this.unary);
    this.MANY(this.binaryTail);
  }, NO_RESYNC);

  /** `-`* atom [`**` unary]: the minus applies to the whole power, so -x ** 2 = -(x ** 2) */
  unary = this.RULE("unary", () => {
    this.MANY(this.minus);
    this.SUBRULE(this.atom);
    this.OPTION(this.powerTail); // right-associative, and `2 ** -1` works
  }, NO_RESYNC);

  /** a primary with its index suffixes */
  atom = this.RULE("atom", () => {
    this.OR(this.atomAlts);
    this.MANY(this.indexTail);
  }, NO_RESYNC);

  indexSuffix = this.RULE("indexSuffix", () => {
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.indexArg);
    this.MANY(this.indexArgTail);
    this.CONSUME(T.RBracket);
  }, NO_RESYNC);

  indexArg = this.RULE("indexArg", () => this.OR(this.indexArgAlts), NO_RESYNC);

  listLit = this.RULE("listLit", () => {
    this.CONSUME(T.LBracket);
    this.OPTION(this.listElements);
    this.CONSUME(T.RBracket);
  }, NO_RESYNC);

  parenExpr = this.RULE("parenExpr", () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expr);
    this.CONSUME(T.RParen);
  }, NO_RESYNC);

  args = this.RULE("args", () => {
    this.SUBRULE(this.arg);
    this.MANY(this.argTail);
    this.OPTION(this.trailingComma);
  }, NO_RESYNC);

  arg = this.RULE("arg", () => {
    this.OPTION(this.argName);
    this.SUBRULE(this.expr);
  }, NO_RESYNC);

  private readonly binaryTail = (): void => {
    this.CONSUME(T.BinOp);
    this.SUBRULE2(this.unary);
  };
  private readonly minus = (): void => void this.CONSUME(T.Minus);
  private readonly powerTail = (): void => {
    this.CONSUME(T.StarStar);
    this.SUBRULE(this.unary);
  };
  private readonly indexTail = (): void => void this.SUBRULE(this.indexSuffix);
  private readonly callTail = (): void => {
    this.CONSUME(T.LParen);
    this.OPTION2(this.argList);
    this.CONSUME(T.RParen);
  };
  private readonly argList = (): void => void this.SUBRULE(this.args);
  private readonly atomAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(T.NumberLit) },
    { ALT: () => this.CONSUME(T.StringLit) },
    { ALT: () => this.CONSUME(T.True) },
    { ALT: () => this.CONSUME(T.False) },
    {
      ALT: () => {
        this.CONSUME(T.Identifier);
        this.OPTION(this.callTail);
      },
    },
    { ALT: () => this.SUBRULE(this.listLit) },
    { ALT: () => this.SUBRULE(this.parenExpr) },
  ];
  private readonly indexArgTail = (): void => {
    this.CONSUME(T.Comma);
    this.SUBRULE2(this.indexArg);
  };
  /** `[ expr ] ":" [ expr ] | expr` */
  private readonly indexArgAlts: IOrAlt<unknown>[] = [
    {
      ALT: () => {
        this.CONSUME(T.Colon);
        this.OPTION(() => this.SUBRULE(this.expr, { LABEL: "end" }));
      },
    },
    {
      ALT: () => {
        this.SUBRULE2(this.expr, { LABEL: "start" });
        this.OPTION2(() => {
          this.CONSUME2(T.Colon);
          this.OPTION3(() => this.SUBRULE3(this.expr, { LABEL: "end" }));
        });
      },
    },
  ];
  private readonly listElements = (): void => {
    this.SUBRULE(this.expr);
    this.MANY(this.listTail);
    this.OPTION2(this.trailingComma);
  };
  private readonly listTail = (): void => {
    this.CONSUME(T.Comma);
    this.SUBRULE2(this.expr);
  };
  private readonly argTail = (): void => {
    this.CONSUME(T.Comma);
    this.SUBRULE2(this.arg);
  };
  private readonly trailingComma = (): void => void this.CONSUME2(T.Comma);
  /** An argument's name; the model-part keywords too, so that optimizer groups read
   *  `groups(encoder: adam(…), decoder: adam(…))` (no expression starts with one of them). */
  private readonly argName = (): void => {
    this.OR(this.argNameAlts);
    this.CONSUME(T.Colon);
  };
  private readonly argNameAlts: IOrAlt<unknown>[] = [T.Identifier, T.Encoder, T.Decoder, T.Mapping].map((t) => ({ ALT: () => this.CONSUME(t, { LABEL: "name" }) }));

}
