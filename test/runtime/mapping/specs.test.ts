// clusters_product and sylvester_flow from a spec: checked without errors, lowered with the
// parameters the runtime reads, built by buildModel and trained 3 Adam steps with a finite loss.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { checkSource } from "../../../compiler/check";
import { compileSource } from "../../../compiler/compile";
import { buildModel } from "../../../runtime/model/build";
import { rng, useTestBackend } from "../model/gradcheck";
import { tinySpec } from "../../tiny-spec";

beforeAll(useTestBackend);

const spec = (d: number, mapping: string) => tinySpec({ d, mapping, data: "x : Real[4] ~ gaussian_clusters(dim: 4)", hidden: 8 });

const FILE = "test/runtime/mapping/spec.intel";

// [mapping, dim of y, the mapping parameters' "id [shape] init" it lowers to]
const CASES: [string, number, string[]][] = [
  ["clusters_product(y, ks: [3, 2])", 4, []],
  ["clusters_product(y, ks: [2, 2, 2], c1: 3)", 5, []],
  [
    "sylvester_flow(y, layers: 2)",
    3,
    [0, 1].flatMap((l) => [`layer_${l}/q [3,3] normal`, `layer_${l}/r1 [3,3] normal`, `layer_${l}/r2 [3,3] normal`, `layer_${l}/b [3] zeros`].map((s) => `mapping/sylvester_flow/${s}`)),
  ],
  ["sylvester_flow(y, layers: 1, rank: 2)", 4, ["q [2,4] normal", "r1 [2,2] normal", "r2 [2,2] normal", "b [2] zeros"].map((s) => `mapping/sylvester_flow/layer_0/${s}`)],
  ["sylvester_flow(y, layers: 1, kind: \"triangular\")", 3, ["r1 [3,3] normal", "r2 [3,3] normal", "b [3] zeros"].map((s) => `mapping/sylvester_flow/layer_0/${s}`)],
  ["sylvester_flow(y, layers: 1, kind: \"householder\")", 2, ["q [2,2] normal", "r1 [2,2] normal", "r2 [2,2] normal", "b [2] zeros"].map((s) => `mapping/sylvester_flow/layer_0/${s}`)],
];

describe("built-in mappings from a spec: check, lower, build, train", () => {
  it.each(CASES)("%s", (mapping, d, params) => {
    const text = spec(d, mapping);
    expect(checkSource(text, { file: FILE }).diagnostics.filter((x) => x.severity === "error")).toEqual([]);
    const { ir, check } = compileSource(text, { file: FILE });
    expect(check.diagnostics.filter((x) => x.severity === "error")).toEqual([]);
    expect(ir!.mapping.nodes.filter((n) => n.op === "builtin").map((n) => n.attrs!.fn)).toEqual([mapping.split("(")[0]]);
    expect(ir!.params.filter((p) => p.id.startsWith("mapping/")).map((p) => `${p.id} [${p.shape}] ${p.init.kind}`)).toEqual(params);

    const model = buildModel(ir!, 3);
    const r = rng(8);
    const x = tf.tensor2d(Array.from({ length: 16 * 4 }, () => 4 * r() - 2), [16, 4]);
    const vars = [...model.variables.values()].filter((v) => v.trainable);
    const mappingVars = ir!.params.filter((p) => p.id.startsWith("mapping/")).map((p) => model.variables.get(p.id)!);
    const before = mappingVars.map((v) => v.dataSync().slice());
    const opt = tf.train.adam(1e-2);
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) {
      const loss = opt.minimize(() => model.loss(x, 100 + step, true).loss, true, vars)!;
      losses.push(loss.dataSync()[0]!);
      loss.dispose();
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[2]).not.toBe(losses[0]);
    // every mapping parameter moved: each gets a gradient through the loss
    mappingVars.forEach((v, i) => expect(Array.from(v.dataSync()).some((x, j) => x !== before[i]![j]), v.name).toBe(true));
    opt.dispose();
    x.dispose();
    model.dispose();
  });

  it("the lowering rejects a rank it cannot honour", () => {
    const errs = (m: string) => compileSource(spec(3, m), { file: FILE }).check.diagnostics.filter((x) => x.severity === "error").map((x) => x.message);
    expect(errs("sylvester_flow(y, rank: 4)").join("\n")).toMatch(/rank must be an integer in \[1, 3\]/);
    expect(errs('sylvester_flow(y, rank: 2, kind: "triangular")').join("\n")).toMatch(/rank M = D = 3/);
    expect(errs('sylvester_flow(y, kind: "diagonal")').length).toBeGreaterThan(0);
  });
});
