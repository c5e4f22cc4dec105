// Internal and usage (IV9xxx).
import type { CatalogEntry } from "../catalog-entry";

export const INTERNAL_CODES = {
  IV9001: { severity: "error", title: "internal error in the compiler (a bug: please report it with the spec)" },
  IV9002: { severity: "error", title: "input file cannot be read" },
  IV9003: { severity: "error", title: "too many diagnostics; the rest are not shown" },
  IV9010: {
    severity: "error",
    title: "a run's ir.json is not an IR this intel-vae reads (stale, foreign or edited)",
    hint: "train the run again from its spec with this version (intel train SPEC), or use the intel-vae that wrote it",
  },
} as const satisfies Record<string, CatalogEntry>;
