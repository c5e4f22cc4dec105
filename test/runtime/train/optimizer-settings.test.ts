// Optimizer options, per-step learning rates, gradient clipping and schedules, on models small
// enough to work the numbers out by hand.
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrainIR } from "../../../compiler/ir/types";
import { makeDataset } from "../../../runtime/data/dataset";
import type { CompiledModel, LossTerms } from "../../../runtime/model/compiled";
import { selectBackend } from "../../../runtime/backend/select";
import { clipByGlobalNorm, globalNorm } from "../../../runtime/train/clip";
import { TrainingDivergedError } from "../../../runtime/train/divergence";
import { trainModel, trainStep, type StepValues } from "../../../runtime/train/loop";
import { makeOptimizer, setLearningRate, type OptimizerSettings } from "../../../runtime/train/optimizer";
import { learningRateAt } from "../../../runtime/train/schedule";
import { loopSettings } from "../../../runtime/train/settings";
import { fakeIR } from "./fake-model";
import type { TrainSettingsIR } from "../../../compiler/ir/types";
import { OPT, SETTINGS } from "../fixtures/train-ir";

beforeAll(async () => {
  await selectBackend("cpu");
});

const made: { dispose(): void }[] = [];
afterAll(() => made.forEach((m) => m.dispose()));

/** A "model" whose loss is f(variables) of the given initial values (x and the seed are ignored). */
function tiny(init: number[][], f: (vs: tf.Variable[]) => tf.Scalar): { model: CompiledModel; vars: tf.Variable[]; values(): number[][] } {
  const vars = init.map((v) => tf.variable(tf.tensor1d(v)));
  const model = {
    ir: fakeIR(),
    variables: new Map(vars.map((v, i) => [`w${i}`, v])),
    state: new Map(),
    loss: (): LossTerms => {
      const loss = f(vars);
      return { loss, recon: loss.mul(1) as tf.Scalar, kl: tf.scalar(0), penalties: {} };
    },
    dispose: () => vars.forEach((v) => v.dispose()),
  } as unknown as CompiledModel;
  made.push(model);
  return { model, vars, values: () => vars.map((v) => Array.from(v.dataSync())) };
}

const x = () => tf.zeros([1, 2]);
function steps(model: CompiledModel, vars: tf.Variable[], opt: tf.Optimizer, n: number, clip: number | null = null) {
  const out: StepValues[] = [];
  for (let i = 0; i < n; i++) {
    const xs = x();
    out.push(trainStep(model, opt, vars, xs, 1, {}, clip));
    xs.dispose();
  }
  return out;
}
/** ½‖w‖²: the gradient is w. */
const quadratic = (vs: tf.Variable[]) => tf.addN(vs.map((v) => v.square().sum())).mul(0.5) as tf.Scalar;

describe("optimizer options", () => {
  it("SGD momentum and Nesterov differ from plain SGD by the expected amounts on ½w²", () => {
    const run = (o: { momentum?: number; nesterov?: 0 | 1 }) => {
      const { model, vars, values } = tiny([[1]], quadratic);
      const opt = makeOptimizer({ ...OPT.sgd, lr: 0.1, ...o });
      steps(model, vars, opt, 2);
      opt.dispose();
      return values()[0]![0]!;
    };
    // plain: w ← w − lr·w, twice
    expect(run({})).toBeCloseTo(0.81, 6);
    // tfjs momentum: a ← m·a + g; w ← w − lr·a. Step 1 as plain (0.9); step 2 also subtracts lr·m·w₀
    expect(run({ momentum: 0.9 })).toBeCloseTo(0.81 - 0.1 * 0.9 * 1, 6);
    // Nesterov: w ← w − lr·(g + m·a): 1 − 0.1·1.9 = 0.81, then 0.81 − 0.1·(0.81 + 0.9·(0.9 + 0.81))
    expect(run({ momentum: 0.9, nesterov: 1 })).toBeCloseTo(0.81 - 0.1 * (0.81 + 0.9 * (0.9 + 0.81)), 6);
  });

  it("RMSprop and SGD get the declared options", () => {
    const r = makeOptimizer({ ...OPT.rmsprop, lr: 0.01, decay: 0.8, momentum: 0.3, epsilon: 1e-5 });
    expect(r.getConfig()).toMatchObject({ learningRate: 0.01, decay: 0.8, momentum: 0.3, epsilon: 1e-5 });
    const s = makeOptimizer({ ...OPT.sgd, lr: 0.01, momentum: 0.5, nesterov: 1 });
    expect(s.getConfig()).toMatchObject({ learningRate: 0.01, momentum: 0.5, useNesterov: true });
    r.dispose();
    s.dispose();
  });

  for (const o of [
    { ...OPT.adam, lr: 0.05 },
    { ...OPT.sgd, lr: 0.05 },
    { ...OPT.sgd, lr: 0.05, momentum: 0.9 },
    { ...OPT.rmsprop, lr: 0.05, momentum: 0.5 },
  ]) {
    it(`setLearningRate: ${o.kind}${"momentum" in o && o.momentum ? " with momentum" : ""} steps as if made with that rate`, () => {
      /** 3 steps; `set` = [before step k, rate] */
      const run = (made: number, set?: [number, number]) => {
        const { model, vars, values } = tiny([[1, -2, 3]], quadratic);
        const opt = makeOptimizer({ ...o, lr: made });
        for (let k = 0; k < 3; k++) {
          if (set?.[0] === k) setLearningRate(opt, set[1]);
          steps(model, vars, opt, 1);
        }
        opt.dispose();
        return values();
      };
      expect(run(0.2, [0, 0.01])).toEqual(run(0.01));
      expect(run(0.2, [1, 0.01])).not.toEqual(run(0.2));
      expect(run(0.2, [1, 0.01])).not.toEqual(run(0.01));
      expect(run(0.2, [0, 0])).toEqual([[1, -2, 3]]); // rate 0 leaves the weights where they are
    });
  }
});

