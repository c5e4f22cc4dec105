// The hard one-hot samples on the wasm backend (the CLI's default where tfjs-node is absent): tfjs's
// float oneHot gives all zeros there, so `intel sample` drew the zero vector. They must be one-hot,
// and the same draws as cpu's for the same seed.
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { CategoricalPrior } from "../../../runtime/latents/categorical";
import { use } from "../helpers";

const ir = { kind: "categorical", groups: 2, classes: 4, logPrior: [0.1, 0.2, 0.3, 0.4].map(Math.log), temperature: [1, 0.5], straightThrough: true, kl: "analytic" } as const;

async function draws(backend: "cpu" | "wasm"): Promise<{ prior: number[][]; st: number[][] }> {
  await use(backend);
  const p = new CategoricalPrior({ ...ir, logPrior: [...ir.logPrior], temperature: [...ir.temperature] });
  try {
    return tf.tidy(() => {
      const q = p.posterior(tf.tensor2d([[0.5, -1, 2, 0.1, -0.3, 0.3, 0, 1.2]]));
      return { prior: p.sample(50, 9).arraySync(), st: p.elbo(q, tf.zeros([1, 8]) as tf.Tensor2D, { seed: 3, chunk: 0 }).y.arraySync() };
    });
  } finally {
    p.dispose();
  }
}

describe("categorical hard samples on wasm", () => {
  afterAll(() => use("cpu"));
  it("are one-hot per group, and the same as cpu's", async () => {
    const wasm = await draws("wasm");
    const cpu = await draws("cpu");
    for (const row of [...wasm.prior, ...wasm.st]) {
      expect(row.slice(0, 4).reduce((a, b) => a + b, 0)).toBe(1);
      expect(row.slice(4).reduce((a, b) => a + b, 0)).toBe(1);
    }
    expect(wasm.prior).toEqual(cpu.prior);
    expect(wasm.st).toEqual(cpu.st);
  });
});
