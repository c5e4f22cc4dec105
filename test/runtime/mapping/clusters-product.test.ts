// clusters_product against the prelude's `clusters` applied plane by plane (both compiled from a
// spec and run by the interpreter): the same values and the same gradients; and autodiff against
// finite differences away from the sector boundaries (where g has kinks).
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileSource } from "../../../compiler/compile";
import type { GraphIR } from "../../../compiler/ir/types";
import { clustersProduct } from "../../../runtime/mapping/clusters";
import { GraphEvaluator } from "../../../runtime/mapping/graph";
import { gradCheck, rng, useTestBackend } from "../model/gradcheck";
import { tinySpec } from "../../tiny-spec";

beforeAll(useTestBackend);

const spec = (d: number, mapping: string) => tinySpec({ d, mapping });

function mappingOf(d: number, mapping: string): GraphIR {
  const { ir, check } = compileSource(spec(d, mapping), { file: "clusters-product.intel" });
  expect(check.diagnostics.filter((x) => x.severity === "error")).toEqual([]);
  return ir!.mapping;
}

const run = (g: GraphIR, y: tf.Tensor): tf.Tensor => {
  const ev = new GraphEvaluator(g);
  return ev.run(y, { params: new Map(), training: false, seed: 1, apply: () => { throw new Error("no networks here"); } }).z;
};

/** Points whose angle in each plane lies within ±frac·w of its sector's middle (offset π/2), radius in [0.7, 1.5]. */
function centred(seed: number, b: number, d: number, ks: number[], frac = 0.3): number[][] {
  const r = rng(seed);
  return Array.from({ length: b }, () => {
    const row = Array.from({ length: d }, () => 3 * r() - 1.5);
    ks.forEach((k, i) => {
      const w = (2 * Math.PI) / k;
      const theta = Math.PI / 2 + (Math.floor(r() * k) + 0.5 + frac * (2 * r() - 1)) * w;
      const rad = 0.7 + 0.8 * r();
      row[2 * i] = rad * Math.cos(theta);
      if (2 * i + 1 < d) row[2 * i + 1] = rad * Math.sin(theta);
      else row[2 * i] = (r() < 0.5 ? -1 : 1) * rad; // a lone last dim (k = 2): any sign
    });
    return row;
  });
}

// [name, D, ks, extra settings, the same written with the prelude's clusters per plane]
const CASES: [string, number, number[], string, string][] = [
  ["ks [3, 2], D = 5", 5, [3, 2], "", "concat(clusters(y[0:2], k: 3), clusters(y[2:4], k: 2), y[4:])"],
  ["ks [4, 2], D = 3 (last factor on one dim)", 3, [4, 2], "", "concat(clusters(y[0:2], k: 4), clusters(y[2:3], k: 2))"],
  ["ks [5, 3], c1 2, c2 0.5, eps 1e-4", 4, [5, 3], ", c1: 2, c2: 0.5, eps: 1e-4", "concat(clusters(y[0:2], k: 5, c1: 2, c2: 0.5, eps: 1e-4), clusters(y[2:4], k: 3, c1: 2, c2: 0.5, eps: 1e-4))"],
  ["ks [2], D = 1", 1, [2], "", "clusters(y, k: 2)"],
];

describe("clusters_product = the prelude's clusters per plane", () => {
  it.each(CASES)("%s: values (1e-5) and gradients", (_n, d, ks, extra, perPlane) => {
    const built = mappingOf(d, `clusters_product(y, ks: [${ks.join(", ")}]${extra})`);
    const lang = mappingOf(d, perPlane);
    expect(built.nodes.filter((n) => n.op === "builtin").map((n) => n.attrs!.fn)).toEqual(["clusters_product"]);
    // general points (boundaries included: both sides compute the same formula) and the origin
    const r = rng(3);
    const rows = Array.from({ length: 64 }, () => Array.from({ length: d }, () => 4 * r() - 2));
    rows.push(new Array<number>(d).fill(0));
    const y = tf.tensor2d(rows);
    const [a, b] = tf.tidy(() => [run(built, y).arraySync() as number[][], run(lang, y).arraySync() as number[][]]);
    let worst = 0;
    a!.forEach((row, i) => row.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - b![i]![j]!)))));
    expect(worst).toBeLessThan(1e-5);
    expect(a!.flat().every(Number.isFinite)).toBe(true);
    // gradients of Σ z·w agree too, away from the boundaries
    const yc = tf.tensor2d(centred(9, 16, d, ks));
    const w = tf.tensor2d(rows.slice(0, 16));
    const grad = (g: GraphIR) => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(run(g, t), w)))(yc).arraySync() as number[][]);
    const ga = grad(built).flat();
    const gb = grad(lang).flat();
    ga.forEach((x, i) => expect(Math.abs(x - gb[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(x))));
    [y, yc, w].forEach((t) => t.dispose());
  });

  it("moves only the planes listed in ks: dims past them are untouched", () => {
    const y = tf.tensor2d([[0.3, -0.4, 0.7, 0.1, -1.2, 2.5]]);
    const z = tf.tidy(() => clustersProduct(y, { ks: [3, 3], c1: 5, c2: 0.2, eps: 1e-6 }).arraySync()[0]!);
    expect(z.slice(4)).toEqual([-1.2, 2.5].map(Math.fround));
    expect(Math.hypot(z[0]! - 0.3, z[1]! + 0.4)).toBeGreaterThan(1); // pushed ≈ 5·dis^0.2
    y.dispose();
  });

  it("autodiff = central finite differences away from sector boundaries", () => {
    for (const [d, ks] of [[4, [3, 2]], [5, [6, 4]], [3, [3, 2]]] as [number, number[]][]) {
      const y = tf.variable(tf.tensor2d(centred(17, 4, d, ks)));
      const r = rng(4);
      const w = tf.tensor2d(Array.from({ length: 4 }, () => Array.from({ length: d }, () => 2 * r() - 1)));
      const f = () => tf.tidy(() => tf.sum(tf.mul(clustersProduct(y as tf.Variable<tf.Rank.R2>, { ks, c1: 5, c2: 0.2, eps: 1e-6 }), w)) as tf.Scalar);
      const res = gradCheck(f, [y], { h: 5e-3 });
      expect(res.mismatches).toEqual([]);
      expect(res.checked).toBe(4 * d);
      y.dispose();
      w.dispose();
    }
  });

  it("the lowering rejects ks it cannot place", () => {
    const errs = (d: number, m: string) => compileSource(spec(d, m), { file: "c.intel" }).check.diagnostics.filter((x) => x.severity === "error").map((x) => x.message);
    expect(errs(3, "clusters_product(y, ks: [3, 3])").join("\n")).toMatch(/D ≥ 4, but D = 3/);
    expect(errs(2, "clusters_product(y, ks: [1])").join("\n")).toMatch(/integers ≥ 2/);
    expect(errs(3, "clusters_product(y, ks: [3, 2])")).toEqual([]);
  });
});
