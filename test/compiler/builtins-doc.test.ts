import { describe, expect, it } from "vitest";
import { builtinsIn, TRAIN_SETTINGS } from "../../compiler/builtins";
import { builtinsMarkdown } from "../../compiler/builtins/reference-doc";
import { expectGolden } from "../golden";

describe("built-in reference", () => {
  it("is documented in docs/builtins.md", () => {
    expectGolden("docs/builtins.md", builtinsMarkdown());
  });

  it("lists every prior and every training setting with its default", () => {
    const md = builtinsMarkdown();
    for (const b of builtinsIn("prior")) expect(md).toContain(`| \`${b.name}\` |`);
    for (const s of TRAIN_SETTINGS) expect(md).toContain(`\`${s.name}: ${s.type}`);
  });
});
