// makeOptimizer's adam is the fused Adam (runtime/ops/adam.ts) behind tf.Optimizer's interface:
// settings as the IR gives them, and state that survives optimizerState/restoreOptimizerState bit for bit.
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { FusedAdamOptimizer, makeOptimizer, optimizerState, restoreOptimizerState } from "../../../runtime/train/optimizer";
import { relErr, seeded, use, values } from "../helpers";
import { OPT } from "../fixtures/train-ir";

const SHAPES = [[7, 5], [5], [3, 2, 4]];

function problem(tag: number) {
  const vars = SHAPES.map((s, i) => tf.tidy(() => tf.variable(seeded(s, 10 + i), true, `fused-adam-${tag}-${i}`)));
  const targets = SHAPES.map((s, i) => tf.tidy(() => seeded(s, 20 + i)));
  const step = (opt: tf.Optimizer) =>
    tf.tidy(() => {
      const { grads } = tf.variableGrads(
        () => tf.addN(vars.map((v, i) => tf.sum(tf.mul(tf.square(tf.sub(v, targets[i]!)), i + 1)))) as tf.Scalar,
        vars,
      );
      opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name]! })));
    });
  const read = () => vars.map((v) => Float32Array.from(values(v)));
  const dispose = () => tf.dispose([...vars, ...targets]);
  return { vars, step, read, dispose };
}

describe("makeOptimizer adam", () => {
  it("is the fused Adam with the IR's settings (epsilon: the spec's, else the backend's)", async () => {
    await use("cpu");
    const a = makeOptimizer({ ...OPT.adam, lr: 0.01 });
    expect(a).toBeInstanceOf(FusedAdamOptimizer);
    expect((a as FusedAdamOptimizer).getConfig()).toEqual({ learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: tf.backend().epsilon() });
    const b = makeOptimizer({ ...OPT.adam, lr: 0.5, beta1: 0.8, beta2: 0.99, epsilon: 1e-3 });
    expect((b as FusedAdamOptimizer).getConfig()).toEqual({ learningRate: 0.5, beta1: 0.8, beta2: 0.99, epsilon: 1e-3 });
    a.dispose();
    b.dispose();
  });

  for (const backend of ["cpu", "wasm"] as const) {
    it(`follows tf.train.adam and resumes bit for bit from its saved state on ${backend}`, async () => {
      await use(backend);
      const before = tf.memory().numTensors;
      const ref = problem(1);
      const tfAdam = tf.train.adam(0.05, 0.9, 0.999, 1e-7);
      for (let t = 0; t < 6; t++) ref.step(tfAdam);
      const expected = ref.read();
      tfAdam.dispose();
      ref.dispose();

      const straight = problem(2);
      const opt = makeOptimizer({ ...OPT.adam, lr: 0.05, epsilon: 1e-7 });
      for (let t = 0; t < 6; t++) straight.step(opt);
      const got = straight.read();
      got.forEach((g, i) => expect(relErr(g, expected[i]!)).toBeLessThan(1e-5));
      expect(opt.iterations).toBe(6);
      opt.dispose();
      straight.dispose();

      // 3 steps, save, 3 more in a fresh optimizer (and fresh variables, named anew) = 6 straight.
      const first = problem(3);
      const o1 = makeOptimizer({ ...OPT.adam, lr: 0.05, epsilon: 1e-7 });
      for (let t = 0; t < 3; t++) first.step(o1);
      const saved = await optimizerState(o1);
      expect(saved.map((s) => s.name)).toEqual(["iter", ...first.vars.map((v) => `${v.name}/m`), ...first.vars.map((v) => `${v.name}/v`)]);
      expect(Array.from(saved[0]!.data)).toEqual([3]);
      const weights = first.read();
      o1.dispose();
      first.dispose();
      const second = problem(4);
      second.vars.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(weights[i]!, v.shape))));
      const o2 = makeOptimizer({ ...OPT.adam, lr: 0.05, epsilon: 1e-7 });
      await restoreOptimizerState(o2, saved);
      expect(o2.iterations).toBe(3);
      for (let t = 0; t < 3; t++) second.step(o2);
      second.read().forEach((r, i) => expect(Array.from(r)).toEqual(Array.from(got[i]!)));
      o2.dispose();
      second.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
