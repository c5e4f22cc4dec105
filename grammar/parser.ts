// The chevrotain CST parser for docs/language.md: files, declarations and statements. One instance,
// built once at module load. Recovery is in recovery.ts, expressions and types in parser-expressions.ts.
import { EOF, type CstNode, type IToken, type TokenType } from "chevrotain";
import * as T from "./lexer";
import { ExpressionParser } from "./parser-expressions";
import { DECLS, NO_RESYNC, TOP_STARTS, type RawProblem } from "./recovery";

export type { BlockKind, RawProblem, Reason } from "./recovery";

class IntelParser extends ExpressionParser {
  constructor() {
    super();
    this.performSelfAnalysis();
  }

  // ---------------------------------------------------------------- file and declarations

  file = this.RULE("file", () => {
    if (this.RECORDING_PHASE) {
      this.MANY(() => this.CONSUME(T.NL));
      this.OPTION(() => this.SUBRULE(this.versionLine));
      this.MANY2(() => this.OR([{ ALT: () => this.CONSUME2(T.NL) }, { ALT: () => this.SUBRULE(this.topItem) }]));
      return;
    }
    while (this.eat(T.NL));
    if (this.is(T.Intel)) this.SUBRULE(this.versionLine);
    while (!this.is(EOF)) {
      if (this.eat(T.NL)) continue;
      this.progress(() => this.SUBRULE(this.topItem));
    }
  }, NO_RESYNC);

  versionLine = this.RULE("versionLine", () =>
    this.unit("line", () => {
      this.CONSUME(T.Intel);
      this.CONSUME(T.NumberLit);
      this.endOfStatement(false);
    }), NO_RESYNC);

  topItem = this.RULE("topItem", () =>
    this.unit("line", () => {
      if (!this.RECORDING_PHASE && !TOP_STARTS.has(this.LA(1).tokenType)) {
        // a run of lines that are not declarations is one problem, none after a body-less header
        if (!this.orphans) this.report({ kind: this.is(T.RBrace) ? "strayBrace" : "notDecl" });
        this.orphans = true;
        this.skip("top");
        return;
      }
      if (!this.RECORDING_PHASE) this.orphans = false;
      this.OR([
        { ALT: () => this.SUBRULE(this.importDecl) },
        {
          ALT: () => {
            this.annotations();
            if (!this.RECORDING_PHASE && !DECLS.has(this.LA(1).tokenType)) {
              this.report({ kind: "afterAnnotation", block: "top" });
              this.orphans = true;
              this.skip("top");
              return;
            }
            this.OR2([
              { ALT: () => this.SUBRULE(this.biasDecl) },
              { ALT: () => this.SUBRULE(this.networkDecl) },
              { ALT: () => this.SUBRULE(this.modelDecl) },
            ]);
          },
        },
      ]);
      this.endOfStatement(false);
    }), NO_RESYNC);

  importDecl = this.RULE("importDecl", () => {
    this.CONSUME(T.Import);
    this.CONSUME(T.StringLit);
  }, NO_RESYNC);

