// The paper's metrics: Hoyer sparsity, IWAE NLL against a closed-form log p(x), the downstream
// classifiers (logistic regression, random forest), few-shot accuracy and the sample metrics.
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDataset } from "../../../runtime/data/dataset";
import { buildModel } from "../../../runtime/model/build";
import type { CompiledModel } from "../../../runtime/model/compiled";
import { accuracy } from "../../../runtime/metrics/classifier";
import { computeMetric, normalCdf, RUNTIME_METRICS, zerosSide } from "../../../runtime/metrics/evaluate";
import { builtinsIn } from "../../../compiler/builtins";
import { balancedSplit, fewshot } from "../../../runtime/metrics/fewshot";
import { trainForest } from "../../../runtime/metrics/forest";
import { hoyerSparsity, hoyerVector } from "../../../runtime/metrics/hoyer";
import { iwaeNll } from "../../../runtime/metrics/iwae";
import { trainLogistic } from "../../../runtime/metrics/logistic";
import { activeDims, classProportions, regionMass, sampleUncertainty } from "../../../runtime/metrics/samples";
import { mulberry32, normalFrom } from "../../../runtime/random/seeds";
import { AT, metricIR, mlpVae } from "../fixtures/ir";
import { useTestBackend } from "../model/gradcheck";

beforeAll(useTestBackend);
const models: CompiledModel[] = [];
afterAll(() => models.forEach((m) => m.dispose()));

const rows = (r: number[][]) => Float32Array.from(r.flat());

describe("Hoyer sparsity", () => {
  it("one active dimension → 1, all equal → 0, in between otherwise", () => {
    expect(hoyerVector([0, 0, 3, 0])).toBeCloseTo(1, 12);
    expect(hoyerVector([2, 2, 2, 2])).toBeCloseTo(0, 12);
    expect(hoyerVector([1, -1, 1, -1])).toBeCloseTo(0, 12);
    const h = hoyerVector([1, 1, 0, 0]); // (2 − √2)/(2 − 1)
    expect(h).toBeCloseTo(2 - Math.SQRT2, 12);
    expect(hoyerVector([0, 0, 0])).toBeNaN();
  });

  it("on data: each dimension is divided by its std first", () => {
    // one non-zero per point, at different scales: still 1 after scaling
    const one = hoyerSparsity(rows([[5, 0, 0], [0, 0.1, 0], [0, 0, 40], [3, 0, 0]]), 4, 3);
    expect(one.value).toBeCloseTo(1, 6);
    // all coordinates equal within each point (same std per dim) → 0
    const eq = hoyerSparsity(rows([[1, 1, 1], [2, 2, 2], [-3, -3, -3]]), 3, 3);
    expect(eq.value).toBeCloseTo(0, 6);
    // std scaling matters: dims at very different scales but dense become 0 after scaling
    const scaled = hoyerSparsity(rows([[100, 1], [-100, -1], [200, 2]]), 3, 2);
    expect(scaled.value).toBeCloseTo(0, 6);
  });

  it("a dimension switched off everywhere (zero std) is left out: it neither adds sparsity nor NaN", () => {
    const base = [[1, 2, 0.5], [2, -1, 1], [0.3, 1, -2], [1, 1, 1]];
    const without = hoyerSparsity(rows(base), 4, 3);
    const withDead = hoyerSparsity(rows(base.map((r) => [...r, 0])), 4, 4);
    const withConst = hoyerSparsity(rows(base.map((r) => [r[0]!, 7, r[1]!, r[2]!])), 4, 4);
    expect(withDead.value).toBeCloseTo(without.value, 10);
    expect(withConst.value).toBeCloseTo(without.value, 10);
    expect(withDead.constantDims).toBe(1);
    expect(withDead.dims).toBe(3);
    // fewer than two varying dims: undefined
    expect(hoyerSparsity(rows([[1, 0], [2, 0]]), 2, 2).value).toBeNaN();
    // an all-zero point is skipped, not counted as sparse
    const z = hoyerSparsity(rows([[0, 0], [1, 0], [0, 1]]), 3, 2);
    expect(z.zeroPoints).toBe(1);
    expect(z.value).toBeCloseTo(1, 6);
  });
});

/** Two Gaussian blobs per class in 2-D; `xor`: classes on opposite corners. */
function blobs(n: number, seed: number, xor: boolean): { x: Float32Array; y: Int32Array } {
  const r = mulberry32(seed);
  const g = normalFrom(r);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = r() < 0.5 ? -1 : 1;
    const b = r() < 0.5 ? -1 : 1;
    x[2 * i] = 2 * a + 0.4 * g();
    x[2 * i + 1] = 2 * b + 0.4 * g();
    y[i] = xor ? (a * b > 0 ? 1 : 0) : a > 0 ? 1 : 0;
  }
  return { x, y };
}

