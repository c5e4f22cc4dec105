import * as tf from "@tensorflow/tfjs";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../runtime/backend/select";
import { TrainingDivergedError } from "../../../runtime/train/divergence";
import { fakeControls } from "./fake-model";
import { cleanupTmp, metricsOf, resumeFake, startFake, tmp, weightsOf } from "./helpers";
import { OPT } from "../fixtures/train-ir";

afterAll(cleanupTmp);

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("training runs", () => {
  it("writes the run directory: spec, IR, config, metrics, checkpoints", async () => {
    const dir = tmp();
    const before = tf.memory().numTensors;
    const { result, config } = await startFake(dir, { train: { checkpointEvery: 2, epochs: 4 } });
    expect(result.status).toBe("completed");
    expect(tf.memory().numTensors).toBe(before); // nothing leaks, the model is disposed
    for (const f of ["spec.intel", "ir.json", "config.json", "metrics.jsonl"]) expect(existsSync(join(dir, f))).toBe(true);
    expect(readdirSync(join(dir, "checkpoints")).sort()).toEqual(["best.ckpt", "epoch-0002.ckpt", "epoch-0004.ckpt", "last.ckpt"]);
    expect(config.seed).toBe(7);
    expect(config.versions.node).toBe(process.version);
    const lines = metricsOf(dir).map((l) => JSON.parse(l));
    // 96 points − 16 validation = 80 = 5 batches of 16 per epoch: 20 steps, fewer than the default
    // log_every (50), so no step lines
    expect(lines.filter((l) => l.type === "step")).toHaveLength(0);
    const epochs = lines.filter((l) => l.type === "epoch");
    expect(epochs.map((l) => l.epoch)).toEqual([1, 2, 3, 4]);
    expect(epochs[3].validation.loss).toBeLessThan(epochs[0].validation.loss);
  });

  it("gives identical metrics and weights for the same seed, different ones for another", async () => {
    const [a, b, c] = [tmp(), tmp(), tmp()];
    await startFake(a);
    await startFake(b);
    await startFake(c, {}, { seed: 8 });
    expect(metricsOf(b)).toEqual(metricsOf(a));
    expect(weightsOf(b)).toEqual(weightsOf(a));
    expect(metricsOf(c)).not.toEqual(metricsOf(a));
  });

  it("1 epoch + resume 1 epoch = 2 epochs straight, bit for bit", async () => {
    const straight = tmp();
    await startFake(straight, { train: { epochs: 2 } });
    const split = tmp();
    await startFake(split, { train: { epochs: 2 } }, { epochs: 1 });
    const r = await resumeFake(split, { epochs: 2 });
    expect(r.result.status).toBe("completed");
    expect(metricsOf(split)).toEqual(metricsOf(straight));
    expect(weightsOf(split)).toEqual(weightsOf(straight));
    expect(r.config.resumes).toHaveLength(1);
  });

  it("a stop request mid-epoch saves a checkpoint; resuming matches the uninterrupted run (rmsprop)", async () => {
    const fake = { train: { epochs: 3, optimizer: { ...OPT.rmsprop, lr: 0.01, momentum: 0.5 } } };
    const straight = tmp();
    await startFake(straight, fake);
    const dir = tmp();
    const stop = { requested: false };
    const r1 = await startFake(dir, fake, { stop, afterStep: (s) => void (s.step === 7 && (stop.requested = true)) });
    expect(r1.result.status).toBe("interrupted");
    expect(r1.result.state).toMatchObject({ epoch: 1, batch: 2, step: 7 });
    const r2 = await resumeFake(dir);
    expect(r2.result.status).toBe("completed");
    expect(metricsOf(dir)).toEqual(metricsOf(straight));
    expect(weightsOf(dir)).toEqual(weightsOf(straight));
    expect(weightsOf(dir, "best")).toEqual(weightsOf(straight, "best"));
  });

  it("stops early when the validation loss has not improved for `earlyStop` epochs", async () => {
    const dir = tmp();
    // An SGD step of 1e-30 cannot move float32 weights: only the validation noise varies.
    const { result } = await startFake(dir, { train: { epochs: 30, earlyStop: 2, optimizer: { ...OPT.sgd, lr: 1e-30 } } });
    expect(result.status).toBe("early_stopped");
    expect(result.state.epoch).toBe(result.state.best!.epoch + 2);
    const resumed = await resumeFake(dir);
    expect(resumed.result.status).toBe("completed"); // nothing left to do
    expect(resumed.result.state.epoch).toBe(result.state.epoch);
  });

  it("stops on NaN naming the term, its source line and the last good checkpoint", async () => {
    const dir = tmp();
    fakeControls.nanFromCall = 8;
    try {
      await startFake(dir, { gamma: 0.1 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TrainingDivergedError);
      const d = e as TrainingDivergedError;
      expect(d.term).toBe("penalty spread");
      expect(d.step).toBe(8);
      expect(d.epoch).toBe(2);
      expect(d.at).toEqual({ file: "fake.intel", line: 9, col: 3 });
      expect(d.lastCheckpoint).toBe(join(dir, "checkpoints", "last.ckpt"));
      expect(d.message).toContain("fake.intel:9:3");
    } finally {
      fakeControls.nanFromCall = Infinity;
    }
    const last = metricsOf(dir).at(-1)!;
    expect(JSON.parse(last)).toMatchObject({ type: "diverged", term: "penalty spread", step: 8 });
  });
});
