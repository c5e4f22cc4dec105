// Deep nesting never overflows the stack: past MAX_NESTING levels it is one IV1011, below it none.
import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/check";
import { deepSpec, exactNesting, MAX_DEPTH, MAX_NESTING } from "./deep";
import { fuzzOne } from "./invariants";
import { rng } from "./mutate";

const codes = (text: string) => checkSource(text).diagnostics.map((d) => d.code);

describe("deep nesting", () => {
  it.each(["paren", "pow", "call", "list", "sum", "minus"] as const)("%s: the limit is exact and reported once", (kind) => {
    const limit = kind === "sum" || kind === "minus" ? MAX_DEPTH : MAX_NESTING;
    expect(codes(exactNesting(limit, kind))).not.toContain("IV1011");
    const over = codes(exactNesting(limit + 1, kind));
    expect(over.filter((c) => c === "IV1011")).toHaveLength(1);
    expect(over.filter((c) => c !== "IV1011" && c !== "IV2003" && c !== "IV3002" && c !== "IV3010")).toEqual([]);
    expect(codes(exactNesting(5000, kind)).filter((c) => c === "IV1011")).toHaveLength(1);
  });

  it("400 parentheses, a 1,000-long ** chain, 20,000-term sums and runs of minus: diagnostics, no throw", () => {
    for (const text of [exactNesting(400, "paren"), exactNesting(1000, "pow"), exactNesting(20_000, "list")]) {
      expect(fuzzOne(text)).toEqual([]);
    }
    const sum = `bias b(y: Real[2]) -> Real[2] {\n  return ${Array(20_000).fill("y").join(" + ")} + ${"-".repeat(5000)}y\n}\n`;
    expect(fuzzOne(sum)).toEqual([]);
    expect(codes(sum).filter((c) => c === "IV1011")).toHaveLength(1);
  });

  it("200 random deep specs (depth 1 to 3000) never throw and never report an internal error", () => {
    const next = rng(7);
    const failures: string[] = [];
    for (let i = 0; i < 200 && failures.length < 3; i++) {
      const depth = 1 + Math.floor(next() ** 2 * 3000);
      const text = deepSpec(depth, next);
      const problems = fuzzOne(text);
      if (problems.length) failures.push(`depth ${depth}: ${problems.join("; ")}\n${text.slice(0, 400)}`);
    }
    expect(failures).toEqual([]);
  });
});
