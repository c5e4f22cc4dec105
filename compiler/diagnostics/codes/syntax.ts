// Syntax (IV1xxx): the lexer and parser.
import type { CatalogEntry } from "../catalog-entry";

export const SYNTAX_CODES = {
  IV1001: { severity: "error", title: "unexpected input: the parser expected something else here" },
  IV1002: { severity: "error", title: "unterminated string", hint: "close the string with '\"' on the same line" },
  IV1003: { severity: "error", title: "character not allowed in a spec" },
  IV1004: { severity: "error", title: "unclosed bracket", hint: "every '(', '[' and '{' needs its closing partner" },
  IV1005: { severity: "error", title: "unsupported language version", hint: "this compiler reads `intel 0.1`" },
  IV1006: { severity: "error", title: "malformed number" },
  IV1007: { severity: "error", title: "statement not allowed in this kind of block" },
  IV1008: { severity: "error", title: "extra input after a complete statement", hint: "put each statement on its own line" },
  IV1009: { severity: "error", title: "positional argument after a named one", hint: "write positional arguments first" },
  IV1010: { severity: "error", title: "missing declaration keyword at top level", hint: "a file holds `import`, `bias`, `network` and `model` declarations" },
  IV1011: {
    severity: "error",
    title: "expression nested too deeply (more than 100 levels of brackets and `**`, or 1,000 operations)",
    hint: "name the inner parts with `let` and build the expression from them",
  },
  IV1012: { severity: "error", title: "a number float32 cannot hold: it overflows to infinity or underflows to 0" },
} as const satisfies Record<string, CatalogEntry>;
