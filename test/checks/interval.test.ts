// The interval domain: open and closed ends, products at 0 and ∞, and the transfer functions.
import { describe, expect, it } from "vitest";
import * as I from "../../compiler/checks/interval";

const fmt = I.formatInterval;

describe("intervals", () => {
  it("tells > 0 from ≥ 0 through sums and products", () => {
    expect(fmt(I.add(I.NONNEGATIVE, I.point(1e-7)))).toBe("[1e-7, ∞)");
    expect(fmt(I.add(I.NONNEGATIVE, I.POSITIVE))).toBe("(0, ∞)");
    expect(fmt(I.mul(I.iv(0, 1, true, true), I.point(0.8)))).toBe("(0, 0.8)");
    expect(fmt(I.add(I.point(0.2), I.mul(I.point(0.8), I.iv(0, 1, true, true))))).toBe("(0.2, 1)");
  });

  it("multiplies through 0 and ∞ soundly", () => {
    expect(fmt(I.mul(I.point(0), I.REAL))).toBe("0");
    expect(fmt(I.mul(I.iv(0, 1), I.REAL))).toBe("(-∞, ∞)");
    expect(fmt(I.mul(I.iv(0, 1, true), I.NONNEGATIVE))).toBe("[0, ∞)");
    expect(fmt(I.mul(I.iv(-2, -1), I.iv(3, 4)))).toBe("[-8, -3]");
  });

  it("divides by what excludes 0", () => {
    expect(fmt(I.recip(I.iv(1e-7, Infinity)))).toBe("(0, 10000000]");
    expect(fmt(I.recip(I.NONNEGATIVE))).toBe("(0, ∞)");
    expect(fmt(I.recip(I.iv(-1, 1)))).toBe("(-∞, ∞)");
  });

  it("keeps squares, abs and norms non-negative", () => {
    expect(fmt(I.square(I.REAL))).toBe("[0, ∞)");
    expect(fmt(I.abs(I.iv(-3, 2, false, true)))).toBe("[0, 3]");
    expect(fmt(I.normOf(I.REAL))).toBe("[0, ∞)");
    expect(fmt(I.normOf(I.iv(0.5, 2)))).toBe("[0.5, ∞)");
  });

  it("applies monotone functions end to end, and restricts to domains", () => {
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    expect(fmt(I.monotone(I.REAL, sigmoid))).toBe("(0, 1)");
    expect(fmt(I.monotone(I.REAL, Math.exp))).toBe("(0, ∞)");
    expect(fmt(I.powConst(I.REAL, 2))).toBe("[0, ∞)");
    expect(fmt(I.powConst(I.REAL, 0.5))).toBe("[0, ∞)");
    expect(fmt(I.powConst(I.iv(1 / 3, 4 / 3), 0.5))).toBe("[0.5774, 1.155]");
  });

  it("rounds and signs", () => {
    expect(fmt(I.floorOf(I.iv(0, 1, true, true)))).toBe("0");
    expect(fmt(I.signOf(I.POSITIVE))).toBe("1");
    expect(fmt(I.signOf(I.REAL))).toBe("[-1, 1]");
  });

  it("sums of positives stay positive, whatever their number", () => {
    expect(fmt(I.sumOf(I.POSITIVE))).toBe("(0, ∞)");
    expect(fmt(I.sumOf(I.iv(-1, 1)))).toBe("(-∞, ∞)");
    expect(I.subset(I.iv(0, 1, true), I.NONNEGATIVE)).toBe(true);
    expect(I.subset(I.NONNEGATIVE, I.POSITIVE)).toBe(false);
  });
});