  annotation = this.RULE("annotation", () => {
    this.CONSUME(T.At);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.OPTION2(() => {
        this.CONSUME2(T.Identifier, { LABEL: "arg" });
        this.MANY(() => {
          this.CONSUME(T.Comma);
          this.CONSUME3(T.Identifier, { LABEL: "arg" });
        });
      });
      this.CONSUME(T.RParen);
    });
  }, NO_RESYNC);

  biasDecl = this.RULE("biasDecl", () => {
    this.CONSUME(T.Bias);
    this.SUBRULE(this.declHeader);
    this.SUBRULE(this.biasBody);
  }, NO_RESYNC);

  networkDecl = this.RULE("networkDecl", () => {
    this.CONSUME(T.Network);
    this.SUBRULE(this.declHeader);
    this.SUBRULE(this.networkBody);
  }, NO_RESYNC);

  modelDecl = this.RULE("modelDecl", () => {
    this.CONSUME(T.Model);
    this.unit("block", () => {
      this.CONSUME(T.Identifier, { LABEL: "name" });
      this.expectBody();
    });
    this.SUBRULE(this.modelBody);
  }, NO_RESYNC);

  /** NAME [<generics>] ( params ) -> type, up to the body's '{' */
  declHeader = this.RULE("declHeader", () =>
    this.unit("block", () => {
      this.CONSUME(T.Identifier, { LABEL: "name" });
      this.OPTION(() => this.SUBRULE(this.generics));
      this.CONSUME(T.LParen);
      this.OPTION2(() => this.SUBRULE(this.params));
      this.CONSUME(T.RParen);
      this.CONSUME(T.Arrow);
      this.SUBRULE(this.typeExpr);
      this.expectBody();
    }), NO_RESYNC);

  generics = this.RULE("generics", () => {
    this.CONSUME(T.Less);
    this.CONSUME(T.Identifier);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.CONSUME2(T.Identifier);
    });
    this.CONSUME(T.Greater);
  }, NO_RESYNC);

  params = this.RULE("params", () => {
    this.SUBRULE(this.param);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.param);
    });
    this.OPTION(() => this.CONSUME2(T.Comma));
  }, NO_RESYNC);

  param = this.RULE("param", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeExpr);
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expr);
    });
  }, NO_RESYNC);

  // ---------------------------------------------------------------- blocks and statements

  biasBody = this.RULE("biasBody", () => this.block(() => this.SUBRULE(this.biasStmt)), NO_RESYNC);
  networkBody = this.RULE("networkBody", () => this.block(() => this.SUBRULE(this.layerStmt)), NO_RESYNC);
  modelBody = this.RULE("modelBody", () => this.block(() => this.SUBRULE(this.modelItem)), NO_RESYNC);

  biasStmt = this.RULE("biasStmt", () =>
    this.unit("line", () => {
      this.annotations();
      if (!this.statementStart("bias")) return;
      this.OR([
        { ALT: () => this.SUBRULE(this.paramStmt) },
        { ALT: () => this.SUBRULE(this.letStmt) },
        { ALT: () => this.SUBRULE(this.penaltyStmt) },
        { ALT: () => this.SUBRULE(this.returnStmt) },
      ]);
      this.endOfStatement(true);
    }), NO_RESYNC);

  paramStmt = this.RULE("paramStmt", () => this.part("line", () => this.binding(T.Param)), NO_RESYNC);
  letStmt = this.RULE("letStmt", () => this.part("line", () => this.binding(T.Let)), NO_RESYNC);

  penaltyStmt = this.RULE("penaltyStmt", () =>
    this.part("line", () => {
      this.CONSUME(T.Penalty);
      this.OPTION(() => {
        this.CONSUME(T.Identifier, { LABEL: "name" });
        this.CONSUME(T.Equals);
      });
      this.SUBRULE(this.expr);
    }), NO_RESYNC);

  returnStmt = this.RULE("returnStmt", () =>
    this.part("line", () => {
      this.CONSUME(T.Return);
      this.SUBRULE(this.expr);
    }), NO_RESYNC);

  layerStmt = this.RULE("layerStmt", () =>
    this.unit("line", () => {
      this.annotations();
      if (!this.statementStart("network")) return;
      this.OR([{ ALT: () => this.SUBRULE(this.forLayer) }, { ALT: () => this.SUBRULE(this.layerCall) }]);
      this.endOfStatement(true);
    }), NO_RESYNC);

  forLayer = this.RULE("forLayer", () => {
    // a broken header still lets the body be parsed when its '{' is on the line
    this.part("block", () => {
      this.CONSUME(T.For);
      this.CONSUME(T.Identifier);
      this.CONSUME(T.In);
      this.SUBRULE(this.expr);
    });
    this.SUBRULE(this.networkBody);
  }, NO_RESYNC);

  layerCall = this.RULE("layerCall", () =>
    this.part("line", () => {
      this.CONSUME(T.Identifier, { LABEL: "name" });
      this.OPTION(() => {
        this.CONSUME(T.LParen);
        this.OPTION2(() => this.SUBRULE(this.args));
        this.CONSUME(T.RParen);
      });
    }), NO_RESYNC);

  modelItem = this.RULE("modelItem", () =>
    this.unit("line", () => {
      this.annotations();
      if (!this.statementStart("model")) return;
      this.OR([
        { ALT: () => this.SUBRULE(this.dataItem) },
        { ALT: () => this.SUBRULE(this.encoderItem) },
        { ALT: () => this.SUBRULE(this.intermediaryItem) },
        { ALT: () => this.SUBRULE(this.mappingItem) },
        { ALT: () => this.SUBRULE(this.decoderItem) },
        { ALT: () => this.SUBRULE(this.objectiveItem) },
        { ALT: () => this.SUBRULE(this.trainItem) },
        { ALT: () => this.SUBRULE(this.evaluateItem) },
      ]);
      this.endOfStatement(true);
    }), NO_RESYNC);

  dataItem = this.RULE("dataItem", () =>
    this.part("line", () => {
      this.CONSUME(T.Data);
      this.CONSUME(T.Identifier, { LABEL: "name" });
      this.OPTION(() => {
        this.CONSUME(T.Colon);
        this.SUBRULE(this.typeExpr);
      });
      this.CONSUME(T.Tilde);
      this.SUBRULE(this.expr);
    }), NO_RESYNC);

  encoderItem = this.RULE("encoderItem", () => this.part("line", () => this.conditional(T.Encoder)), NO_RESYNC);
  decoderItem = this.RULE("decoderItem", () => this.part("line", () => this.conditional(T.Decoder)), NO_RESYNC);

  intermediaryItem = this.RULE("intermediaryItem", () =>
    this.part("line", () => {
      this.CONSUME(T.Intermediary);
      this.CONSUME(T.Identifier, { LABEL: "name" });
      this.CONSUME(T.Colon);
      this.SUBRULE(this.typeExpr);
      this.CONSUME(T.Tilde);
      this.SUBRULE(this.expr);
    }), NO_RESYNC);

  mappingItem = this.RULE("mappingItem", () =>
    this.part("line", () => {
      this.CONSUME(T.Mapping);
      this.CONSUME(T.Identifier, { LABEL: "name" });
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expr);
    }), NO_RESYNC);

  objectiveItem = this.RULE("objectiveItem", () =>
    this.part("line", () => {
      this.CONSUME(T.Objective);
      this.SUBRULE(this.expr);
    }), NO_RESYNC);

  trainItem = this.RULE("trainItem", () =>
    this.part("line", () => {
      this.CONSUME(T.Train);
      this.listBlock(() => this.SUBRULE(this.entry), "setting");
    }), NO_RESYNC);

  evaluateItem = this.RULE("evaluateItem", () =>
    this.part("line", () => {
      this.CONSUME(T.Evaluate);
      this.listBlock(() => this.SUBRULE(this.expr), "metric");
    }), NO_RESYNC);

  entry = this.RULE("entry", () =>
    this.part("entry", () => {
      this.CONSUME(T.Identifier, { LABEL: "key" });
      this.CONSUME(T.Colon);
      this.SUBRULE(this.expr);
    }), NO_RESYNC);

  // ---------------------------------------------------------------- grammar helpers

  /** `param|let NAME [: type] = expr` */
  private binding(keyword: TokenType): void {
    this.CONSUME(keyword);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.typeExpr);
    });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  }

  /** `encoder NAME(A | B) = expr` and `decoder NAME(A | B) : expr = expr` */
  private conditional(keyword: TokenType): void {
    this.CONSUME(keyword);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.LParen);
    this.CONSUME2(T.Identifier, { LABEL: "left" });
    this.CONSUME(T.Pipe);
    this.CONSUME3(T.Identifier, { LABEL: "right" });
    this.CONSUME(T.RParen);
    if (keyword === T.Decoder) {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.expr, { LABEL: "likelihood" });
    }
    this.CONSUME(T.Equals);
    this.SUBRULE2(this.expr, { LABEL: "value" });
  }

  /** `{ annotation NL* }` before a statement or declaration (high indices: shared by several rules) */
  private annotations(): void {
    this.MANY8(() => {
      this.SUBRULE9(this.annotation);
      this.MANY9(() => this.CONSUME9(T.NL));
    });
  }
}

const parser = new IntelParser();

export interface ParseTokensResult {
  cst: CstNode | undefined;
  problems: RawProblem[];
}

/** Parses a token vector from `lex`. Never throws on bad input. */
export function parseTokens(tokens: IToken[], unclosed: IToken[] = [], strays: IToken[] = []): ParseTokensResult {
  parser.begin(tokens, unclosed, strays);
  const cst = parser.file() as CstNode | undefined;
  parser.finish();
  return { cst, problems: parser.problems };
}
