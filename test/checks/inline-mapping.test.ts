// A mapping written in the model (`mapping z = tan(y)`) gets every check a bias gets: the same IV4 codes
// as the same expression returned by a bias the model calls, for each hazard of the analysis (domain,
// float32 rounding and overflow, gradients, smoothness). test/golden/bias/inline-mapping.intel pins the text.
import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/check";
import { tinySpec } from "../tiny-spec";

const codes = (src: string): string[] =>
  checkSource(src, { file: "t.intel" })
    .diagnostics.filter((d) => d.code.startsWith("IV4"))
    .map((d) => d.code)
    .sort();

const asBias = (e: string) => `bias g(y: Real[2]) -> Real[2] {\n  return ${e}\n}\n` + tinySpec({ mapping: "g(y)" });

const EXPRESSIONS = [
  "y / norm(y)",
  "log(y)",
  "sqrt(y)",
  "sqrt(abs(y))",
  "abs(y) ** 0.5",
  "asin(y)",
  "tan(y)",
  "atan2(y[1], y[0]) * y",
  "acos(y / (norm(y) + 1e-7))",
  "y / (norm(y) + 1e-50)",
  "where(norm(y) > 0, y / norm(y), y)",
  "y / where(norm(y) > 0, norm(y), 1)",
  "y * exp(exp(3 * y))",
  "exp(30 * y)",
  "(10 * y) ** 40",
  "round(y)",
  "y * 0",
  "[0.0, 1.0]",
  "sign(y) * abs(y) ** 0.5 + y",
  "circle(y, eps: 0)",
  // safe
  "y / (norm(y) + 1e-7)",
  "y * exp(-square(y))",
  "exp(exp(y))",
];

describe("an inline mapping is checked like a bias", () => {
  it.each(EXPRESSIONS)("mapping z = %s", (e) => {
    const inline = codes(tinySpec({ mapping: e }));
    expect(inline).toEqual(codes(asBias(e)));
  });

  it("the hazards are found, not only matched (the table is not all clean)", () => {
    const found = new Set(EXPRESSIONS.flatMap((e) => codes(tinySpec({ mapping: e }))));
    expect([...found].sort()).toEqual(["IV4002", "IV4004", "IV4005", "IV4006", "IV4007", "IV4008", "IV4009", "IV4011", "IV4012"]);
  });

  it("its hints fit a mapping line: an epsilon is a constant there, not a hyperparameter it cannot declare", () => {
    const [d] = checkSource(tinySpec({ mapping: "y / norm(y)" }), { file: "t.intel" }).diagnostics.filter((x) => x.code === "IV4004");
    expect(d?.hint).toBe("add a positive epsilon: y / (norm(y) + eps), with eps a small constant such as 1e-7");
  });

  it("@allow on the mapping line or on the model silences a warning there", () => {
    const spec = tinySpec({ mapping: "y + 0.1 * sign(y)" });
    expect(codes(spec)).toEqual(["IV4009"]);
    expect(codes(spec.replace("  mapping z", "  @allow(discontinuous)\n  mapping z"))).toEqual([]);
    expect(codes(spec.replace("model m", "@allow(discontinuous)\nmodel m"))).toEqual([]);
  });
});