describe("gradient clipping", () => {
  /** a·w₀ + b·w₁: the gradient is (a, b) wherever w is; ‖(3, 4, 0), (12)‖ = 13 */
  const linear = (vs: tf.Variable[]) => tf.addN([vs[0]!.mul([3, 4, 0]).sum(), vs[1]!.mul(12).sum()]) as tf.Scalar;
  const delta = (clip: number | null) => {
    const { model, vars, values } = tiny([[0, 0, 0], [0]], linear);
    const opt = makeOptimizer({ ...OPT.sgd, lr: 1 });
    const [r] = steps(model, vars, opt, 1, clip);
    opt.dispose();
    return { d: values(), norm: r!.gradNorm };
  };

  it("scales the update to the bound, along the gradient; leaves it alone within the bound", () => {
    const c = delta(13 / 4);
    expect(c.norm).toBeCloseTo(13, 5);
    const expected = [[-3 / 4, -1, 0], [-3]];
    c.d.flat().forEach((v, i) => expect(v).toBeCloseTo(expected.flat()[i]!, 5));
    expect(Math.hypot(...c.d.flat())).toBeCloseTo(13 / 4, 5);
    expect(delta(20).d).toEqual([[-3, -4, 0], [-12]]);
    expect(delta(null)).toEqual({ d: [[-3, -4, 0], [-12]], norm: undefined });
  });

  it("is NaN-safe: zero, overflowing and non-finite gradients", () => {
    const norm = (vals: number[]) => tf.tidy(() => globalNorm([tf.tensor1d(vals)]));
    expect(norm([0, 0])).toBe(0);
    expect(norm([3e20, 4e20]) / 5e20).toBeCloseTo(1, 5); // the squares overflow float32
    expect(norm([1, NaN])).toBeNaN();
    expect(norm([1, Infinity])).toBe(Infinity);
    const zeros = tf.zeros([3]);
    const c = clipByGlobalNorm([zeros], 1);
    expect(c.grads[0]).toBe(zeros);
    zeros.dispose();
  });

  it("a non-finite gradient with a finite loss: the step is refused and the run stops", async () => {
    // d√w/dw = ∞ at w = 0, while √0 = 0 is finite
    const root = (vs: tf.Variable[]) => vs[0]!.sqrt().sum() as tf.Scalar;
    const { model, vars, values } = tiny([[0, 1]], root);
    const opt = makeOptimizer({ ...OPT.sgd, lr: 0.1 });
    const [r] = steps(model, vars, opt, 1, 1);
    expect(r!.gradNorm).toBe(Infinity);
    expect(values()).toEqual([[0, 1]]);
    const settings: TrainIR = { ...fakeIR().train, batch: 2, epochs: 1, validation: 0, settings: { ...SETTINGS, clip_norm: 1 } };
    const err = await trainModel({
      model,
      optimizer: opt,
      train: makeDataset(new Float32Array(8), [2], null),
      validation: null,
      settings,
      runSeed: 1,
      hooks: { metric: () => undefined, checkpoint: async () => "" },
    }).catch((e: unknown) => e);
    opt.dispose();
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect((err as TrainingDivergedError).term).toBe("gradient norm");
    expect((err as Error).message).toMatch(/the gradient norm became Infinity at step 1/);
    expect(values()).toEqual([[0, 1]]);
  });
});

describe("learning-rate schedules", () => {
  const at = (settings: Partial<TrainSettingsIR>, epochs = 4) => {
    const s = loopSettings({ ...fakeIR().train, epochs, optimizer: { ...OPT.adam, lr: 1 }, settings: { ...SETTINGS, ...settings } });
    return (k: number) => learningRateAt(s, k, Math.floor(k / 10), 10);
  };

  it("constant with warm-up: a linear ramp from 0 over lr_warmup steps", () => {
    const f = at({ lr_warmup: 4 });
    expect([0, 1, 2, 3, 4, 5, 39].map(f)).toEqual([0, 0.25, 0.5, 0.75, 1, 1, 1]);
  });

  it("cosine: from the full rate after the warm-up to 0 when the run ends (or at max_steps)", () => {
    const f = at({ lr_schedule: "cosine" });
    expect(f(0)).toBe(1);
    expect(f(20)).toBeCloseTo(0.5, 12);
    expect(f(40)).toBe(0);
    const w = at({ lr_schedule: "cosine", lr_warmup: 10 });
    expect([0, 5, 10].map(w)).toEqual([0, 0.5, 1]);
    expect(w(25)).toBeCloseTo(0.5, 12);
    expect(at({ lr_schedule: "cosine", max_steps: 20 })(20)).toBe(0);
  });

  it("exponential: × lr_decay per epoch, constant within it", () => {
    const f = at({ lr_schedule: "exponential", lr_decay: 0.5 });
    expect([0, 9, 10, 19, 20, 39].map(f)).toEqual([1, 1, 0.5, 0.5, 0.25, 0.125]);
  });
});
