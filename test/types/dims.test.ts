// Size arithmetic and unification: D * 2 = 100 solves D = 50; conflicting bindings clash.
import { describe, expect, it } from "vitest";
import { ceilDiv, dimsEqual, mul, add, sub, div, normalizeDim, showDim, Subst, unifyDim, wholeDim } from "../../compiler/types/dims";

describe("sizes", () => {
  it("folds numbers and prints expressions with the fewest parentheses", () => {
    expect(mul(2, add(3, 4))).toBe(14);
    expect(ceilDiv(28, 2)).toBe(14);
    expect(ceilDiv(7, 2)).toBe(4);
    const s = new Subst();
    const d = s.fresh("D", true);
    const h = s.fresh("H", true);
    expect(showDim(mul(2, d))).toBe("2 * D");
    expect(showDim(sub(d, add(h, 1)))).toBe("D - (H + 1)");
    expect(showDim(mul(add(d, 1), 2))).toBe("(D + 1) * 2");
    expect(showDim(ceilDiv(h, 2))).toBe("⌈H / 2⌉");
    expect(showDim(normalizeDim(sub(add(d, 1), 2)))).toBe("D - 1");
  });

  it("decides equality on a normal form: 2·D = D + D = D * 2, (D + 1) - 1 = D", () => {
    const s = new Subst();
    const d = s.fresh("D", true);
    const e = s.fresh("E", true);
    expect(dimsEqual(mul(2, d), add(d, d))).toBe(true);
    expect(dimsEqual(mul(d, 2), mul(2, d))).toBe(true);
    expect(dimsEqual(sub(add(d, 1), 1), d)).toBe(true);
    expect(dimsEqual(mul(d, e), mul(e, d))).toBe(true);
    expect(dimsEqual(div(mul(4, d), 2), mul(2, d))).toBe(true);
    expect(dimsEqual(d, e)).toBe(false);
  });

  it("solves D * 2 = 100 for D = 50", () => {
    const s = new Subst();
    const d = s.fresh("D");
    expect(unifyDim(s, mul(d, 2), 100)).toBe("ok");
    expect(s.resolve(d)).toBe(50);
    const h = s.fresh("H");
    expect(unifyDim(s, 7, div(h, 4))).toBe("ok");
    expect(s.resolve(h)).toBe(28);
    const k = s.fresh("K");
    expect(unifyDim(s, add(k, 3), sub(10, 1))).toBe("ok");
    expect(s.resolve(k)).toBe(6);
  });

  it("rejects equations without a whole-number solution", () => {
    const s = new Subst();
    const d = s.fresh("D");
    expect(unifyDim(s, mul(2, d), 101)).toBe("clash");
    expect(s.isBound(d)).toBe(false);
    expect(unifyDim(s, add(d, 5), 2)).toBe("clash"); // D = -3
  });

  it("reports conflicting bindings: D = 2, then D = 3", () => {
    const s = new Subst();
    const d = s.fresh("D");
    expect(unifyDim(s, d, 2)).toBe("ok");
    expect(unifyDim(s, d, 3)).toBe("clash");
    expect(unifyDim(s, mul(d, 3), 6)).toBe("ok");
  });

  it("keeps rigid (generic) variables: D ≠ 2, D = D, D + 1 ≠ D", () => {
    const s = new Subst();
    const d = s.fresh("D", true);
    expect(unifyDim(s, d, 2)).toBe("clash");
    expect(unifyDim(s, d, d)).toBe("ok");
    expect(unifyDim(s, add(d, 1), d)).toBe("clash");
  });

  it("binds a flexible variable to a symbolic size", () => {
    const s = new Subst();
    const d = s.fresh("D", true);
    const n = s.fresh("?");
    expect(unifyDim(s, add(n, 1), add(d, 3))).toBe("ok");
    expect(showDim(normalizeDim(s.resolve(n)))).toBe("D + 2");
  });

  it("defers what it cannot decide (⌈H / 2⌉ against H / 2) instead of guessing", () => {
    const s = new Subst();
    const h = s.fresh("H", true);
    expect(unifyDim(s, ceilDiv(h, 2), div(h, 2))).toBe("unknown");
    const x = s.fresh("X");
    expect(unifyDim(s, mul(x, x), 4)).toBe("unknown");
  });

  it("undoes tentative bindings", () => {
    const s = new Subst();
    const d = s.fresh("D");
    const mark = s.mark();
    unifyDim(s, d, 5);
    expect(s.resolve(d)).toBe(5);
    s.undo(mark);
    expect(s.isBound(d)).toBe(false);
  });

  it("checks whole sizes: 3.5 is not a size, 0 only where allowed", () => {
    expect(wholeDim(3.5)).toBe(false);
    expect(wholeDim(0)).toBe(false);
    expect(wholeDim(0, 0)).toBe(true);
    expect(wholeDim(7)).toBe(true);
  });
});
