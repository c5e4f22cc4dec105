// Did-you-mean: the helper, and the fixes the checker attaches (applied, they must make the error go away).
import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/check";
import { applyFix, didYouMean, suggest } from "../../compiler/diagnostics/suggest";

const SPEC = (train: string, extra = "") => `model m {
  data x : Real[4] ~ gaussian_clusters(dim: 4)
  encoder q(y | x) = mlp(4, [8], 4)
  intermediary y : Real[2] ~ Normal(0, I)
  decoder p(x | y) : Gaussian(sigma: 0.1) = mlp(2, [8], 4)
  ${extra}train { ${train} }
}
`;

const codes = (text: string) => checkSource(text).diagnostics.map((d) => d.code);

/** Applies the quick fix of the only diagnostic with `code` and returns the new text. */
function fixed(text: string, code: string): string {
  const ds = checkSource(text).diagnostics.filter((d) => d.code === code);
  expect(ds).toHaveLength(1);
  expect(ds[0]!.fix, `${code} carries a fix`).toBeDefined();
  return applyFix(text, ds[0]!.fix!);
}

describe("suggest", () => {
  it("finds one close match and refuses far ones", () => {
    expect(suggest("maping", ["data", "mapping", "train"])).toBe("mapping");
    expect(suggest("evalute", ["evaluate", "encoder"])).toBe("evaluate");
    expect(suggest("zzz", ["mapping", "train"])).toBeUndefined();
  });

  it("didYouMean gives a hint and a fix that replaces the word", () => {
    const span = { file: "f", line: 1, col: 7, offset: 6, end: 10, endLine: 1, endCol: 11 };
    const s = didYouMean("splt", span, ["split", "validation"])!;
    expect(s.hint).toBe("did you mean 'split'?");
    expect(applyFix("mnist(splt: 1)", s.fix)).toBe("mnist(split: 1)");
  });
});

describe("the checker's fixes", () => {
  it("a misspelt keyword: applying the fix leaves no syntax error", () => {
    const text = SPEC("epochs: 1").replace("  intermediary", "  intermediry");
    expect(codes(text)).toContain("IV1001");
    const after = fixed(text, "IV1001");
    expect(after).toContain("  intermediary y");
    expect(codes(after)).toEqual([]);
  });

  it("a misspelt top-level keyword", () => {
    const text = "biass b<D>(y: Real[D]) -> Real[D] {\n  return y\n}\n";
    expect(fixed(text, "IV1010")).toBe(text.replace("biass", "bias"));
  });

  it("a misspelt argument name", () => {
    const text = SPEC("epochs: 1").replace("sigma: 0.1", "sigam: 0.1");
    expect(codes(fixed(text, "IV2008"))).toEqual([]);
  });

  it("`lr` in train moves into the optimizer call, wherever it stands", () => {
    for (const train of ["lr: 1e-3, optimizer: adam(beta1: 0.8), epochs: 2", "optimizer: adam(), epochs: 2, lr: 1e-3"]) {
      const text = SPEC(train);
      const after = fixed(text, "IV2030");
      expect(codes(after)).toEqual([]);
      expect(after).toMatch(/optimizer: adam\((beta1: 0\.8, )?lr: 1e-3\)/);
      expect(after.replace(/adam\([^)]*\)/, "adam()")).not.toContain("lr");
      expect(after).toMatch(/train \{ optimizer: adam\([^)]*\), epochs: 2 \}/);
    }
  });

  it("`lr` in train without an optimizer becomes one", () => {
    const after = fixed(SPEC("lr: 0.01, epochs: 2"), "IV2030");
    expect(after).toContain("train { optimizer: adam(lr: 0.01), epochs: 2 }");
    expect(codes(after)).toEqual([]);
  });

  it("a setting that is exactly right elsewhere is not called a misspelling", () => {
    const ds = checkSource(SPEC("epochs: 1", "objective elbo(batch: 32)\n  ")).diagnostics;
    expect(ds.map((d) => [d.code, d.hint])).toEqual([["IV2030", "write it there: `train { batch: 32 }`"]]);
  });
});
