// Names (IV2xxx): imports, declarations, references, arguments, model wiring.
import type { CatalogEntry } from "../catalog-entry";

export const NAMES_CODES = {
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
  IV2019: {
    severity: "error",
    title: "import outside the import root (the top spec's folder tree, INTEL_PATH, the prelude)",
    hint: "move the file under the top spec's folder, or add its folder to INTEL_PATH",
  },
  IV2020: { severity: "error", title: "an import names a file that is not a .intel spec", hint: "imports read only .intel files (the extension may be left out)" },
  IV2030: { severity: "error", title: "a setting written in the wrong block (`lr` belongs to the optimizer, `batch` to `train`, `beta` to the objective)" },
} as const satisfies Record<string, CatalogEntry>;
