// The functions' lowering rules (compiler/builtins/functions.ts FunctionLowerRule): every function
// has one, each "special" rule has its code in compiler/lower/calls.ts, and the table drives what a
// call becomes (an op of its own or a builtin node, folded on constants where exact).
import { describe, expect, it } from "vitest";
import { FUNCTIONS } from "../../compiler/builtins/functions";
import { compileSource } from "../../compiler/compile";
import { SPECIAL_FUNCTIONS } from "../../compiler/lower/calls";
import { tinySpec } from "../tiny-spec";

/** The mapping graph of `z = expr` on y : Real[2]. */
const mappingOf = (expr: string) => {
  const r = compileSource(tinySpec({ mapping: expr }), { file: "t.intel" });
  expect(r.check.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.ir!.mapping;
};

describe("function lowering rules", () => {
  it("every special rule has its lowering, and no lowering is left without a rule", () => {
    const special = FUNCTIONS.filter((f) => f.lower.kind === "special").map((f) => f.name).sort();
    expect([...SPECIAL_FUNCTIONS].sort()).toEqual(special);
  });

  it("an elementwise function with an op of its own, one through a builtin node, and folding on constants", () => {
    const g = mappingOf("y * exp(0) + log1p(abs(y)) + square(2)");
    const ops = g.nodes.map((n) => (n.op === "builtin" ? `builtin:${String(n.attrs?.fn)}` : n.op));
    expect(ops).toContain("abs");
    expect(ops).toContain("builtin:log1p");
    expect(ops).not.toContain("exp"); // exp(0) folded to 1
    expect(g.nodes.some((n) => n.op === "const" && n.attrs?.value === 4)).toBe(true); // square(2)
  });

  it("a node rule reads its attrs from the arguments, Bools as Bools", () => {
    const g = mappingOf("y / (norm(y, ord: 1, keepdims: true) + 1)");
    const norm = g.nodes.find((n) => n.op === "norm")!;
    expect(norm.attrs).toEqual({ ord: 1, axis: -1, keepdims: true });
  });
});
