// The dSprites-like generator: determinism by seed, factor ranges, the injected x–y correlation (xy_mix),
// factors following the points through hold-outs, and renders that move with their factors.
import { describe, expect, it } from "vitest";
import { holdOut } from "../../../runtime/data/load";
import { DSPRITES_FACTORS, DSPRITES_SIDE, generateDsprites, renderSprite } from "../../../runtime/data/dsprites";

const column = (v: Float32Array, k: number) => Array.from({ length: v.length / DSPRITES_FACTORS.length }, (_, i) => v[i * DSPRITES_FACTORS.length + k]!);
const pearson = (a: number[], b: number[]) => {
  const m = (x: number[]) => x.reduce((s, t) => s + t, 0) / x.length;
  const ma = m(a);
  const mb = m(b);
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
};

describe("dsprites", () => {
  it("is a function of its seed", () => {
    const a = generateDsprites({ n: 50 }, 3);
    const b = generateDsprites({ n: 50 }, 3);
    const c = generateDsprites({ n: 50 }, 4);
    expect(Buffer.from(a.x.buffer).equals(Buffer.from(b.x.buffer))).toBe(true);
    expect(Array.from(a.factors!.values)).toEqual(Array.from(b.factors!.values));
    expect(Array.from(a.factors!.values)).not.toEqual(Array.from(c.factors!.values));
  });

  it("draws factors in their ranges, labels = shape, binary pixels, images or vectors", () => {
    const ds = generateDsprites({ n: 2000 }, 1);
    expect(ds.shape).toEqual([32, 32, 1]);
    expect(generateDsprites({ n: 3, flatten: true }, 1).shape).toEqual([1024]);
    const f = ds.factors!;
    expect(f.names).toEqual(["shape", "scale", "rotation", "x", "y"]);
    const [shape, scale, rot, x, y] = [0, 1, 2, 3, 4].map((k) => column(f.values, k));
    expect(new Set(shape)).toEqual(new Set([0, 1, 2]));
    expect(Array.from(ds.labels!)).toEqual(shape);
    expect(Math.min(...scale)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...scale)).toBeLessThanOrEqual(1);
    expect(Math.min(...rot)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...rot)).toBeLessThan(2 * Math.PI);
    for (const v of [x!, y!]) {
      expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...v)).toBeLessThan(1);
      expect(Math.min(...v)).toBeLessThan(0.01); // uniform: both ends are reached
      expect(Math.max(...v)).toBeGreaterThan(0.99);
    }
    expect(Math.abs(pearson(x!, y!))).toBeLessThan(0.06);
    expect(ds.x.every((p) => p === 0 || p === 1)).toBe(true);
    // no shape touches the border (the margins keep it whole), every shape has pixels
    for (let i = 0; i < ds.n; i++) {
      const img = ds.x.subarray(i * 1024, (i + 1) * 1024);
      expect(img.reduce((s, p) => s + p, 0)).toBeGreaterThan(5);
      for (let j = 0; j < DSPRITES_SIDE; j++) expect(img[j]! + img[1023 - j]! + img[j * 32]! + img[j * 32 + 31]!).toBe(0);
    }
  });

  it("mixes x into y as asked: y = (1 − w)·u + w·x, Pearson correlation w/√(w² + (1 − w)²), y in [0, 1]", () => {
    const base = generateDsprites({ n: 4000 }, 2).factors!;
    for (const w of [0.5, 0.8]) {
      const f = generateDsprites({ n: 4000, xy_mix: w }, 2).factors!;
      const [x, y] = [column(f.values, 3), column(f.values, 4)];
      const want = w / Math.hypot(w, 1 - w);
      expect(Math.abs(pearson(x, y) - want)).toBeLessThan(0.03);
      // the same draws as without mixing: x unchanged, y the mix of the unmixed y and x
      expect(x).toEqual(column(base.values, 3));
      column(base.values, 4).forEach((u, i) => expect(y[i]!).toBeCloseTo((1 - w) * u + w * x[i]!, 5));
      expect(Math.min(...y)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...y)).toBeLessThanOrEqual(1);
    }
    expect(() => generateDsprites({ xy_mix: 1.5 }, 1)).toThrow(/xy_mix/);
  });

  it("renders shapes where the factors put them, with areas in the ratio of the shapes", () => {
    const centre = (img: Float32Array) => {
      let sx = 0, sy = 0, m = 0;
      for (let i = 0; i < 32; i++) for (let j = 0; j < 32; j++) if (img[i * 32 + j]) (sx += j + 0.5), (sy += i + 0.5), m++;
      return [sx / m, sy / m, m];
    };
    const [lx, ly] = centre(renderSprite({ shape: 1, scale: 1, rotation: 0, x: 0, y: 1 }));
    const [rx, ry] = centre(renderSprite({ shape: 1, scale: 1, rotation: 0, x: 1, y: 0 }));
    expect(rx! - lx!).toBeCloseTo(32 - 2 * (6.4 + 0.6), 0);
    expect(ly! - ry!).toBeCloseTo(32 - 2 * (6.4 + 0.6), 0);
    // areas at scale 1 (r = 6.4 px): square r², ellipse πr²/2, triangle (3√3/4)r², within pixelation
    const area = (shape: number) => centre(renderSprite({ shape, scale: 1, rotation: 0.3, x: 0.5, y: 0.5 }))[2]!;
    const r2 = 6.4 * 6.4;
    expect(area(0) / r2).toBeCloseTo(2, 0);
    expect(area(1) / r2).toBeCloseTo(Math.PI / 2, 0);
    expect(area(2) / r2).toBeCloseTo((3 * Math.sqrt(3)) / 4, 0);
  });

  it("keeps each point's factors through the validation hold-out", () => {
    const ds = generateDsprites({ n: 40 }, 5);
    const { train, validation } = holdOut(ds, 10, 9);
    for (const part of [train, validation!]) {
      for (let i = 0; i < part.n; i++) {
        const j = Array.from({ length: ds.n }, (_, k) => k).find((k) => ds.x.subarray(k * 1024, (k + 1) * 1024).every((p, q) => p === part.x[i * 1024 + q]))!;
        expect(Array.from(part.factors!.values.subarray(i * 5, i * 5 + 5))).toEqual(Array.from(ds.factors!.values.subarray(j * 5, j * 5 + 5)));
      }
    }
  });
});
