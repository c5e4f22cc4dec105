// Each `train { … }` setting changes what a run does, as compiler/builtins/train-settings.ts says.
// The fake run: 96 ring points − 16 held out = 80 = 5 batches of 16 per epoch, seed 7.
import * as tf from "@tensorflow/tfjs";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrainSettingsIR } from "../../../compiler/ir/types";
import { TRAIN_SETTINGS } from "../../../compiler/builtins/train-settings";
import { selectBackend } from "../../../runtime/backend/select";
import { readCheckpoint } from "../../../runtime/run/checkpoint";
import { checkpointPath } from "../../../runtime/run/run-dir";
import type { CompiledModel } from "../../../runtime/model/compiled";
import { deriveSeed } from "../../../runtime/random/seeds";
import { learningRateAt } from "../../../runtime/train/schedule";
import { loopSettings } from "../../../runtime/train/settings";
import { TrainSettingsError, type OptimizerSettings } from "../../../runtime/train/optimizer";
import { buildFakeModel, fakeIR, type FakeOptions } from "./fake-model";
import { cleanupTmp, metricsOf, resumeFake, startFake, tmp, weightsOf } from "./helpers";
import { OPT, SETTINGS } from "../fixtures/train-ir";

afterAll(cleanupTmp);
beforeAll(async () => {
  await selectBackend("cpu");
});

type Line = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const lines = (dir: string): Line[] => metricsOf(dir).map((l) => JSON.parse(l) as Line);
const steps = (dir: string) => lines(dir).filter((l) => l.type === "step");
const epochs = (dir: string) => lines(dir).filter((l) => l.type === "epoch");
const fake = (settings: Partial<TrainSettingsIR>, train: FakeOptions["train"] = {}): FakeOptions => ({ train: { ...train, settings } });
/** An SGD step of 1e-30 cannot move float32 weights: only the validation noise varies the loss. */
const frozen = { epochs: 30, earlyStop: 2, optimizer: { ...OPT.sgd, lr: 1e-30 } };

