// The API is the runtime's numbers through a typed layer: loadRun's methods equal what
// runtime/run/inference.ts computes (what `intel encode/sample/eval` print), for rows and tensors.
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile, loadRun, ShapeError, SpecError, train, type TrainedModel } from "../../index";
import { makeDataset } from "../../runtime/data/dataset";
import { drawSamples, encodeData } from "../../runtime/run/inference";
import { deriveSeed } from "../../runtime/random/seeds";
import { evaluateTerms } from "../../runtime/train/terms";
import { cleanupTmp, tmp } from "../runtime/train/helpers";
import { RING_SMALL, tinySpec } from "../tiny-spec";

const SPEC = tinySpec({ data: RING_SMALL, mapping: "circle(y)", train: "batch: 25, epochs: 2, seed: 4" });
let m: TrainedModel;
const X = [[2, 0.1], [-0.3, 1.9], [1.2, -1.5], [0, -2]];

beforeAll(async () => {
  const r = await train(SPEC, { out: join(tmp(), "run"), backend: "wasm" });
  m = await loadRun(r.dir, { backend: "wasm" });
});
afterAll(() => {
  m?.dispose();
  cleanupTmp();
});

describe("loadRun", () => {
  it("encode equals intel encode's g(μ(x)); rows and tensors agree", () => {
    const want = encodeData(m.model, makeDataset(Float32Array.from(X.flat()), [2], null), 2).z;
    expect(m.encode(X).flat()).toEqual(Array.from(want));
    const t = m.encode(tf.tensor2d(X));
    expect(t.shape).toEqual([4, 2]);
    expect(Array.from(t.dataSync())).toEqual(Array.from(want));
    t.dispose();
    expect(m.encode(X, { space: "y" })).not.toEqual(m.encode(X));
    expect(m.map(m.encode(X, { space: "y" }))).toEqual(m.encode(X));
  });

  it("sample equals intel sample's draw at the same seed (its default too)", () => {
    expect(m.sample(6, 11).flat()).toEqual(Array.from(drawSamples(m.model, 6, 11)));
    expect(m.sample(3).flat()).toEqual(Array.from(drawSamples(m.model, 3, deriveSeed(4, "sample", 0))));
    expect(m.sample(6, 11)).not.toEqual(m.sample(6, 12));
  });

  it("elbo equals the evaluation's terms; iwae is per datapoint and bounded by the ELBO on average", () => {
    const seed = 99;
    const terms = evaluateTerms(m.model, makeDataset(Float32Array.from(X.flat()), [2], null), 4, (b) => deriveSeed(seed, "eval", b));
    const e = m.elbo(X, { seed, batch: 4 });
    expect(e.recon).toBe(terms.recon);
    expect(e.kl).toBe(terms.kl);
    const lp = m.iwae(X, 200, 5);
    expect(lp).toHaveLength(4);
    const mean = lp.reduce((a, b) => a + b, 0) / 4;
    expect(mean).toBeGreaterThan(m.elbo(X, { seed: 1 }).elbo - 0.5); // IWAE(200) ≥ ELBO up to noise
  });

  it("decode of a wrong width is a ShapeError, not a tfjs crash", () => {
    expect(() => m.decode([[1, 2, 3]])).toThrow(ShapeError);
  });
});

describe("compile and train", () => {
  it("a spec with errors: diagnostics from compile, a SpecError from train", async () => {
    const bad = SPEC.replace("circle(y)", "circel(y)");
    const c = compile(bad, { file: "bad.intel" });
    expect(c.ok).toBe(false);
    expect(c.render()).toMatch(/^bad\.intel:\d+:\d+: error IV2006/);
    await expect(train(bad, { out: join(tmp(), "never"), backend: "wasm" })).rejects.toBeInstanceOf(SpecError);
  });

  it("callbacks see every step and epoch; an IR trains like its spec", async () => {
    const steps: number[] = [];
    const epochs: number[] = [];
    const ir = compile(SPEC).ir!;
    const r = await train(ir, { out: join(tmp(), "ir-run"), backend: "wasm", epochs: 1, onProgress: (s) => steps.push(s.step), onEpochEnd: (e) => epochs.push(e.epoch) });
    expect(steps).toEqual([1, 2]); // 50 training points, batch 25
    expect(epochs).toEqual([1]);
    expect(r.status).toBe("completed");
  });
});
