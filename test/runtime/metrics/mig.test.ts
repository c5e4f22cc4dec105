// MIG: ~1 for codes that copy each factor into its own dimension, ~0 for codes independent of the
// factors, a hand-computed small case, and the dsprites factors through the metric.
import { describe, expect, it } from "vitest";
import type { Factors } from "../../../runtime/data/dataset";
import { generateDsprites } from "../../../runtime/data/dsprites";
import { discretise, entropy, mig, mutualInformation } from "../../../runtime/metrics/mig";
import { mulberry32 } from "../../../runtime/random/seeds";

describe("mig", () => {
  it("matches a case computed by hand", () => {
    // factor v = [0, 0, 1, 1]; z₀ = [0, 0, 0, 1] knows some of it, z₁ = [0, 1, 0, 1] none
    const f: Factors = { names: ["v"], values: Float32Array.from([0, 0, 1, 1]), discrete: [true] };
    const z = Float32Array.from([0, 0, 0, 1, 0, 0, 1, 1]); // rows (z₀, z₁)
    // I(z₀; v) = ½·ln((½)/(¾·½)) + ¼·ln((¼)/(¼·½)) + ¼·ln((¼)/(¾·½)), H(v) = ln 2, I(z₁; v) = 0
    const i0 = 0.5 * Math.log(4 / 3) + 0.25 * Math.log(2) + 0.25 * Math.log(2 / 3);
    const r = mig(z, 4, 2, f, 2);
    expect(r.factors[0]!.mi[0]).toBeCloseTo(i0, 12);
    expect(r.factors[0]!.mi[1]).toBeCloseTo(0, 12);
    expect(r.factors[0]!.entropy).toBeCloseTo(Math.log(2), 12);
    expect(r.value).toBeCloseTo(i0 / Math.log(2), 12);
    expect(r.factors[0]!.top).toEqual([0, 1]);
  });

  it("bins equal-width over the range, and MI / entropy obey their identities", () => {
    expect(Array.from(discretise([0, 0.24, 0.26, 0.5, 0.99, 1], 6, 1, 0, 4))).toEqual([0, 0, 1, 2, 3, 3]);
    expect(Array.from(discretise([2, 2, 2], 3, 1, 0, 4))).toEqual([0, 0, 0]);
    const a = Int32Array.from([0, 1, 2, 0, 1, 2, 1, 1]);
    expect(mutualInformation(a, a)).toBeCloseTo(entropy(a), 12); // I(a; a) = H(a)
    expect(mutualInformation(a, Int32Array.from(a, (v) => 2 - v))).toBeCloseTo(entropy(a), 12); // relabelling keeps it
  });

  const dsprites = generateDsprites({ n: 20000 }, 11);
  const f = dsprites.factors!;
  const n = dsprites.n;

  it("is ~1 for a code that copies each factor into its own dimension (plus a dead one)", () => {
    const k = f.names.length;
    const z = new Float32Array(n * (k + 1));
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) z[i * (k + 1) + (k - 1 - c)] = f.values[i * k + c]!; // reversed order
    const r = mig(z, n, k + 1, f, 20);
    expect(r.value).toBeGreaterThan(0.98);
    r.factors.forEach((row, c) => expect(row.top[0]).toBe(k - 1 - c));
  });

  it("is ~0 for a code independent of the factors", () => {
    const rand = mulberry32(5);
    const z = Float32Array.from({ length: n * 6 }, () => rand());
    expect(mig(z, n, 6, f, 20).value).toBeLessThan(0.01);
  });

  it("is low when one dimension mixes two factors", () => {
    // z₀ = x + y knows both positions but neither alone: x's gap and y's gap are both small
    const k = f.names.length;
    const z = new Float32Array(n * 2);
    const rand = mulberry32(6);
    for (let i = 0; i < n; i++) {
      z[i * 2] = f.values[i * k + 3]! + f.values[i * k + 4]!;
      z[i * 2 + 1] = rand();
    }
    const r = mig(z, n, 2, f, 20);
    const copies = mig(Float32Array.from({ length: n * 2 }, (_, j) => f.values[Math.floor(j / 2) * k + 3 + (j % 2)]!), n, 2, f, 20);
    expect(r.factors[3]!.gap!).toBeLessThan(0.5 * copies.factors[3]!.gap!);
    expect(r.factors[4]!.gap!).toBeLessThan(0.5 * copies.factors[4]!.gap!);
  });
});
