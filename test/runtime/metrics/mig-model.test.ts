// `evaluate { mig(y) }` on a model compiled from specs/family/dsprites-mig.intel (untrained, a small
// test split): the factors reach the metric, every factor gets a gap and few-shot rows, and data
// without known factors is skipped rather than failed.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../../../compiler/compile";
import { loadTestData } from "../../../runtime/data/load";
import { buildModel } from "../../../runtime/model/build";
import { computeMetric } from "../../../runtime/metrics/evaluate";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("mig through evaluate", () => {
  const ir = compileFile("specs/family/dsprites-mig.intel").ir!;
  ir.data.args = { ...ir.data.args, n: 300 };
  const m = ir.evaluate.find((e) => e.name === "mig")!;

  it("measures the codes against the test split's factors", () => {
    const test = loadTestData(ir.data, 1);
    expect(test.factors?.names).toEqual(["shape", "scale", "rotation", "x", "y"]);
    const model = buildModel(ir, 1);
    try {
      const r = computeMetric({ ...m, args: { ...m.args, sizes: [50], repeats: 1 } }, { model, train: test, test, seed: 1, batch: 100 }) as Record<string, any>;
      expect(r.latent).toBe("y");
      expect(r.value).toBeGreaterThanOrEqual(0);
      expect(r.value).toBeLessThanOrEqual(1);
      expect(r.factors.map((f: { factor: string }) => f.factor)).toEqual(["shape", "scale", "rotation", "x", "y"]);
      expect(r.factors[0].mi).toHaveLength(6);
      expect(r.fewshot).toHaveLength(5);
      expect(r.fewshot[0].rows[0].size).toBe(50);
      expect(r.fewshot[0].rows[0].mean).toBeGreaterThan(0);
    } finally {
      model.dispose();
    }
  });

  it("skips data without known factors", () => {
    const model = buildModel(ir, 1);
    try {
      const test = loadTestData(ir.data, 1);
      delete test.factors;
      expect(computeMetric(m, { model, train: test, test, seed: 1, batch: 100 })).toEqual({ skipped: expect.stringMatching(/no known factors/) });
    } finally {
      model.dispose();
    }
  });
});
