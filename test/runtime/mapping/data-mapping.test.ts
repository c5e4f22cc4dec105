// A mapping conditioned on the data, z = g(y, x) (IV5090): the lowering gives it one `data` node, the
// runtime feeds it the datapoints of y's rows (tiled like y when there are several samples per
// datapoint), and sampling from the prior is refused.
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSource } from "../../../compiler/compile";
import { MappingNeedsDataError } from "../../../runtime/mapping/graph";
import { buildModel } from "../../../runtime/model/build";
import type { CompiledModel } from "../../../runtime/model/compiled";
import { useTestBackend } from "../model/gradcheck";

beforeAll(useTestBackend);
const models: CompiledModel[] = [];
afterAll(() => models.forEach((m) => m.dispose()));

const SIGMA = 0.2;
// z = 10⁻⁶·y + x (y must reach z: IV4002), and a linear decoder set to the identity below: p(x | z) = N(x; x, σ²) exactly when
// every row of z is its own datapoint's, whatever y is
const spec = (objective: string) => `
network enc(x: Real[2]) -> Real[4] { dense(4) }
network dec(z: Real[2]) -> Real[2] { dense(2) }
bias copy_data(y: Real[2], x: Real[2]) -> Real[2] { return 1e-6 * y + x }
model m {
  data x : Real[2] ~ ring(n: 40)
  encoder q(y | x) = enc()
  intermediary y : Real[2] ~ Normal(0, I)
  mapping z = copy_data(y, x)
  decoder p(x | z) : Gaussian(sigma: ${SIGMA}) = dec()
  objective ${objective}
}
`;

function model(objective: string): CompiledModel {
  const r = compileSource(spec(objective), { file: "test/runtime/mapping/m.intel" });
  expect(r.check.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  expect(r.check.diagnostics.map((d) => d.code)).toContain("IV5090");
  const m = buildModel(r.ir!, 1);
  models.push(m);
  m.variables.get("decoder/dense_0/kernel")!.assign(tf.eye(2));
  m.variables.get("decoder/dense_0/bias")!.assign(tf.zeros([2]));
  return m;
}

const X = () => tf.tensor2d([[1, 2], [-3, 0.5], [0.25, -1], [4, 4], [-2, -2]]);
/** −log N(x; x, σ²) summed over 2 coordinates */
const RECON = 2 * (Math.log(SIGMA) + 0.5 * Math.log(2 * Math.PI));

describe("a mapping that reads x", () => {
  it("lowers to a `data` node of the data's shape, right after y's input", () => {
    const r = compileSource(spec("elbo()"), { file: "test/runtime/mapping/m.intel" });
    expect(r.ir!.mapping.nodes[1]).toMatchObject({ op: "data", inputs: [], shape: [2] });
    expect(r.ir!.mapping.nodes.filter((n) => n.op === "data")).toHaveLength(1);
  });

  it("sees each row's own datapoint: one sample, several samples (tiled), and IWAE's K samples", () => {
    for (const objective of ["elbo()", "elbo(samples: 3)", "iwae(k: 4)"]) {
      const m = model(objective);
      const t = m.loss(X(), 7, false);
      expect(Math.abs(t.recon.dataSync()[0]! - RECON), objective).toBeLessThan(1e-4);
      tf.dispose([t.loss, t.recon, t.kl]);
    }
  });

  it("IWAE(K = 50) gives every one of the K samples its own datapoint", () => {
    const m = model("elbo()");
    // a zero encoder makes q(y|x) = N(0, I) = p(y), so every log p(y_k)/q(y_k|x) is 0 and the bound
    // is log p(x | z) = −RECON exactly for aligned rows; if only sample 0 were aligned, the others'
    // (Δx/σ)²/2 ≥ 12 nats would drop it to about −RECON − log 50 = −RECON − 3.9
    for (const [id, v] of m.variables) if (id.startsWith("encoder/")) v.assign(tf.zerosLike(v));
    const bound = Array.from(m.iwae(X(), 50, 3).dataSync());
    for (const v of bound) expect(Math.abs(v + RECON)).toBeLessThan(1e-3);
  });

  it("cannot sample: z needs a datapoint", () => {
    const m = model("elbo()");
    expect(() => m.sample(3, 1)).toThrow(MappingNeedsDataError);
    expect(() => m.map(tf.zeros([2, 2]) as tf.Tensor2D, false)).toThrow(/reads the data x/);
  });
});
