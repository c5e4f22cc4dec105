// Bias validation (IV4xxx): hand-written mappings, unsafe ones caught and safe ones passed; the whole
// prelude passes; hyperparameter values are checked at call sites; nothing cascades from bad names.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkFile, checkSource } from "../../compiler/check";
import { CATALOG } from "../../compiler/diagnostics/catalog";
import { intelFilesUnder } from "../golden";

/** The IV4 diagnostics of a spec, as "CODE@line" (sorted as the compiler sorts them). */
function biasCodes(src: string): string[] {
  return checkSource(src, { file: "t.intel" })
    .diagnostics.filter((d) => d.code.startsWith("IV4"))
    .map((d) => d.code);
}

const bias = (body: string, header = "", params = "") =>
  `${header}\nbias g(y: Real[2]${params}) -> Real[2] {\n${body
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n")}\n}\n`;

// mapping → the codes it must get ([] = passes). The table in the report is this one.
const TABLE: { mapping: string; src: string; codes: string[] }[] = [
  { mapping: "y / norm(y)", src: bias("return y / norm(y)"), codes: ["IV4004"] },
  { mapping: "log(y)", src: bias("return log(y)"), codes: ["IV4005"] },
  { mapping: "y ** 0.5", src: bias("return y ** 0.5"), codes: ["IV4006"] },
  // sqrt(x) is x ** 0.5: an infinite slope at 0 is a warning for both spellings, a negative base an error
  { mapping: "sqrt(norm(y))", src: bias("return y * sqrt(norm(y))"), codes: ["IV4008"] },
  { mapping: "sqrt(abs(y))", src: bias("return sqrt(abs(y))"), codes: ["IV4008"] },
  { mapping: "abs(y) ** 0.5", src: bias("return abs(y) ** 0.5"), codes: ["IV4008"] },
  { mapping: "sqrt(y)", src: bias("return sqrt(y)"), codes: ["IV4006"] },
  { mapping: "y ** 0.5", src: bias("return y ** 0.5"), codes: ["IV4006"] },
  { mapping: "asin(y)", src: bias("return asin(y)"), codes: ["IV4007"] },
  { mapping: "param w; y + w * 0", src: bias("param w = zeros()\nreturn y + w * 0"), codes: ["IV4001"] },
  { mapping: "param w; y + floor(w)", src: bias("param w = zeros()\nreturn y + floor(w)"), codes: ["IV4001"] },
  { mapping: "param w; y * (1 + floor(sigmoid(w)))", src: bias("param w = zeros()\nreturn y * (1 + floor(sigmoid(w)))"), codes: ["IV4001"] },
  { mapping: "param w only in a penalty", src: bias("param w = zeros()\npenalty w * w\nreturn y"), codes: ["IV4003"] },
  { mapping: "[0.0, 1.0] (y unused)", src: bias("return [0.0, 1.0]"), codes: ["IV4002"] },
  { mapping: "round(y) with @allow", src: bias("return round(y)", "@allow(discontinuous)"), codes: ["IV4002"] },
  { mapping: "sign(y) * abs(y) ** 0.5 + y", src: bias("return sign(y) * abs(y) ** 0.5 + y"), codes: ["IV4009", "IV4008"] },
  { mapping: "where(y > 0, y, 2 * y)", src: bias("return where(y > 0, y, 2 * y)"), codes: ["IV4009"] },
  { mapping: "penalty gamma * 2", src: bias("penalty gamma * 2\nreturn y", "", ", gamma: Real = 3"), codes: ["IV4010"] },
  // a required hyperparameter is judged at the call sites, with the values passed there
  { mapping: "y / s, s without default", src: bias("return y / s", "", ", s: Real"), codes: [] },
  { mapping: "y / (s - 1), s without default", src: bias("return y / (s - 1)", "", ", s: Real"), codes: ["IV4004"] },
  // safe forms
  { mapping: "y / (norm(y) + 1e-7)", src: bias("return y / (norm(y) + 1e-7)"), codes: [] },
  { mapping: "y / (norm(y) + eps), eps = 1e-7", src: bias("return y / (norm(y) + eps)", "", ", eps: Real = 1e-7"), codes: [] },
  {
    mapping: "sign(y) * abs(y) ** 0.5 + y, @allow(discontinuous, infinite_slope)",
    src: bias("return sign(y) * abs(y) ** 0.5 + y", "@allow(discontinuous, infinite_slope)"),
    codes: [],
  },
  { mapping: "log(clip(y, 1e-6, 1))", src: bias("return y + log(clip(y, 1e-6, 1))"), codes: [] },
  { mapping: "log(sigmoid(y)) + log(exp(y)) + log(softplus(y))", src: bias("return log(sigmoid(y)) + log(exp(y)) + log(softplus(y))"), codes: [] },
  { mapping: "sqrt(y * y + 1e-6)", src: bias("return sqrt(y * y + 1e-6)"), codes: [] },
  {
    mapping: "log(floor + (1 - floor) * sigmoid(y)), floor = 0.2",
    src: bias("let s = floor + (1 - floor) * sigmoid(y)\nreturn y * log(s)", "", ", floor: Real = 0.2"),
    codes: [],
  },
  // float32: norm(y) + 1e-7 rounds to norm(y) for |y| > 2, so the ratio is exactly ±1 (test/checks/float32-hazards.test.ts)
  { mapping: "acos(y[0] / (norm(y) + 1e-7))", src: bias("return y * acos(y[0] / (norm(y) + 1e-7))"), codes: ["IV4007"] },
  { mapping: "acos(y / (norm(y) + 1e-7))", src: bias("return acos(y / (norm(y) + 1e-7))"), codes: ["IV4007"] },
  { mapping: "acos(clip(y / (norm(y) + 1e-7), -1 + 1e-7, 1 - 1e-7))", src: bias("return acos(clip(y / (norm(y) + 1e-7), -1 + 1e-7, 1 - 1e-7))"), codes: [] },
  // 1 - 1e-8 is 1 in float32: that clip does not keep acos away from 1
  { mapping: "acos(clip(y, -1 + 1e-8, 1 - 1e-8))", src: bias("return acos(clip(y, -1 + 1e-8, 1 - 1e-8))"), codes: ["IV4007"] },
  { mapping: "floor(k / 2) of a hyperparameter", src: bias("return y * floor(k / 2)", "", ", k: Int = 5"), codes: [] },
  { mapping: "param c; y / (softplus(c) + 1e-3)", src: bias("param c = zeros()\nreturn y / (softplus(c) + 1e-3)"), codes: [] },
];