describe("classifiers", () => {
  it("logistic regression separates separable data and fails on XOR (it is linear)", () => {
    const tr = blobs(200, 1, false);
    const te = blobs(500, 2, false);
    const clf = trainLogistic(tr.x, 200, 2, tr.y);
    expect(accuracy(clf, te.x, 500, te.y)).toBeGreaterThan(0.99);
    const p = clf.predictProba(te.x, 500);
    for (let i = 0; i < 500; i++) expect(p[2 * i]! + p[2 * i + 1]!).toBeCloseTo(1, 5);
    const xtr = blobs(200, 3, true);
    const xte = blobs(500, 4, true);
    expect(accuracy(trainLogistic(xtr.x, 200, 2, xtr.y), xte.x, 500, xte.y)).toBeLessThan(0.75);
  });

  it("logistic regression: 3 classes, deterministic", () => {
    const r = mulberry32(5);
    const n = 300;
    const x = new Float32Array(n * 2);
    const y = Int32Array.from({ length: n }, (_, i) => i % 3);
    for (let i = 0; i < n; i++) {
      x[2 * i] = Math.cos((2 * Math.PI * y[i]!) / 3) * 3 + r() - 0.5;
      x[2 * i + 1] = Math.sin((2 * Math.PI * y[i]!) / 3) * 3 + r() - 0.5;
    }
    const a = trainLogistic(x, n, 2, y);
    expect(a.classes).toBe(3);
    expect(accuracy(a, x, n, y)).toBe(1);
    const head = x.subarray(0, 10);
    expect(Array.from(trainLogistic(x, n, 2, y).predictProba(head, 5))).toEqual(Array.from(a.predictProba(head, 5)));
  });

  it("random forest (50 trees, depth 4) solves separable data and XOR; seeded", () => {
    const tr = blobs(300, 11, true);
    const te = blobs(500, 12, true);
    const f = trainForest(tr.x, 300, 2, tr.y, { seed: 3 });
    expect(accuracy(f, te.x, 500, te.y)).toBeGreaterThan(0.97);
    const s = blobs(300, 13, false);
    expect(accuracy(trainForest(s.x, 300, 2, s.y, { seed: 3 }), te.x, 500, blobs(500, 12, false).y)).toBeGreaterThan(0.97);
    expect(Array.from(trainForest(tr.x, 300, 2, tr.y, { seed: 3 }).predictProba(te.x.subarray(0, 40), 20))).toEqual(Array.from(f.predictProba(te.x.subarray(0, 40), 20)));
  });

  it("a depth-1 forest is a stump: one threshold on one feature", () => {
    const x = Float32Array.from([0, 1, 2, 3, 10, 11, 12, 13]);
    const y = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1]);
    const f = trainForest(x, 8, 1, y, { trees: 1, depth: 1, seed: 1 });
    const p = f.predictProba(Float32Array.from([-5, 5, 7.9, 20]), 4);
    expect(p[1]).toBe(0);
    expect(p[7]).toBe(1);
  });

  it("few-shot: accuracy rises with the training size; sizes ≥ n are skipped", () => {
    const d = blobs(400, 21, true);
    const r = fewshot(d.x, 400, 2, d.y, { sizes: [4, 100, 400], repeats: 3, classifier: "forest", seed: 1 });
    expect(r.rows.map((q) => q.size)).toEqual([4, 100]);
    expect(r.notes[0]).toMatch(/size 400 skipped/);
    expect(r.rows[1]!.mean).toBeGreaterThan(0.95);
    expect(r.rows[1]!.accuracies).toHaveLength(3);
    const lr = fewshot(blobs(400, 22, false).x, 400, 2, blobs(400, 22, false).y, { sizes: [10], repeats: 2, classifier: "logistic", seed: 1 });
    expect(lr.rows[0]!.mean).toBeGreaterThan(0.9);
  });
});

