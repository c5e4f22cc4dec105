import { describe, expect, it } from "vitest";
import type { DataIR } from "../../../compiler/ir/types";
import { DataError } from "../../../runtime/data/dataset";
import { checkDataset, holdOut, loadSource, loadTestData, loadTrainingData } from "../../../runtime/data/load";
import { loadMnist } from "../../../runtime/data/mnist";
import { generateSynthetic, SYNTHETIC_SOURCES } from "../../../runtime/data/synthetic";

const at = { file: "spec.intel", line: 3, col: 3 };
const dataIR = (source: string, args: DataIR["args"], shape: number[], range: [number, number] | null = null): DataIR => ({
  name: "x",
  source,
  args,
  shape,
  range,
  at,
});

describe("synthetic data", () => {
  it("every generator gives n finite 2-D points, the same for the same seed", () => {
    for (const s of SYNTHETIC_SOURCES) {
      const a = generateSynthetic(s, { n: 200 }, 5);
      const b = generateSynthetic(s, { n: 200 }, 5);
      expect(a.n, s).toBe(200);
      expect(a.x.every(Number.isFinite), s).toBe(true);
      expect(a.x).toEqual(b.x);
      expect(generateSynthetic(s, { n: 200 }, 6).x).not.toEqual(a.x);
    }
  });

  it("ring points lie on the circle; noise moves them off it", () => {
    const r = generateSynthetic("ring", { n: 500, radius: 2, noise: 0 }, 1);
    for (let i = 0; i < r.n; i++) expect(Math.hypot(r.x[2 * i]!, r.x[2 * i + 1]!)).toBeCloseTo(2, 5);
    const noisy = generateSynthetic("ring", { n: 500, radius: 2, noise: 0.1 }, 1);
    const radii = Array.from({ length: 500 }, (_, i) => Math.hypot(noisy.x[2 * i]!, noisy.x[2 * i + 1]!));
    expect(Math.max(...radii) - Math.min(...radii)).toBeGreaterThan(0.2);
  });

  it("two Gaussians sit at ±2 with std 0.3 and carry labels", () => {
    const d = generateSynthetic("two_gaussians", { n: 4000 }, 3);
    expect(d.labels).not.toBeNull();
    for (const [label, centre] of [[0, -2], [1, 2]] as const) {
      const xs = Array.from({ length: d.n }, (_, i) => i).filter((i) => d.labels![i] === label).map((i) => d.x[2 * i]!);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
      expect(xs.length).toBe(2000);
      expect(mean).toBeCloseTo(centre, 1);
      expect(sd).toBeGreaterThan(0.27);
      expect(sd).toBeLessThan(0.33);
    }
  });

  it("figure-eight crosses the origin; multipliers make classes uneven", () => {
    const f = generateSynthetic("figure_eight", { n: 1000, scale: 2 }, 2);
    const minR = Math.min(...Array.from({ length: 1000 }, (_, i) => Math.hypot(f.x[2 * i]!, f.x[2 * i + 1]!)));
    expect(minR).toBeLessThan(0.05);
    const u = generateSynthetic("two_gaussians", { n: 1000, multipliers: [1, 0.25] }, 2);
    const ones = u.labels!.filter((l) => l === 1).length;
    expect(ones).toBeGreaterThan(90);
    expect(ones).toBeLessThan(160);
    expect(u.n - ones).toBe(500);
  });

  it("two moons: each point on its half circle of radius `scale`, labels in equal halves", () => {
    const d = generateSynthetic("two_moons", { n: 1001, scale: 2 }, 4);
    expect(d.labels!.filter((l) => l === 0).length).toBe(501);
    for (let i = 0; i < d.n; i++) {
      const [x, y] = [d.x[2 * i]!, d.x[2 * i + 1]!];
      // upper moon: centre (0, 0), y ≥ 0; lower moon: centre (2, 1) (= scale·(1, ½)), y ≤ 1
      const upper = d.labels![i] === 0;
      const [cx, cy] = upper ? [0, 0] : [2, 1];
      expect(Math.abs(Math.hypot(x - cx, y - cy) - 2)).toBeLessThan(1e-5);
      expect(upper ? y >= -1e-6 : y <= 1 + 1e-6).toBe(true);
    }
  });

  it("rejects bad arguments with a DataError", () => {
    expect(() => generateSynthetic("ring", { n: 0 }, 1)).toThrow(DataError);
    expect(() => generateSynthetic("ring", { n: 10, noise: -1 }, 1)).toThrow(/noise/);
    expect(() => generateSynthetic("sparse_vectors", { n: 10, dim: 2, active: 3 }, 1)).toThrow(/active/);
  });
});

