import { describe, expect, it } from "vitest";
import { CATALOG, isCode } from "../../compiler/diagnostics/catalog";
import { catalogMarkdown } from "../../compiler/diagnostics/catalog-doc";
import { expectGolden } from "../golden";

describe("diagnostic catalog", () => {
  it("uses well-formed codes with one-line titles", () => {
    for (const [code, entry] of Object.entries(CATALOG)) {
      expect(code).toMatch(/^IV[1-9]\d{3}$/);
      expect(entry.title).not.toMatch(/\n/);
      expect(["error", "warning", "info"]).toContain(entry.severity);
    }
    expect(isCode("IV2001")).toBe(true);
    expect(isCode("IV0000")).toBe(false);
  });

  it("is documented in docs/diagnostics.md", () => {
    expectGolden("docs/diagnostics.md", catalogMarkdown());
  });
});
