// Pins the exact text of every diagnostic: each test/golden/**/NAME.intel has NAME.errors.txt beside it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkFile } from "../../compiler/check";
import { CATALOG } from "../../compiler/diagnostics/catalog";
import { renderDiagnostics, summary } from "../../compiler/diagnostics/render";
import { expectGolden, intelFilesUnder } from "../golden";

const files = intelFilesUnder("test/golden");

function rendered(file: string): string {
  const r = checkFile(file);
  return renderDiagnostics(r.diagnostics, r.sources) + `-- ${summary(r.diagnostics)}\n`;
}

describe("golden diagnostics", () => {
  it.each(files)("%s", (file) => {
    expectGolden(file.replace(/\.intel$/, ".errors.txt"), rendered(file));
  });

  it("every syntax, name, type, bias and model-rule code is triggered by some golden spec", () => {
    const seen = new Set<string>();
    // besides the specs' goldens, those of later stages (test/golden/emit/refused.errors.txt: IV5015)
    const goldens = [...files.map((f) => f.replace(/\.intel$/, ".errors.txt")), ...readdirSync("test/golden/emit").filter((f) => f.endsWith(".errors.txt")).map((f) => `test/golden/emit/${f}`)];
    for (const g of goldens) {
      const text = readFileSync(g, "utf8");
      for (const m of text.matchAll(/(?:error|warning|info) (IV\d{4})/g)) seen.add(m[1]!);
    }
    // overrides' codes come from `--set` lines: test/golden/overrides/NAME.set → NAME.set.errors.txt
    for (const f of readdirSync("test/golden/overrides").filter((f) => f.endsWith(".set.errors.txt"))) {
      for (const m of readFileSync(join("test/golden/overrides", f), "utf8").matchAll(/(?:error|warning|info) (IV\d{4})/g)) seen.add(m[1]!);
    }
    const codes = Object.keys(CATALOG).filter((c) => /^IV[1-5]/.test(c));
    expect(codes.filter((c) => !seen.has(c))).toEqual([]);
  });
});