describe("mnist", () => {
  it("splits the 10k digits 7996 / 2004 by class, values in [0, 1]", () => {
    const train = loadMnist({ split: "train", classes: null, multipliers: null, binarize: false, limit: null, flatten: false, seed: 1 });
    const test = loadMnist({ split: "test", classes: null, multipliers: null, binarize: false, limit: null, flatten: false, seed: 1 });
    expect(train.n).toBe(7996);
    expect(test.n).toBe(2004);
    expect(train.shape).toEqual([28, 28, 1]);
    expect(new Set(test.labels).size).toBe(10);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of train.x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect([lo, hi]).toEqual([0, 1]);
  });

  it("filters classes, limits to a random subset, binarizes, flattens", () => {
    const d = loadMnist({ split: "train", classes: [0, 1], multipliers: null, binarize: true, limit: 300, flatten: true, seed: 4 });
    expect(d.n).toBe(300);
    expect(d.shape).toEqual([784]);
    expect(new Set(d.labels)).toEqual(new Set([0, 1]));
    expect(d.x.every((v) => v === 0 || v === 1)).toBe(true);
    expect(() => loadMnist({ split: "train", classes: [12], multipliers: null, binarize: false, limit: null, flatten: false, seed: 1 })).toThrow(/class 12/);
  });
});

describe("loading against the DataIR", () => {
  it("holds out a seeded validation set, disjoint from training", () => {
    const ir = dataIR("ring", { n: 100 }, [2]);
    const a = loadTrainingData(ir, 1, 20);
    expect(a.train.n).toBe(80);
    expect(a.validation!.n).toBe(20);
    const b = loadTrainingData(ir, 1, 20);
    expect(b.validation!.x).toEqual(a.validation!.x);
    expect(() => holdOut(a.train, 80, 1)).toThrow(/leaving none/);
    expect(loadTestData(ir, 1).x).not.toEqual(loadSource(ir, 1, "train").x);
  });

  it("reports a shape mismatch with the declared type and where it was declared", () => {
    const ir = dataIR("ring", { n: 10 }, [3]);
    expect(() => loadTrainingData(ir, 1, 0)).toThrow(/shape \[2\] but the spec declares Real\[3\].*|spec\.intel:3:3/);
    try {
      loadTrainingData(ir, 1, 0);
    } catch (e) {
      expect(e).toBeInstanceOf(DataError);
      expect((e as DataError).at).toMatchObject({ file: expect.stringMatching(/spec\.intel$/), line: 3, col: 3 });
      expect((e as Error).message).toContain("yields points of shape [2] but the spec declares Real[3]");
    }
  });

  it("reports values outside the declared range, and non-finite values", () => {
    const ds = generateSynthetic("ring", { n: 10, radius: 2 }, 1);
    expect(() => checkDataset(ds, dataIR("ring", {}, [2], [0, 1]))).toThrow(/outside the declared range \[0, 1\]/);
    ds.x[3] = NaN;
    expect(() => checkDataset(ds, dataIR("ring", {}, [2]))).toThrow(/datapoint 1 holds NaN/);
  });

  it("names unsupported sources", () => {
    expect(() => loadTrainingData(dataIR("parquet", { path: "x.parquet" }, [2]), 1, 0)).toThrow(/not supported by the runtime yet/);
    expect(() => loadTrainingData(dataIR("npy", { path: "x.npy" }, [2]), 1, 0)).toThrow(/x\.npy: no such file/);
  });
});
