// Overrides (`intel train --set PATH=VALUE`, IV502x) and sweep files (`intel sweep FILE`, IV902x).
import type { CatalogEntry } from "../catalog-entry";

export const SWEEP_CODES = {
  IV5020: { severity: "error", title: "override path names no block or argument of the spec", hint: "paths are BLOCK.ARGUMENT, e.g. objective.beta, train.batch, mapping.gamma, latent.dim" },
  IV5021: { severity: "error", title: "override value is not one value of the language", hint: 'write a number, a string in double quotes, true/false, a list [a, b] or a call f(a: 1)' },
  IV5022: { severity: "error", title: "the same override path is set twice" },
  IV5023: { severity: "error", title: "the override's block is not a call, so it has no arguments to set" },
  IV9020: { severity: "error", title: "sweep file is not valid JSON" },
  IV9021: { severity: "error", title: "sweep file field missing, unknown or of the wrong type" },
  IV9022: { severity: "error", title: "sweep has no arms, or two arms with the same name" },
} as const satisfies Record<string, CatalogEntry>;