describe("few-shot, the paper's protocol (balanced draws, random forest)", () => {
  it("a balanced draw takes ⌊s/C⌋ of each class (the first s mod C one more), in permutation order", () => {
    const labels = Int32Array.from([0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2]);
    const perm = Int32Array.from([11, 0, 1, 6, 2, 9, 7, 3, 4, 5, 8, 10]);
    const [tr, te] = balancedSplit(perm, labels, [2, 1, 1]);
    expect(Array.from(tr)).toEqual([11, 0, 1, 6]);
    expect(tr.length + te.length).toBe(12);
    expect(new Set([...tr, ...te]).size).toBe(12);
  });

  it("balanced sets hold every class even when it is rare; a class too small for its quota skips the size", () => {
    // 95 % of class 0: unbalanced 10-point draws often miss class 1, balanced ones never do
    const n = 400;
    const x = new Float32Array(n * 2);
    const y = new Int32Array(n);
    const g = normalFrom(mulberry32(5));
    for (let i = 0; i < n; i++) {
      y[i] = i % 20 === 0 ? 1 : 0;
      x[2 * i] = (y[i] ? 3 : -3) + g();
      x[2 * i + 1] = g();
    }
    const bal = fewshot(x, n, 2, y, { sizes: [10], repeats: 8, classifier: "forest", seed: 2, balanced: true });
    const unb = fewshot(x, n, 2, y, { sizes: [10], repeats: 8, classifier: "forest", seed: 2 });
    // a set without class 1 predicts 0 everywhere (accuracy 0.95); with 5 of each the forest separates them
    expect(Math.min(...bal.rows[0]!.accuracies)).toBeGreaterThan(0.97);
    expect(bal.rows[0]!.mean).toBeGreaterThan(unb.rows[0]!.mean);
    const skip = fewshot(x, n, 2, y, { sizes: [60], repeats: 1, classifier: "forest", seed: 2, balanced: true });
    expect(skip.rows).toHaveLength(0);
    expect(skip.notes[0]).toMatch(/size 60 skipped: a balanced draw needs 30 points of class 1/);
  });
});

describe("Table 2's rows and Table 3's side of b", () => {
  // a 1-D code μ(x) = x₀: the encoder reads the first coordinate only
  function codeModel(): CompiledModel {
    const m = buildModel(mlpVae({ data: [2], hidden: [], latent: 1, likelihood: { kind: "gaussian", sigma: 0.5 } }), 1);
    models.push(m);
    m.variables.get("encoder/dense_0/kernel")!.assign(tf.tensor2d([[1, 0], [0, 0]]));
    m.variables.get("encoder/dense_0/bias")!.assign(tf.zeros([2]));
    return m;
  }

  it("the learned share of 0s is the prior mass on the side of b where the encoded 0s lie", () => {
    const m = codeModel();
    const zerosAbove = makeDataset(rows([[1, 0], [1.2, 0], [-1, 0], [-1.1, 0], [0.9, 0]]), [2], Int32Array.from([0, 0, 1, 1, 0]));
    const r = zerosSide(m, zerosAbove, 2, 0.5);
    expect(r.zeros_below).toBe(false);
    expect(r.zeros_share).toBeCloseTo(1 - normalCdf(0.5), 6);
    const zerosBelow = makeDataset(rows([[-1, 0], [1, 0]]), [2], Int32Array.from([0, 1]));
    expect(zerosSide(m, zerosBelow, 2, 0.5).zeros_share).toBeCloseTo(normalCdf(0.5), 6);
    // the 0 % row: no 0s; the 0s' side is the one with fewer encoded 1s
    const noZeros = makeDataset(rows([[-1, 0], [-2, 0], [1, 0]]), [2], Int32Array.from([1, 1, 1]));
    const z = zerosSide(m, noZeros, 2, 0);
    expect(z.zeros_below).toBe(false);
    expect(z.zeros_share).toBeCloseTo(0.5, 6);
    expect(z.zeros_side_evidence).toMatch(/no 0s; 2 of 3/);
  });

  it("sample_uncertainty reports the samples' class shares and the data's own row", () => {
    const m = codeModel();
    const tr = blobs(200, 41, false);
    const ds = makeDataset(tr.x, [2], tr.y);
    const v = computeMetric(metricIR("sample_uncertainty", { samples: 500 }), { model: m, train: ds, test: ds, seed: 1, batch: 50 }) as {
      value: number;
      generated: number[];
      data: { value: number; proportions: number[]; points: number };
    };
    expect(v.generated).toHaveLength(2);
    expect(v.generated[0]! + v.generated[1]!).toBeCloseTo(1, 10);
    expect(v.data.points).toBe(200);
    expect(v.data.proportions[0]! + v.data.proportions[1]!).toBeCloseTo(1, 10);
    // the data row is the classifier's uncertainty on the test points themselves: a few near the boundary
    const clf = trainLogistic(tr.x, 200, 2, tr.y);
    expect(v.data.value).toBeCloseTo(sampleUncertainty(clf, tr.x, 200, 0.8), 10);
  });
});

