// Every spec whose prior the runtime implements builds with buildModel and gives a finite loss (and
// gradients) on a tiny random batch, on the cpu backend. Baselines with other priors lower but the
// runtime refuses them for now: that refusal is pinned here so that it is noticed when it changes.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile";
import type { ModelIR } from "../../compiler/ir/types";
import { buildModel } from "../../runtime/model/build";
import { intelFilesUnder } from "../golden";
import { useTestBackend } from "../runtime/model/gradcheck";

beforeAll(useTestBackend);

/** Baselines whose prior the runtime does not implement yet (runtime/model/build.ts checkIR). */
const REFUSED: Record<string, string> = {
  "specs/paper/circle-vamp.intel": "vamp",
  "specs/paper/fashion-vsc.intel": "spike_slab",
  "specs/paper/two-gaussians-mog.intel": "mog",
  "specs/paper/mnist01-mog.intel": "mog",
  "specs/paper/mnist01-vamp.intel": "vamp",
};

const specs = [...intelFilesUnder("specs/examples"), ...intelFilesUnder("specs/paper")];

function compiled(path: string): ModelIR {
  const r = compileFile(path);
  if (!r.ir) throw new Error(`${path} did not lower: ${r.check.diagnostics.map((d) => d.message).join("; ")}`);
  return r.ir;
}

/** A batch of 3 datapoints in [0, 1] (valid for every likelihood), from a fixed seed. */
const batch = (shape: number[]) => tf.randomUniform([3, ...shape], 0, 1, "float32", 11);

// Gradients through the conv nets take ~12 s a step on the cpu backend (runtime/ops/conv.ts is
// written for wasm), so image models check the forward pass only; their mappings are checked too.
describe.each(specs.filter((s) => !(s in REFUSED)))("%s runs", (path) => {
  it("builds, and its loss (and for vector data its gradients) on a random batch are finite", () => {
    const ir = compiled(path);
    const model = buildModel(ir, 1);
    try {
      const x = batch(ir.data.shape);
      const vars = [...model.variables.values()];
      const image = ir.data.shape.length > 1;
      const { value, grads } = image ? { value: tf.tidy(() => model.loss(x, 5, true).loss), grads: {} } : tf.variableGrads(() => model.loss(x, 5, true).loss, vars);
      const loss = value.dataSync()[0]!;
      expect(Number.isFinite(loss), `loss ${loss}`).toBe(true);
      for (const [name, g] of Object.entries(grads)) {
        expect(g.dataSync().every(Number.isFinite), `gradient of ${name}`).toBe(true);
      }
      if (!image) expect(Object.keys(grads).length).toBe(vars.length);
      const mapVars = [...model.variables.entries()].filter(([id]) => id.startsWith("mapping/")).map(([, v]) => v);
      if (image && mapVars.length) {
        // The mapping on its own: z and the penalties must give every ψ a finite gradient.
        const y = tf.randomNormal([3, ir.latent.dim], 0, 1, "float32", 4) as tf.Tensor2D;
        const g = tf.variableGrads(() => {
          const { z, penalties } = model.map(y, true, 2);
          return tf.addN([tf.sum(z), ...Object.values(penalties)]) as tf.Scalar;
        }, mapVars);
        expect(Object.keys(g.grads).length).toBe(mapVars.length);
        for (const t of Object.values(g.grads)) expect(t.dataSync().every(Number.isFinite)).toBe(true);
        tf.dispose([y, g.value, ...Object.values(g.grads)]);
      }
      const penalties = tf.tidy(() => tf.stack(ir.mapping.penalties.map((p) => model.loss(x, 5, false).penalties[p.name]!).concat(tf.scalar(0))));
      expect(penalties.dataSync().every(Number.isFinite)).toBe(true);
      const samples = model.sample(2, 3);
      expect(samples.shape).toEqual([2, ...ir.data.shape]);
      tf.dispose([x, value, samples, penalties, ...Object.values(grads as Record<string, tf.Tensor>)]);
    } finally {
      model.dispose();
    }
  });
});

describe("baselines the runtime refuses for now", () => {
  it.each(Object.entries(REFUSED))("%s lowers, and buildModel names its prior '%s'", (path, prior) => {
    const ir = compiled(path);
    expect(ir.kind).toBe("baseline");
    expect(ir.latent.prior.kind).toBe(prior);
    expect(() => buildModel(ir, 1)).toThrow(new RegExp(`'${prior}' prior`));
  });
});
