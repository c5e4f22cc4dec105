import { describe, expect, it } from "vitest";
import { deriveSeed, mulberry32, SEED_PURPOSES, shuffledIndices } from "../../../runtime/random/seeds";

describe("seed derivation", () => {
  it("never gives 0 and never repeats over many counters and every purpose", () => {
    const seen = new Set<number>();
    let outOfRange = 0;
    for (const purpose of SEED_PURPOSES) {
      for (let c = 0; c < 50_000; c++) {
        const s = deriveSeed(1, purpose, c);
        if (!(Number.isInteger(s) && s >= 1 && s <= 2 ** 31 - 1)) outOfRange++;
        seen.add(s);
      }
    }
    expect(outOfRange).toBe(0);
    expect(seen.size).toBe(SEED_PURPOSES.length * 50_000);
  });

  it("does not give 0 even for run seed 0", () => {
    const zeros = Array.from({ length: 1000 }, (_, c) => deriveSeed(0, "noise", c)).filter((s) => s === 0);
    expect(zeros).toEqual([]);
  });

  it("is a function of (run seed, purpose, counter) only", () => {
    expect(deriveSeed(42, "noise", 17)).toBe(deriveSeed(42, "noise", 17));
    expect(deriveSeed(42, "noise", 17)).not.toBe(deriveSeed(43, "noise", 17));
    expect(deriveSeed(42, "noise", 17)).not.toBe(deriveSeed(42, "shuffle", 17));
  });

  it("rejects bad counters and seeds", () => {
    expect(() => deriveSeed(1, "noise", -1)).toThrow(/counter/);
    expect(() => deriveSeed(1, "noise", 1.5)).toThrow(/counter/);
    expect(() => deriveSeed(-3, "noise", 1)).toThrow(/seed/);
  });
});

describe("seeded shuffle", () => {
  it("is a permutation, the same for the same seed, different for another", () => {
    const a = shuffledIndices(1000, 123);
    expect([...a].sort((p, q) => p - q)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(shuffledIndices(1000, 123)).toEqual(a);
    expect(shuffledIndices(1000, 124)).not.toEqual(a);
    expect(shuffledIndices(0, 1).length).toBe(0);
  });

  it("mulberry32 is uniform enough and reproducible", () => {
    const r = mulberry32(9);
    const xs = Array.from({ length: 10_000 }, r);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((p, q) => p + q, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
    const r2 = mulberry32(9);
    expect(Array.from({ length: 5 }, r2)).toEqual(xs.slice(0, 5));
  });
});