describe("sample metrics", () => {
  it("uncertainty, class shares, region mass, active dims", () => {
    const tr = blobs(200, 31, false);
    const clf = trainLogistic(tr.x, 200, 2, tr.y);
    // points far on each side are confident; points on the boundary x₀ = 0 are not
    const s = rows([[-3, 0], [-3, 1], [3, 0], [0, 0.5]]);
    expect(sampleUncertainty(clf, s, 4, 0.8)).toBeCloseTo(0.25, 10);
    expect(classProportions(clf, rows([[-3, 0], [-3, 1], [3, 0], [4, 0]]), 4)).toEqual([0.5, 0.5]);
    expect(regionMass(rows([[0, 0], [0.5, 0], [2, 2], [0, -1]]), 4, [0, 0], 1)).toBe(0.75);
    const a = activeDims(rows([[1, 0, 0.001], [-1, 0, -0.001], [2, 0, 0]]), 3, 3, 0.01);
    expect(a.count).toBe(1);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3);
  });
});

describe("IWAE NLL on a linear-Gaussian model (log p(x) in closed form)", () => {
  // y ~ N(0, 1), x | y ~ N(w·y + b, σ²I) in 2-D → x ~ N(b, wwᵀ + σ²I). The encoder is fixed at
  // q(y|x) = N(0, 1) (the prior), a poor proposal, so the IWAE bound is loose at K = 1 and tightens.
  const w = [1.5, -0.8];
  const bias = [0.3, 0.1];
  const sigma = 0.5;
  function logpx(x: number[]): number {
    const c = [[w[0]! * w[0]! + sigma ** 2, w[0]! * w[1]!], [w[0]! * w[1]!, w[1]! * w[1]! + sigma ** 2]];
    const det = c[0]![0]! * c[1]![1]! - c[0]![1]! * c[1]![0]!;
    const d = [x[0]! - bias[0]!, x[1]! - bias[1]!];
    const q = (c[1]![1]! * d[0]! ** 2 - 2 * c[0]![1]! * d[0]! * d[1]! + c[0]![0]! * d[1]! ** 2) / det;
    return -Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * q;
  }

  it("decreases towards −log p(x) as K grows", () => {
    const ir = mlpVae({ data: [2], hidden: [], latent: 1, likelihood: { kind: "gaussian", sigma } });
    ir.data.range = null;
    const m = buildModel(ir, 1);
    models.push(m);
    m.variables.get("encoder/dense_0/kernel")!.assign(tf.zeros([2, 2]));
    m.variables.get("encoder/dense_0/bias")!.assign(tf.zeros([2]));
    m.variables.get("decoder/dense_0/kernel")!.assign(tf.tensor2d([w], [1, 2]));
    m.variables.get("decoder/dense_0/bias")!.assign(tf.tensor1d(bias));
    const pts = [[0.5, 0.2], [2, -1], [-1.5, 1], [0.3, 0.1], [3, -1.8], [-0.5, -0.5], [1, 1], [-2, 1.2]];
    const ds = makeDataset(Float32Array.from(pts.flat()), [2], null);
    const truth = -pts.reduce((s, p) => s + logpx(p), 0) / pts.length;
    const nll = (k: number) => {
      let s = 0;
      for (let seed = 1; seed <= 8; seed++) s += iwaeNll(m, ds, { k, seed }).nll;
      return s / 8;
    };
    const gaps = [1, 10, 100, 2000].map((k) => nll(k) - truth);
    expect(gaps[0]).toBeGreaterThan(0.5);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeLessThan(gaps[i - 1]!);
    expect(Math.abs(gaps[3]!)).toBeLessThan(0.05);
    // through the IR's evaluate metric
    const v = computeMetric(metricIR("iwae_nll", { k: 2000, points: 8 }), { model: m, train: ds, test: ds, seed: 3, batch: 4 }) as { value: number; points: number };
    expect(v.points).toBe(8);
    expect(Math.abs(v.value - truth)).toBeLessThan(0.1);
  });
});

