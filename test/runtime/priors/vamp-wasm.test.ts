// The VampPrior encodes its learnable pseudo-inputs with the model's encoder, so the encoder must
// pass gradients back to its input for them. On wasm the dense layers run as one fused chain that
// skips the input's gradient for data; this pins that pseudo-inputs still get theirs, equal to cpu's.
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { compileSource } from "../../../compiler/compile";
import { buildModel } from "../../../runtime/model/build";
import { tinySpec } from "../../tiny-spec";
import { use } from "../helpers";

const PSEUDO = "prior/pseudo_inputs";

async function pseudoInputGradient(backend: "cpu" | "wasm"): Promise<number[]> {
  await use(backend);
  const { ir } = compileSource(tinySpec({ prior: "VampPrior(k: 5)", hidden: 8, data: "x : Real[4] ~ gaussian_clusters(dim: 4)" }), { file: "vamp.intel" });
  const model = buildModel(ir!, 7);
  try {
    const x = tf.tidy(() => tf.randomNormal([6, 4], 0, 1, "float32", 11));
    const u = model.variables.get(PSEUDO)!;
    const { grads, value } = tf.variableGrads(() => model.loss(x, 5, true).loss, [u]);
    const g = Array.from(grads[u.name]!.dataSync());
    tf.dispose([x, value, grads]);
    return g;
  } finally {
    model.dispose();
  }
}

describe("VampPrior pseudo-inputs on the fused dense chain", () => {
  afterAll(() => use("cpu"));

  it("get the same gradient on wasm as on cpu", async () => {
    const cpu = await pseudoInputGradient("cpu");
    const wasm = await pseudoInputGradient("wasm");
    expect(cpu.some((v) => Math.abs(v) > 1e-6)).toBe(true);
    expect(wasm).toHaveLength(cpu.length);
    const scale = Math.max(...cpu.map(Math.abs));
    for (let i = 0; i < cpu.length; i++) expect(Math.abs(wasm[i]! - cpu[i]!)).toBeLessThan(1e-3 * scale + 1e-6);
  });
});
