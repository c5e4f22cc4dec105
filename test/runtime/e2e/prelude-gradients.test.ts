// Finite differences against autodiff for every mapping of the prelude, compiled from a spec and run
// by the interpreter: the whole ELBO's gradient w.r.t. the mapping's parameters and the encoder head
// bias (which moves y, so the gradient through g(y) is checked too). cpu backend, fixed seed.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileSource } from "../../../compiler/compile";
import { buildModel } from "../../../runtime/model/build";
import { gradCheck, rng, useTestBackend } from "../model/gradcheck";
import { tinySpec } from "../../tiny-spec";

// [name, dim of y, mapping, step]. The step is 1e-3 (float32 rounding of the loss stays below the
// tolerance, kinks of the ReLU networks are rarely crossed); sparse_penalty's entropy of |y| has a
// curvature of order 1/s at small shares s, so it needs a smaller one.
const CASES: [string, number, string, number?][] = [
  ["identity", 3, "identity(y)"],
  ["circle", 2, "circle(y)"],
  ["infinity", 2, "infinity(y)"],
  ["clusters (K = 2)", 2, "clusters(y)"],
  ["clusters (K = 4)", 2, "clusters(y, k: 4)"],
  ["split_learned", 2, "split_learned(y)"],
  ["clusters_learned", 2, "clusters_learned(y)"],
  ["sparse", 4, "sparse(y, gamma: 30)"],
  ["sparse_penalty", 4, "sparse_penalty(y, gamma: 30)", 1e-4],
  ["hierarchy2", 4, "hierarchy2(y, first: 2)"],
  ["linear_learned", 3, "linear_learned(y)"],
  ["hierarchy (built-in)", 4, "hierarchy(y, splits: [2, 2])"],
];

const spec = (d: number, mapping: string) => tinySpec({ d, mapping });

beforeAll(useTestBackend);

describe("prelude mappings: finite differences of the ELBO", () => {
  it.each(CASES)("%s", (_name, d, mapping, h = 1e-3) => {
    const { ir, check } = compileSource(spec(d, mapping), { file: "gradients.intel" });
    expect(check.diagnostics.filter((x) => x.severity === "error")).toEqual([]);
    const model = buildModel(ir!, 11);
    const r = rng(5);
    const x = tf.tensor2d(Array.from({ length: 16 }, () => 4 * r() - 2), [8, 2]);
    const vars = [...model.variables.entries()].filter(([id]) => id.startsWith("mapping/") || id === "encoder/head/bias").map(([, v]) => v);
    const { mismatches, checked } = gradCheck(() => model.loss(x, 123, false).loss, vars, { h, atol: 5e-3, rtol: 2e-2 });
    expect(checked).toBeGreaterThanOrEqual(d);
    expect(mismatches).toEqual([]);
    x.dispose();
    model.dispose();
  });
});
