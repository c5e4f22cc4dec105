// The reproduction's rules: a gap must clear 2 standard errors over seeds; ties and single seeds never hold.
import { describe, expect, it } from "vitest";
import { beats, clears, fitsAsWell, gap, statOf, type Stats } from "../../bench/reproduce/rules";

const s = (xs: number[]) => statOf(xs);

describe("reproduction rules", () => {
  it("standard error is the sample std over √n", () => {
    const st = statOf([1, 2, 3])!;
    expect(st.mean).toBeCloseTo(2, 12);
    expect(st.se).toBeCloseTo(1 / Math.sqrt(3), 12);
    expect(statOf([4])!.se).toBeNull();
    expect(statOf([])).toBeNull();
  });

  it("a gap holds only beyond 2 SE of the gap, and never at 0", () => {
    const a = s([0.1, 0.12, 0.11])!;
    const b = s([0, 0, 0])!;
    expect(clears(gap(a, b))).toBe(true);
    expect(clears(gap(b, b))).toBe(false); // 0.000 = 0.000 ties are not a verdict
    expect(clears(gap(s([0.1, 0.3, 0.2])!, s([0.05, 0.25, 0.15])!))).toBe(false); // inside the noise
    expect(clears(gap(s([0.1])!, s([0])!))).toBe(false); // one seed: no SE, no verdict
  });

  it("beats checks every baseline in the stated direction", () => {
    const st: Stats = { mine: [s([0, 0.001, 0])], v: [s([0.09, 0.1, 0.095])], w: [s([0.02, 0.001, 0.04])] };
    expect(beats(st, "mine", ["v"], 0, "lower", "mass").held).toBe(true);
    expect(beats(st, "mine", ["v", "w"], 0, "lower", "mass").held).toBe(false);
    expect(beats(st, "v", ["mine"], 0, "higher", "mass").held).toBe(true);
    expect(fitsAsWell({ a: [s([104, 105])], r: [s([100, 100])] }, "a", "r", 0, 0.05, "nll").held).toBe(true);
    expect(fitsAsWell({ a: [s([106, 107])], r: [s([100, 100])] }, "a", "r", 0, 0.05, "nll").held).toBe(false);
  });
});