describe("bias validation table", () => {
  it.each(TABLE)("$mapping → $codes", ({ src, codes }) => {
    expect(biasCodes(src)).toEqual(codes);
  });
});

describe("the prelude", () => {
  it("passes every bias check", () => {
    const r = checkFile("specs/prelude.intel");
    const ours = r.diagnostics.filter((d) => d.code.startsWith("IV4"));
    expect(ours.map((d) => `${d.code} ${d.span.line}: ${d.message}`)).toEqual([]);
    expect(r.program.items.filter((i) => i.kind === "BiasDecl").length).toBeGreaterThan(5);
  });
});

describe("hyperparameters at call sites", () => {
  const circle = `bias circle(y: Real[2], eps: Real = 1e-7) -> Real[2] {\n  return y / (norm(y) + eps)\n}\n`;

  it("checks a value passed at a call against the callee, and reports it at the argument", () => {
    const r = checkSource(`${circle}bias c0(y: Real[2]) -> Real[2] {\n  return circle(y, eps: 0)\n}\n`, { file: "t.intel" });
    const d = r.diagnostics.filter((x) => x.code.startsWith("IV4"));
    expect(d.map((x) => x.code)).toEqual(["IV4004"]);
    expect(d[0]!.message).toBe("with eps: 0, 'circle' divides by `norm(y) + eps`, which can be 0 (its values lie in [0, ∞))");
    expect(d[0]!.span.line).toBe(5);
    expect(d[0]!.labels[0]!.span.line).toBe(2);
  });

  it("accepts other safe values; a caller's required hyperparameter passed on is judged at its own calls", () => {
    expect(biasCodes(`${circle}bias c1(y: Real[2]) -> Real[2] {\n  return circle(y, eps: 1e-3) + circle(y)\n}\n`)).toEqual([]);
    const c2 = `${circle}bias c2(y: Real[2], e: Real) -> Real[2] {\n  return circle(y, eps: e)\n}\n`;
    expect(biasCodes(c2)).toEqual([]);
    expect(biasCodes(`${c2}bias c3(y: Real[2]) -> Real[2] {\n  return c2(y, e: 0.5)\n}\n`)).toEqual([]);
    expect(biasCodes(`${c2}bias c3(y: Real[2]) -> Real[2] {\n  return c2(y, e: 0)\n}\n`)).toEqual(["IV4004"]);
  });

  it("checks a model's mapping expression and the values it passes", () => {
    const model = (mapping: string) => `${circle}
network enc(x: Real[784]) -> Real[16] {
  dense(16)
}
network dec(z: Real[2]) -> Real[784] {
  dense(784)
}
model m {
  data x : Real[784] ~ mnist(split: "train", flatten: true)
  encoder q(y | x) = enc()
  intermediary y : Real[2] ~ Normal(0, I)
  mapping z = ${mapping}
  decoder p(x | z) : Bernoulli = dec()
}
`;
    expect(biasCodes(model("circle(y, eps: 0)"))).toEqual(["IV4004"]);
    expect(biasCodes(model("log(y)"))).toEqual(["IV4005"]);
    expect(biasCodes(model("circle(y, eps: 0.01)"))).toEqual([]);
  });

  it("uses the callee's range: circle(y) lies in [-1, 1] (in float32 it reaches ±1), clip(circle(y), …) in (-1, 1)", () => {
    expect(biasCodes(`${circle}bias c3(y: Real[2]) -> Real[2] {\n  return acos(circle(y))\n}\n`)).toEqual(["IV4007"]);
    expect(biasCodes(`${circle}bias c3(y: Real[2]) -> Real[2] {\n  return acos(clip(circle(y), -0.999, 0.999))\n}\n`)).toEqual([]);
  });
});