describe("learned proportions", () => {
  it("split_learned: Φ(b) with b = 8·sigmoid(u) − 4; clusters_learned: softmax(logits); otherwise a note", async () => {
    const { learnedSplit } = await import("../../../runtime/metrics/evaluate");
    const fake = (id: string, v: number[], shape: number[]) =>
      ({ ir: { params: [{ id, shape, init: { kind: "zeros" }, at: AT }] }, variables: new Map([[id, tf.variable(tf.tensor(v, shape))]]) }) as unknown as CompiledModel;
    const s = learnedSplit(fake("mapping/split_learned/u", [0], [])) as { learned: { b: number; proportions: number[] } };
    expect(s.learned.b).toBeCloseTo(0, 10);
    expect(s.learned.proportions[0]).toBeCloseTo(0.5, 6);
    const u = Math.log(5 / 3); // sigmoid(u) = 5/8 → b = 1
    const s1 = learnedSplit(fake("mapping/split_learned/u", [u], [])) as { learned: { b: number; proportions: number[] } };
    expect(s1.learned.b).toBeCloseTo(1, 5);
    expect(s1.learned.proportions[0]).toBeCloseTo(0.8413447, 5);
    const c = learnedSplit(fake("mapping/clusters_learned/logits", [0, Math.log(3)], [2])) as { learned: { proportions: number[] } };
    expect(c.learned.proportions[0]).toBeCloseTo(0.25, 6);
    expect(learnedSplit(fake("mapping/other", [1], [1]))).toHaveProperty("learned_note");
  });
});

describe("fid_small: Fréchet distance", () => {
  it("matches the closed form for Gaussians, is 0 for identical sets, and pools images", async () => {
    const { frechetFromStats, frechetDistance, symEigen } = await import("../../../runtime/metrics/fid");
    const { poolFeatures } = await import("../../../runtime/metrics/evaluate");
    // diagonal: ‖Δμ‖² + Σ (s₁ + s₂ − 2√(s₁s₂))
    const d = 3;
    const diag = (v: number[]) => Float64Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? v[i / (d + 1)]! : 0));
    const fd = frechetFromStats(Float64Array.from([0, 1, 2]), diag([1, 4, 9]), Float64Array.from([1, 1, 0]), diag([4, 4, 1]), d);
    expect(fd).toBeCloseTo(1 + 4 + (1 + 4 - 4) + 0 + (9 + 1 - 6), 8);
    // a rotated (non-diagonal) pair: FD(N(0, Σ), N(0, Σ)) = 0 and eigen decomposition reconstructs Σ
    const s = Float64Array.from([2, 0.5, 0.1, 0.5, 1, 0.3, 0.1, 0.3, 0.7]);
    expect(frechetFromStats(new Float64Array(3), s, new Float64Array(3), s, 3)).toBeCloseTo(0, 8);
    const { values } = symEigen(s, 3);
    expect(values.reduce((p, q) => p + q, 0)).toBeCloseTo(3.7, 10);
    const r = mulberry32(1);
    const x = Float32Array.from({ length: 400 * 4 }, () => r());
    expect(frechetDistance(x, 400, x, 400, 4)).toBeCloseTo(0, 6);
    const shifted = x.map((v) => v + 1);
    expect(frechetDistance(x, 400, shifted, 400, 4)).toBeCloseTo(4, 4);
    const pool = poolFeatures([28, 28, 1], 128)!;
    expect(pool.dim).toBe(100); // 3×3 blocks, the last row/column of blocks partial (28 = 9·3 + 1)
    expect(poolFeatures([28, 28, 1], 49)!.dim).toBe(49); // 4×4
    expect(Array.from(pool.apply(new Float32Array(784).fill(0.5), 1)).every((v) => Math.abs(v - 0.5) < 1e-6)).toBe(true);
    expect(poolFeatures([784], 128)!.dim).toBe(100); // a flattened 28×28 image
    expect(poolFeatures([785], 128)).toBeNull();
    expect(poolFeatures([2], 128)!.dim).toBe(2);
  });
});

describe("the metric registry", () => {
  it("implements exactly the compiler's metrics", () => {
    expect([...RUNTIME_METRICS].sort()).toEqual(builtinsIn("metric").map((b) => b.name).sort());
  });
  it("reads defaults from the IR only: a missing argument is an internal error naming it", () => {
    const m = buildModel(mlpVae({ data: [2], hidden: [], latent: 1, likelihood: { kind: "gaussian", sigma: 0.5 } }), 1);
    models.push(m);
    const ds = makeDataset(Float32Array.from([0, 0, 1, 1]), [2], null);
    expect(() => computeMetric({ name: "active_dims", args: { z: "z" }, at: AT }, { model: m, train: ds, test: ds, seed: 1, batch: 2 })).toThrow(/active_dims's argument 'threshold' is undefined/);
    expect(() => computeMetric({ name: "no_such", args: {}, at: AT }, { model: m, train: ds, test: ds, seed: 1, batch: 2 })).toThrow(/no runtime implementation/);
  });
});
