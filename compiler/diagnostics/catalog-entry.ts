export type Severity = "error" | "warning" | "info";

export interface CatalogEntry {
  severity: Severity;
  /** the catalog's one-line summary (docs/diagnostics.md is generated from it) */
  title: string;
  /** default hint, used when the reporting site gives none */
  hint?: string;
}
