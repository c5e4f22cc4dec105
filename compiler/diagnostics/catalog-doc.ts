// docs/diagnostics.md is generated from the catalog (a golden test keeps the two in step).
import { CATALOG, type CatalogEntry } from "./catalog";

const GROUPS: [string, string][] = [
  ["IV1", "Syntax"],
  ["IV2", "Names"],
  ["IV3", "Types and shapes"],
  ["IV4", "Bias validation"],
  ["IV5", "Model rules"],
  ["IV6", "Data"],
  ["IV7", "Runtime ranges"],
  ["IV9", "Internal and usage"],
];

export function catalogMarkdown(): string {
  const lines = [
    "# Diagnostic codes",
    "",
    "Generated from `compiler/diagnostics/catalog.ts` (`UPDATE_GOLDEN=1 npm test` rewrites this file).",
    "Codes are stable. Every code has a spec under `test/golden/` that triggers it.",
    "",
  ];
  for (const [prefix, title] of GROUPS) {
    const entries = Object.entries(CATALOG as Record<string, CatalogEntry>).filter(([c]) => c.startsWith(prefix))
      .sort(([a], [b]) => a.localeCompare(b));
    if (entries.length === 0) continue;
    lines.push(`## ${title}`, "", "| code | severity | meaning | default hint |", "|---|---|---|---|");
    for (const [code, e] of entries) lines.push(`| ${code} | ${e.severity} | ${e.title} | ${e.hint ?? ""} |`);
    lines.push("");
  }
  return lines.join("\n");
}
