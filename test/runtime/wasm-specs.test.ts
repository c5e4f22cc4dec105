// Every spec's model differentiates and evaluates on wasm, the CLI's default backend (the parity test
// runs on cpu): a kernel that wasm lacks (tf.gather's gradient needed UnsortedSegmentSum, which took
// grouped TC down mid-run) fails here, not hours into a reproduction. Per spec: the objective's
// gradients for every parameter on 4 seeded datapoints, IWAE(K = 3), and 2 samples where the model
// can sample. The paper's big conv nets are left to the parity test's slow set.
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelIR } from "../../compiler/ir/types";
import { buildModel } from "../../runtime/model/build";
import { mulberry32 } from "../../runtime/random/seeds";
import { isSlowConv, specModels } from "../spec-models";
import { use } from "./helpers";

const models = specModels(["specs"]).filter((m) => !isSlowConv(m.ir));

/** 4 datapoints in the data's range: [0, 1] for images, N(0, 1) otherwise. */
function batch(ir: ModelIR): tf.Tensor {
  const r = mulberry32(7);
  const n = 4 * ir.data.shape.reduce((a, b) => a * b, 1);
  const unit = ir.data.range !== null;
  return tf.tensor(Float32Array.from({ length: n }, () => (unit ? r() : 2 * r() - 1)), [4, ...ir.data.shape]);
}

beforeAll(() => use("wasm"));
afterAll(() => use("cpu"));

describe("every spec on wasm: gradients, IWAE and samples", () => {
  it("covers the specs", () => expect(models.length).toBeGreaterThan(40));
  for (const { path, ir } of models) {
    it(path, () => {
      const m = buildModel(ir, 1);
      try {
        const x = batch(ir);
        const vars = [...m.variables.values()].filter((v) => v.trainable);
        const { value, grads } = tf.variableGrads(() => m.loss(x, 3, true, { progress: 0.5 }).loss, vars);
        expect(Number.isFinite(value.dataSync()[0]!), "loss").toBe(true);
        // the decoder's parameters always get gradients (the prior's may not: REWO's first phase has no KL term)
        for (const v of vars.filter((v) => v.name.includes("decoder/"))) expect(grads[v.name], v.name).toBeDefined();
        for (const [name, g] of Object.entries(grads)) expect(Array.from(g.dataSync()).every(Number.isFinite), name).toBe(true);
        tf.dispose([value, ...Object.values(grads)]);
        const finite = (f: () => tf.Tensor) => tf.tidy(() => Array.from(f().dataSync()).every(Number.isFinite));
        expect(finite(() => m.iwae(x, 3, 5)), "iwae").toBe(true);
        if (!m.readsData) expect(finite(() => m.sample(2, 9)), "samples").toBe(true);
        x.dispose();
      } finally {
        m.dispose();
      }
    }, 60_000);
  }
});
