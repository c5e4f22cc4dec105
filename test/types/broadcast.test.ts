// Broadcasting (rules at the top of compiler/types/broadcast.ts).
import { describe, expect, it } from "vitest";
import { broadcastDims, broadcastShapes } from "../../compiler/types/broadcast";
import { showDim, Subst } from "../../compiler/types/dims";

describe("broadcasting", () => {
  it("equal shapes stay", () => expect(broadcastShapes([2, 3], [2, 3])).toEqual([2, 3]));
  it("a scalar broadcasts to anything", () => {
    expect(broadcastShapes([], [5])).toEqual([5]);
    expect(broadcastShapes([4, 4, 1], [])).toEqual([4, 4, 1]);
  });
  it("a size 1 stretches (y / norm(y): Real[2] / Real[1])", () => {
    expect(broadcastShapes([2], [1])).toEqual([2]);
    expect(broadcastShapes([1, 3], [4, 1])).toEqual([4, 3]);
  });
  it("different sizes do not broadcast: Real[2] + Real[3]", () => {
    const r = broadcastDims(new Subst(), [2], [3]);
    expect(r).toMatchObject({ ok: false, why: "dim", axis: 0, a: 2, b: 3 });
  });
  it("no silent rank change: Real[3] + Real[2, 3] is an error (the batch axis would misalign)", () => {
    expect(broadcastDims(new Subst(), [3], [2, 3])).toMatchObject({ ok: false, why: "rank" });
    expect(broadcastShapes([3], [2, 3])).toBeUndefined();
  });
  it("symbolic sizes: Real[D] * Real is Real[D]; Real[D] + Real[1] is Real[D]; Real[D] + Real[2] clashes for a generic D", () => {
    const s = new Subst();
    const d = s.fresh("D", true);
    const a = broadcastDims(s, [d], []);
    expect(a.ok && a.dims.map((x) => showDim(x))).toEqual(["D"]);
    const b = broadcastDims(s, [d], [1]);
    expect(b.ok && b.dims.map((x) => showDim(x))).toEqual(["D"]);
    expect(broadcastDims(s, [d], [2]).ok).toBe(false);
  });
  it("an inferred size is unified with the other side", () => {
    const s = new Subst();
    const q = s.fresh("?");
    const r = broadcastDims(s, [q], [7]);
    expect(r.ok).toBe(true);
    expect(s.resolve(q)).toBe(7);
  });
});

describe("function shapes for the lowering", () => {
  it("computes shapes from numbers with the checker's rules", async () => {
    const { functionShape } = await import("../../compiler/types/builtin-signatures");
    const { functionInfo } = await import("../../compiler/builtins/functions");
    const f = (n: string) => functionInfo(n)!;
    expect(functionShape(new Subst(), f("norm"), { x: [5] })).toEqual([1]);
    expect(functionShape(new Subst(), f("sum"), { x: [4, 3], axis: 0 })).toEqual([3]);
    expect(functionShape(new Subst(), f("matmul"), { a: [3], b: [3, 2] })).toEqual([2]);
    expect(functionShape(new Subst(), f("concat"), {}, [[2], [3]])).toEqual([5]);
    expect(functionShape(new Subst(), f("where"), { cond: [], a: [4], b: [] })).toEqual([4]);
    expect(() => functionShape(new Subst(), f("atan2"), { y: [2], x: [3] })).toThrow(/cannot combine/);
  });
});
