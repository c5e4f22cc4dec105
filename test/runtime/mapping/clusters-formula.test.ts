// Every cluster mapping against the paper's formula z = y + c₁·dis(y)^c₂·r(y), written here
// independently in float64, at fixed points away from the sector boundaries (dis ≥ 1e-3): the maps
// must be exact there (an earlier guard (dis + ε)^c₂ − ε^c₂ shifted every push by c₁·ε^c₂ ≈ 0.32).
// Sectors start at π/2 in every map, so clusters_learned at its initial (equal) widths is clusters.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileSource } from "../../../compiler/compile";
import { buildModel } from "../../../runtime/model/build";
import { rng, useTestBackend } from "../model/gradcheck";
import { tinySpec } from "../../tiny-spec";

beforeAll(useTestBackend);

const OFFSET = Math.PI / 2;

/** the paper's K-sector push of one plane (u, v), sectors from OFFSET; also returns dis */
function sectorFormula(u: number, v: number, k: number, c1: number, c2: number): { z: [number, number]; dis: number } {
  const w = (2 * Math.PI) / k;
  let theta = Math.atan2(v, u) - OFFSET;
  theta -= 2 * Math.PI * Math.floor(theta / (2 * Math.PI)); // [0, 2π)
  const sector = Math.floor(theta / w);
  const gap = Math.min(theta - sector * w, (sector + 1) * w - theta);
  const dis = Math.hypot(u, v) * Math.sin(gap);
  const mid = OFFSET + (sector + 0.5) * w;
  const push = c1 * dis ** c2;
  return { z: [u + push * Math.cos(mid), v + push * Math.sin(mid)], dis };
}

/** split_learned at its initial split point b = 8·sigmoid(0) − 4 = 0 */
function splitFormula(y0: number, c1: number, c2: number): number {
  return y0 + c1 * Math.sign(y0) * Math.abs(y0) ** c2;
}

function mapOf(d: number, mapping: string, y: number[][]): number[][] {
  const { ir, check } = compileSource(tinySpec({ d, mapping }), { file: "clusters-formula.intel" });
  expect(check.diagnostics.filter((x) => x.severity === "error")).toEqual([]);
  const model = buildModel(ir!, 1);
  const out = tf.tidy(() => model.map(tf.tensor2d(y), false).z.arraySync() as number[][]);
  model.dispose();
  return out;
}

/** points of radius 0.3–3 in the plane whose distance to every boundary ray is ≥ 1e-3 */
function planePoints(k: number, n: number, seed: number, extra = 0): number[][] {
  const r = rng(seed);
  const rows: number[][] = [];
  while (rows.length < n) {
    const rad = 0.3 + 2.7 * r();
    const a = 2 * Math.PI * r();
    const row = [rad * Math.cos(a), rad * Math.sin(a), ...Array.from({ length: extra }, () => 4 * r() - 2)];
    if (sectorFormula(row[0]!, row[1]!, k, 5, 0.2).dis >= 1e-3) rows.push(row);
  }
  return rows;
}

const worst = (a: number[][], b: number[][]) => Math.max(...a.flatMap((row, i) => row.map((x, j) => Math.abs(x - b[i]![j]!))));

describe("cluster mappings equal the paper's formula away from the boundaries", () => {
  it.each([
    ["clusters, K = 2", 2, 2, "clusters(y)", 5, 0.2],
    ["clusters, K = 3", 3, 3, "clusters(y, k: 3)", 5, 0.2],
    ["clusters, K = 4", 4, 2, "clusters(y, k: 4)", 5, 0.2],
    ["clusters, K = 3, c₂ = 0.5, c₁ = 2", 3, 2, "clusters(y, k: 3, c1: 2, c2: 0.5)", 2, 0.5],
    ["clusters_learned (initial equal widths), K = 3", 3, 3, "clusters_learned(y, k: 3)", 5, 0.2],
    ["clusters_learned (initial equal widths), K = 4", 4, 2, "clusters_learned(y, k: 4)", 5, 0.2],
    ["clusters_product, ks [3]", 3, 3, "clusters_product(y, ks: [3])", 5, 0.2],
  ])("%s", (_name, k, d, mapping, c1, c2) => {
    const y = planePoints(k, 200, 7 + k, d - 2);
    const want = y.map((row) => [...sectorFormula(row[0]!, row[1]!, k, c1, c2).z, ...row.slice(2)]);
    expect(worst(mapOf(d, mapping, y), want)).toBeLessThan(1e-4);
  });

  it("clusters_product, ks [3, 4]: each plane by the formula", () => {
    const a = planePoints(3, 100, 21);
    const b = planePoints(4, 100, 22);
    const y = a.map((row, i) => [...row, ...b[i]!]);
    const want = y.map((row) => [...sectorFormula(row[0]!, row[1]!, 3, 5, 0.2).z, ...sectorFormula(row[2]!, row[3]!, 4, 5, 0.2).z]);
    expect(worst(mapOf(4, "clusters_product(y, ks: [3, 4])", y), want)).toBeLessThan(1e-4);
  });

  it.each([
    ["split_learned, c₂ = 0.2", "split_learned(y)", 0.2],
    ["split_learned, c₂ = 0.5 (the official Table 3 setting)", "split_learned(y, c2: 0.5)", 0.5],
  ])("%s (1-D and 2-D)", (_name, mapping, c2) => {
    const r = rng(31);
    const y0 = Array.from({ length: 100 }, () => (r() < 0.5 ? -1 : 1) * (1e-3 + 3 * r()));
    const one = mapOf(1, mapping, y0.map((v) => [v]));
    expect(worst(one, y0.map((v) => [splitFormula(v, 5, c2)]))).toBeLessThan(1e-4);
    const two = mapOf(2, mapping, y0.map((v, i) => [v, i / 50 - 1]));
    expect(worst(two, y0.map((v, i) => [splitFormula(v, 5, c2), i / 50 - 1]))).toBeLessThan(1e-4);
  });

  it("the guard: continuous and finite at and near a boundary, 0 push on it", () => {
    // points on the K = 2 boundary (u = 0) and within ε of it: the push is at most c₁·ε^c₂
    const y = [[0, 1], [1e-7, 1], [-1e-7, -2], [5e-7, 0.5], [0, 0]];
    const z = mapOf(2, "clusters(y)", y);
    expect(z.flat().every(Number.isFinite)).toBe(true);
    z.forEach((row, i) => expect(Math.abs(row[0]! - y[i]![0]!)).toBeLessThanOrEqual(5 * 1e-6 ** 0.2 + 1e-6));
    expect(z[0]).toEqual([0, 1]);
    expect(z[4]).toEqual([0, 0]);
  });
});