describe("no cascades", () => {
  it("skips whatever failed name resolution", () => {
    const src = bias("let a = y / undefined_one\nreturn log(a) + undefined_fn(y) + also_undefined");
    const codes = checkSource(src, { file: "t.intel" }).diagnostics.map((d) => d.code);
    expect(codes.filter((c) => c.startsWith("IV4"))).toEqual([]);
    expect(codes).toContain("IV2001");
  });

  it("leaves an unused param to the name checker", () => {
    const codes = checkSource(bias("param w = zeros()\nreturn y"), { file: "t.intel" }).diagnostics.map((d) => d.code);
    expect(codes).toEqual(["IV2003"]);
  });
});

describe("@allow", () => {
  it("works on the statement that holds the operation, and only there", () => {
    expect(biasCodes(bias("@allow(discontinuous)\nlet s = sign(y)\nreturn y + s"))).toEqual([]);
    expect(biasCodes(bias("let s = sign(y)\n@allow(discontinuous)\nreturn y + s"))).toEqual(["IV4009"]);
    expect(biasCodes(bias("@allow(infinite_slope)\nlet s = abs(y) ** 0.3\nreturn y + s"))).toEqual([]);
  });
});

describe("golden coverage", () => {
  it("every IV4 code is triggered by a golden spec under test/golden/bias", () => {
    const seen = new Set<string>();
    for (const f of intelFilesUnder("test/golden/bias")) {
      const text = readFileSync(f.replace(/\.intel$/, ".errors.txt"), "utf8");
      for (const m of text.matchAll(/(?:error|warning|info) (IV4\d{3})/g)) seen.add(m[1]!);
    }
    const codes = Object.keys(CATALOG).filter((c) => c.startsWith("IV4"));
    expect(codes.length).toBeGreaterThanOrEqual(10);
    expect(codes.filter((c) => !seen.has(c))).toEqual([]);
  });
});