describe("settings", () => {
  it("the runtime's defaults are the declared ones", () => {
    // the hand-made IRs' SETTINGS are the compiler's defaults
    for (const [k, v] of Object.entries(SETTINGS)) expect(TRAIN_SETTINGS.find((t) => t.name === k)?.default, k).toEqual(v);
  });

  it("min_epochs: early stopping never stops before it", async () => {
    const [a, b] = [tmp(), tmp()];
    const plain = (await startFake(a, { train: frozen })).result;
    expect(plain.status).toBe("early_stopped");
    expect(plain.state.epoch).toBeLessThan(12); // else the test shows nothing
    const late = (await startFake(b, fake({ min_epochs: 12 }, frozen))).result;
    expect(late.status).toBe("early_stopped");
    expect(late.state.epoch).toBeGreaterThanOrEqual(12);
    expect(late.state.badEpochs).toBeGreaterThanOrEqual(2);
  });

  it("validation_every 2: validates on even epochs only; patience counts validations", async () => {
    const dir = tmp();
    await startFake(dir, fake({ validation_every: 2 }, { epochs: 4 }));
    expect(epochs(dir).map((l) => l.validation !== null)).toEqual([false, true, false, true]);
    expect(epochs(dir).map((l) => typeof l.train.loss)).toEqual(Array(4).fill("number"));
    const stopped = tmp();
    const r = (await startFake(stopped, fake({ validation_every: 2 }, frozen))).result;
    expect(r.status).toBe("early_stopped");
    expect(r.state.epoch % 2).toBe(0);
    expect(r.state.epoch).toBe(r.state.best!.epoch + 4); // 2 validations, 2 epochs apart
  });

  it("monitor train_loss: best checkpoint and early stopping follow the training loss", async () => {
    const [t, v] = [tmp(), tmp()];
    const rt = (await startFake(t, fake({ monitor: "train_loss" }, { epochs: 4 }))).result;
    const rv = (await startFake(v, fake({}, { epochs: 4 }))).result;
    const byTrain = epochs(t).map((l) => l.train.loss as number);
    const byVal = epochs(v).map((l) => l.validation.loss as number);
    expect(rt.state.best!.value).toBe(Math.min(...byTrain));
    expect(rt.state.best!.epoch).toBe(byTrain.indexOf(Math.min(...byTrain)) + 1);
    expect(rv.state.best!.value).toBe(Math.min(...byVal));
    let low = Infinity;
    for (const l of epochs(t)) {
      expect(l.best).toBe(l.train.loss < low);
      low = Math.min(low, l.train.loss);
    }
    const stopped = tmp();
    const r = (await startFake(stopped, fake({ monitor: "train_loss" }, frozen))).result;
    expect(r.status).toBe("early_stopped");
    expect(r.state.best!.value).toBe(Math.min(...epochs(stopped).map((l) => l.train.loss as number)));
    expect(r.state.epoch).toBe(r.state.best!.epoch + 2);
  });

  it("keep_checkpoints: only the most recent periodic checkpoints stay, besides best and last", async () => {
    const [one, three] = [tmp(), tmp()];
    await startFake(one, fake({ keep_checkpoints: 1 }, { epochs: 4 }));
    expect(readdirSync(join(one, "checkpoints")).sort()).toEqual(["best.ckpt", "epoch-0004.ckpt", "last.ckpt"]);
    await startFake(three, fake({ keep_checkpoints: 3 }, { epochs: 4 }));
    expect(readdirSync(join(three, "checkpoints")).sort()).toEqual(["best.ckpt", "epoch-0002.ckpt", "epoch-0003.ckpt", "epoch-0004.ckpt", "last.ckpt"]);
  });

  it("log_every: a step line every n steps, with the learning rate", async () => {
    const dir = tmp();
    await startFake(dir, fake({ log_every: 3 }));
    expect(steps(dir).map((l) => [l.epoch, l.step])).toEqual([[1, 3], [2, 6], [2, 9]]);
    for (const l of steps(dir)) expect(l.lr).toBe(0.01);
    expect(epochs(dir).map((l) => l.lr)).toEqual([0.01, 0.01]);
  });

  it("shuffle false: every epoch sees the data in the same order", async () => {
    const seen = async (shuffle: boolean): Promise<number[][]> => {
      const firstRows: number[][] = [];
      const build = (ir: Parameters<typeof buildFakeModel>[0], seed: number): CompiledModel => {
        const m = buildFakeModel(ir, seed);
        const loss = m.loss.bind(m);
        return { ...m, loss: (x, s, training, o) => (training && firstRows.push(Array.from(x.dataSync())), loss(x, s, training, o)) };
      };
      await startFake(tmp(), fake({ shuffle }, { epochs: 2 }), { buildModel: build });
      return firstRows;
    };
    const fixed = await seen(false);
    expect(fixed).toHaveLength(10);
    expect(fixed.slice(5)).toEqual(fixed.slice(0, 5));
    const shuffled = await seen(true);
    expect(shuffled.slice(5)).not.toEqual(shuffled.slice(0, 5));
  });

  it("max_steps: stops after exactly that many steps with a checkpoint, completed; a resume has nothing to do", async () => {
    const dir = tmp();
    const r = (await startFake(dir, fake({ max_steps: 7, log_every: 1 }, { epochs: 3 }))).result;
    expect(r.status).toBe("completed");
    expect(r.state).toMatchObject({ step: 7, epoch: 1, batch: 2 });
    expect(readCheckpoint(checkpointPath(dir, "last")).state.step).toBe(7);
    expect(steps(dir).at(-1)!.step).toBe(7);
    expect(epochs(dir)).toHaveLength(1);
    const before = metricsOf(dir);
    const again = await resumeFake(dir);
    expect(again.result.status).toBe("completed");
    expect(again.result.state.step).toBe(7);
    expect(metricsOf(dir)).toEqual(before);
    // at an epoch's end: the epoch is closed as usual
    const edge = tmp();
    const e = (await startFake(edge, fake({ max_steps: 10 }, { epochs: 3 }))).result;
    expect(e.state).toMatchObject({ step: 10, epoch: 2, batch: 0 });
    expect(epochs(edge)).toHaveLength(2);
  });

  it("lr_warmup: the first step has rate 0, so SGD leaves the weights as initialised", async () => {
    const dir = tmp();
    const o = fake({ lr_warmup: 4, max_steps: 1 }, { optimizer: { ...OPT.sgd, lr: 0.5 } });
    await startFake(dir, o);
    const init = buildFakeModel(fakeIR(o), deriveSeed(7, "init", 0));
    const w = weightsOf(dir);
    for (const [id, v] of init.variables) expect(w[id], id).toEqual(Array.from(v.dataSync()));
    init.dispose();
  });

  it("lr_schedule cosine with warm-up: step lines follow the schedule, which ends at 0", async () => {
    const dir = tmp();
    const o = fake({ lr_schedule: "cosine", lr_warmup: 2, log_every: 1 }, { optimizer: { ...OPT.sgd, lr: 0.1 } });
    await startFake(dir, o);
    const lrs = steps(dir).map((l) => l.lr as number);
    expect(lrs.slice(0, 3)).toEqual([0, 0.05, 0.1]); // the ramp, then the full rate
    for (let k = 3; k < 10; k++) expect(lrs[k]!).toBeLessThan(lrs[k - 1]!);
    const s = loopSettings(fakeIR(o).train);
    expect(lrs).toEqual(Array.from({ length: 10 }, (_, k) => learningRateAt(s, k, Math.floor(k / 5), 5)));
    expect(learningRateAt(s, 10, 2, 5)).toBe(0); // after the last step
    expect(lrs[9]!).toBeLessThan(0.1 * 0.05);
    expect(epochs(dir).map((l) => l.lr)).toEqual([lrs[4], lrs[9]]);
  });

  it("lr_schedule exponential: × lr_decay per epoch", async () => {
    const dir = tmp();
    await startFake(dir, fake({ lr_schedule: "exponential", lr_decay: 0.5, log_every: 1 }, { epochs: 3, optimizer: { ...OPT.sgd, lr: 0.1 } }));
    expect(steps(dir).map((l) => l.lr)).toEqual([...Array(5).fill(0.1), ...Array(5).fill(0.05), ...Array(5).fill(0.025)]);
    expect(epochs(dir).map((l) => l.lr)).toEqual([0.1, 0.05, 0.025]);
  });

  it("clip_norm: step lines carry the gradient norm; clipping changes the run", async () => {
    const [clipped, free] = [tmp(), tmp()];
    await startFake(clipped, fake({ clip_norm: 0.5, log_every: 1 }));
    await startFake(free, fake({ log_every: 1 }));
    const norms = steps(clipped).map((l) => l.grad_norm as number);
    expect(norms.every((n) => n > 0.5)).toBe(true); // so every step was clipped
    expect(steps(free).every((l) => l.grad_norm === undefined)).toBe(true);
    expect(weightsOf(clipped)).not.toEqual(weightsOf(free));
  });

  it("leaks no tensors with clipping, a schedule and each optimizer", async () => {
    const optimizers: OptimizerSettings[] = [{ ...OPT.adam, lr: 0.01 }, { ...OPT.sgd, lr: 0.01, momentum: 0.5 }, { ...OPT.sgd, lr: 0.01 }, { ...OPT.rmsprop, lr: 0.01 }];
    for (const optimizer of optimizers) {
      const before = tf.memory().numTensors;
      await startFake(tmp(), fake({ clip_norm: 0.5, lr_schedule: "cosine", lr_warmup: 2 }, { optimizer }));
      expect(tf.memory().numTensors, optimizer.kind).toBe(before);
    }
  });

  for (const [name, o] of [
    ["adam, cosine + warm-up + clipping, validating every 2 epochs", fake({ lr_schedule: "cosine", lr_warmup: 3, clip_norm: 1, validation_every: 2, log_every: 1 }, { epochs: 4 })],
    ["sgd momentum (Nesterov), exponential, unshuffled", fake({ lr_schedule: "exponential", lr_decay: 0.7, shuffle: false, log_every: 2 }, { epochs: 4, optimizer: { ...OPT.sgd, lr: 0.05, momentum: 0.9, nesterov: 1 } })],
  ] as const) {
    it(`a stop mid-schedule + resume equals the uninterrupted run bit for bit (${name})`, async () => {
      const straight = tmp();
      await startFake(straight, o);
      const dir = tmp();
      const stop = { requested: false };
      const r1 = await startFake(dir, o, { stop, afterStep: (s) => void (s.step === 8 && (stop.requested = true)) });
      expect(r1.result.status).toBe("interrupted");
      expect(r1.result.state).toMatchObject({ epoch: 1, batch: 3, step: 8 });
      const r2 = await resumeFake(dir);
      expect(r2.result.status).toBe("completed");
      expect(metricsOf(dir)).toEqual(metricsOf(straight));
      expect(weightsOf(dir)).toEqual(weightsOf(straight));
      expect(weightsOf(dir, "best")).toEqual(weightsOf(straight, "best"));
    });
  }
});
