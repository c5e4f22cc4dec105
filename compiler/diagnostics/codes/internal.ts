// Internal and usage (IV9xxx).
import type { CatalogEntry } from "../catalog-entry";

export const INTERNAL_CODES = {
  IV9001: { severity: "error", title: "internal error in the compiler (a bug: please report it with the spec)" },
  IV9002: { severity: "error", title: "input file cannot be read" },
  IV9003: { severity: "error", title: "too many diagnostics; the rest are not shown" },
} as const satisfies Record<string, CatalogEntry>;
