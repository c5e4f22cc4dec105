// The catalog of diagnostic codes. Codes are stable: never renumber, only add.
//   IV1xxx syntax · IV2xxx names · IV3xxx types and shapes · IV4xxx bias validation
//   IV5xxx model rules · IV6xxx data · IV7xxx runtime ranges · IV9xxx internal and usage
// Each entry's `title` is the catalog's one-line summary (docs/diagnostics.md is generated from it);
// the message of an actual diagnostic is specific to the case.

export type Severity = "error" | "warning" | "info";

export interface CatalogEntry {
  severity: Severity;
  title: string;
  /** default hint, used when the reporting site gives none */
  hint?: string;
}

export const CATALOG = {
  // ---- syntax ----
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

  // ---- names ----
  IV2001: { severity: "error", title: "undefined name" },
  IV2002: { severity: "error", title: "name declared twice" },
  IV2003: { severity: "warning", title: "declared but never used", hint: "remove it, or use it" },
  IV2004: { severity: "error", title: "imported file not found" },
  IV2005: { severity: "error", title: "import cycle" },
  IV2006: { severity: "error", title: "unknown function, layer or network" },
  IV2007: { severity: "error", title: "wrong number of arguments" },
  IV2008: { severity: "error", title: "unknown named argument" },
  IV2009: { severity: "error", title: "argument given twice" },
  IV2010: { severity: "error", title: "required argument missing" },
  IV2011: { severity: "error", title: "a bias must end with exactly one `return`" },
  IV2012: { severity: "error", title: "model item missing or repeated" },
  IV2013: { severity: "error", title: "model names do not chain (data → encoder → intermediary → mapping → decoder)" },
  IV2014: { severity: "error", title: "unknown annotation" },
  IV2015: { severity: "error", title: "unknown training setting or value" },
  IV2016: { severity: "error", title: "a name declared in one kind of place is used as another kind of thing" },
  IV2017: { severity: "error", title: "imported file cannot be read" },
  IV2018: { severity: "error", title: "recursive definition: a bias or network uses itself" },

  // ---- internal and usage ----
  IV9001: { severity: "error", title: "internal error in the compiler (a bug: please report it with the spec)" },
  IV9002: { severity: "error", title: "input file cannot be read" },
  IV9003: { severity: "error", title: "too many diagnostics; the rest are not shown" },
} as const satisfies Record<string, CatalogEntry>;

export type Code = keyof typeof CATALOG;

export const isCode = (s: string): s is Code => Object.prototype.hasOwnProperty.call(CATALOG, s);
