// soft_intro on the wasm backend: its fast dense chain (runtime/ops/dense.ts) skips the input's
// gradient for data, and both players re-encode decodings (x_r, x_f), which lie on the tape's path
// from the weights. Both players' gradients through that chain must equal tfjs's own autodiff on
// the same backend (the same random draws); before the fix the chain threw a shape error
// ("gradient of input '0' has shape ''").
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { compileSource } from "../../../compiler/compile";
import { forceRoutes } from "../../../runtime/backend/routes";
import { selectBackend } from "../../../runtime/backend/select";
import { buildModel } from "../../../runtime/model/build";
import { GroupedOptimizer } from "../../../runtime/train/groups";
import { softIntroLosses } from "../../../runtime/train/schemes/soft-intro";
import { CLIP_SPEC as SPEC } from "../priors/clip-spec";


afterAll(async () => {
  forceRoutes("wasm", null);
  await selectBackend("cpu");
});

/** Both players' gradients, by parameter id, on one batch at the initial weights. */
function gradients(): Record<string, number[]> {
  const ir = compileSource(SPEC, { file: "tiny.intel" }).ir!;
  const model = buildModel(ir, 4);
  const opt = new GroupedOptimizer(ir.train.groups!, ir.train.optimizer.lr);
  opt.bind(model.variables);
  const x = tf.tensor2d([[2, 0.1], [-0.1, 1.9], [-2, 0], [0.05, -2.1]]);
  const scheme = ir.train.scheme as Parameters<typeof softIntroLosses>[0];
  const out: Record<string, number[]> = {};
  const byId = new Map([...model.variables].map(([id, v]) => [v.name, id]));
  const keep = (g: Record<string, tf.Tensor>) => {
    for (const [name, t] of Object.entries(g)) out[byId.get(name)!] = Array.from(t.dataSync());
    tf.dispose(Object.values(g));
  };
  let y!: tf.Tensor2D;
  const e = tf.variableGrads(() => {
    const r = softIntroLosses(scheme, model, x, 9).encoder();
    y = tf.keep(r.y);
    return r.loss;
  }, opt.variablesOf("encoder", model.variables));
  keep(e.grads);
  const d = tf.variableGrads(() => softIntroLosses(scheme, model, x, 9, y).decoder().loss, opt.variablesOf("decoder", model.variables));
  keep(d.grads);
  tf.dispose([e.value, d.value, x, y]);
  opt.dispose();
  model.dispose();
  return out;
}

describe("soft_intro on wasm", () => {
  it("gives autodiff's gradients for both players through the fast dense chain (the fakes' re-encoding differentiates its input)", async () => {
    await selectBackend("wasm");
    forceRoutes("wasm", { dense: "tfjs" });
    const plain = gradients();
    forceRoutes("wasm", null);
    const chain = gradients();
    expect(Object.keys(chain).sort()).toEqual(Object.keys(plain).sort());
    for (const id of ["encoder/dense_0/kernel", "decoder/dense_0/kernel", "prior/log_std"]) expect(Object.keys(plain)).toContain(id);
    for (const [id, g] of Object.entries(plain)) {
      const w = chain[id]!;
      g.forEach((v, i) => expect(Math.abs(w[i]! - v), `${id}[${i}]`).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
    }
  });
});
