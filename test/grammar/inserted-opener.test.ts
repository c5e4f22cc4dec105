// A block whose '{' is missing at the end of the file: the parser inserts the '{' to recover, and
// that token is not in the text, so only the missing '{' is reported (found by the fuzz test).
import { describe, expect, it } from "vitest";
import { parse } from "../../grammar/parse";

describe("a missing '{' before the end of the file", () => {
  it("is reported once, without an unclosed bracket for the '{' that is not there", () => {
    const { problems } = parse("model m {\n  evaluate  region_mass(center: [0, 0], radius", "a.intel");
    expect(problems.map((p) => `${p.code} ${p.span.line}:${p.span.col} ${p.message}`)).toEqual([
      "IV1004 1:9 '{' opening the body of model 'm' is never closed",
      "IV1001 2:13 expected '{' after 'evaluate', found 'region_mass'",
      "IV1004 2:24 '(' opening the call to 'region_mass' is never closed",
    ]);
  });
});
