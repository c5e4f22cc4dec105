// The TextMate grammar of editors/vscode/ (syntax colours), generated from the language's own tables
// so that a new keyword or built-in is named once: test/lsp/textmate.test.ts keeps the file in step
// (`UPDATE_GOLDEN=1` rewrites it) and tokenizes every spec with it.
import { BUILTIN_CONTEXTS, builtinsIn } from "../compiler/builtins";

export const KEYWORD_GROUPS = {
  "keyword.control.intel": ["import", "return", "for", "in"],
  "storage.type.declaration.intel": ["bias", "network", "model"],
  "keyword.other.statement.intel": ["param", "let", "penalty"],
  "keyword.other.model.intel": ["data", "encoder", "intermediary", "mapping", "decoder", "objective", "train", "evaluate"],
  "constant.language.boolean.intel": ["true", "false"],
  "support.type.intel": ["Real", "Int", "Bool", "String", "OneHot"],
} as const;

const words = (ws: readonly string[]) => `\\b(?:${ws.join("|")})\\b`;

export function textmateGrammar(): object {
  const builtins = [...new Set(BUILTIN_CONTEXTS.filter((c) => c !== "constant").flatMap((c) => builtinsIn(c).map((b) => b.name)))].sort();
  const constants = builtinsIn("constant").map((b) => b.name);
  return {
    $schema: "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
    name: "intel",
    scopeName: "source.intel",
    fileTypes: ["intel"],
    patterns: [
      { include: "#comment" },
      { include: "#version" },
      { include: "#declaration" },
      { include: "#annotation" },
      { include: "#string" },
      { include: "#number" },
      ...Object.keys(KEYWORD_GROUPS).map((scope) => ({ include: `#${scope.split(".").slice(0, -1).join("-")}` })),
      { include: "#builtin-call" },
      { include: "#call" },
      { include: "#constant" },
      { include: "#operator" },
      { include: "#punctuation" },
      { include: "#identifier" },
    ],
    repository: {
      comment: { name: "comment.line.number-sign.intel", match: "#.*$" },
      version: { match: "^\\s*(intel)\\s+(\\S+)", captures: { 1: { name: "keyword.other.version.intel" }, 2: { name: "constant.numeric.version.intel" } } },
      declaration: {
        match: "\\b(bias|network|model)\\s+([A-Za-z_][A-Za-z0-9_]*)",
        captures: { 1: { name: "storage.type.declaration.intel" }, 2: { name: "entity.name.function.intel" } },
      },
      annotation: { name: "storage.modifier.annotation.intel", match: "@[A-Za-z_][A-Za-z0-9_]*" },
      string: {
        name: "string.quoted.double.intel",
        begin: '"',
        end: '"|$',
        patterns: [{ name: "constant.character.escape.intel", match: "\\\\." }],
      },
      // as the lexer reads numbers (grammar/lexer.ts); malformed ones are the checker's business
      number: { name: "constant.numeric.intel", match: "\\b\\d(?:[eE][+-]\\d*|[A-Za-z0-9_.])*" },
      ...Object.fromEntries(Object.entries(KEYWORD_GROUPS).map(([scope, ws]) => [scope.split(".").slice(0, -1).join("-"), { name: scope, match: words(ws) }])),
      "builtin-call": { name: "support.function.builtin.intel", match: `${words(builtins)}(?=\\s*\\()` },
      call: { name: "entity.name.function.call.intel", match: "\\b[A-Za-z_][A-Za-z0-9_]*(?=\\s*\\()" },
      constant: { name: "constant.language.intel", match: words(constants) },
      operator: { name: "keyword.operator.intel", match: "\\*\\*|==|!=|<=|>=|->|[-+*/<>=~|:?]" },
      punctuation: { name: "punctuation.intel", match: "[()\\[\\]{},]" },
      identifier: { name: "variable.other.intel", match: "\\b[A-Za-z_][A-Za-z0-9_]*\\b" },
    },
  };
}
