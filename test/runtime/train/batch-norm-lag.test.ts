// The loop's check that evaluation's batch-norm statistics have caught up with the weights
// (runtime/train/batch-norm-lag.ts): one batch's loss with the running statistics against the
// batch's own, the running statistics left as they were, and the warning when they lag.
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LayerIR, ModelIR } from "../../../compiler/ir/types";
import { selectBackend } from "../../../runtime/backend/select";
import { buildModel } from "../../../runtime/model/build";
import { startRun } from "../../../runtime/run/session";
import { batchNormLag, batchNormLagWarning, LAG_TOLERANCE } from "../../../runtime/train/batch-norm-lag";
import type { ProgressListener } from "../../../runtime/train/progress";
import { AT, mlpVae } from "../fixtures/ir";
import { OPT, SETTINGS } from "../fixtures/train-ir";
import { cleanupTmp, CPU, tmp } from "./helpers";

afterAll(cleanupTmp);
beforeAll(async () => {
  await selectBackend("cpu");
});

/** A small Gaussian VAE (σ = 0.1, so the fit needs the code) on ring data of `radius`, with batch norm after the encoder's first layer. */
function bnIR(o: { momentum: number; radius: number; batchNorm?: boolean; movingVar?: number }): ModelIR {
  const ir = mlpVae({ data: [2], hidden: [8], latent: 2, activation: "tanh", likelihood: { kind: "gaussian", sigma: 0.1 } });
  if (o.batchNorm !== false) {
    const bn: LayerIR = { kind: "batch_norm", gamma: "encoder/bn/gamma", beta: "encoder/bn/beta", movingMean: "encoder/bn/moving_mean", movingVar: "encoder/bn/moving_var", momentum: o.momentum, epsilon: 1e-3, in: [8], out: [8], at: AT };
    ir.encoder.layers.splice(1, 0, bn);
    ir.params.push({ id: "encoder/bn/gamma", shape: [8], init: { kind: "ones" }, at: AT }, { id: "encoder/bn/beta", shape: [8], init: { kind: "zeros" }, at: AT });
    ir.state.push({ id: "encoder/bn/moving_mean", shape: [8], init: { kind: "zeros" }, at: AT }, { id: "encoder/bn/moving_var", shape: [8], init: o.movingVar ? { kind: "constant", value: o.movingVar } : { kind: "ones" }, at: AT });
  }
  ir.data = { name: "x", source: "ring", args: { n: 96, noise: 0.05, radius: o.radius }, shape: [2], range: null, at: AT };
  ir.train = { optimizer: { ...OPT.adam, lr: 0.01 }, groups: null, scheme: null, batch: 16, epochs: 3, earlyStop: 0, seed: 3, validation: 16, checkpointEvery: 1, settings: SETTINGS };
  return ir;
}

const ringBatch = (radius: number) => {
  const t = Array.from({ length: 16 }, (_, i) => (2 * Math.PI * i) / 16);
  return tf.tensor2d(t.map((a) => [radius * Math.cos(a), radius * Math.sin(a)]));
};
const stateValues = (m: ReturnType<typeof buildModel>) => [...m.state.values()].map((v) => Array.from(v.dataSync()));

describe("batch norm's running statistics against the batch's own", () => {
  it("is null for a model without batch norm", () => {
    const m = buildModel(bnIR({ momentum: 0.9, radius: 2, batchNorm: false }), 1);
    const x = ringBatch(2);
    expect(batchNormLag(m, x, 5)).toBeNull();
    expect(batchNormLagWarning(null)).toBeNull();
    m.dispose();
  });

  it("is null for a model with dropout, whose training-mode noise would enter the comparison", () => {
    const ir = bnIR({ momentum: 0.9, radius: 2 });
    ir.encoder.layers.splice(2, 0, { kind: "dropout", rate: 0.2, in: [8], out: [8], at: AT } as LayerIR);
    const m = buildModel(ir, 1);
    m.state.get("encoder/bn/moving_var")!.assign(tf.fill([8], 100));
    expect(batchNormLag(m, ringBatch(2), 5)).toBeNull();
    m.dispose();
  });

  it("warns when the running statistics are far off, and leaves them as they were", () => {
    const m = buildModel(bnIR({ momentum: 0.9, radius: 2 }), 1);
    m.state.get("encoder/bn/moving_var")!.assign(tf.fill([8], 100));
    const before = stateValues(m);
    const x = ringBatch(2);
    const lag = batchNormLag(m, x, 5)!;
    expect(stateValues(m)).toEqual(before);
    expect(Math.abs(lag.running - lag.batch)).toBeGreaterThan(LAG_TOLERANCE * Math.abs(lag.batch));
    const w = batchNormLagWarning(lag)!;
    expect(w).toContain(lag.running.toPrecision(4));
    expect(w).toContain(lag.batch.toPrecision(4));
    expect(w).toContain("bn_momentum: 0.9");
    m.dispose();
  });

  it("does not warn when the running statistics are the batch's (momentum 0, one pass over that batch)", () => {
    const m = buildModel(bnIR({ momentum: 0, radius: 2 }), 1);
    const x = ringBatch(2);
    tf.tidy(() => void m.loss(x, 5, true)); // moving = this batch's mean and (unbiased) variance
    const lag = batchNormLag(m, x, 5)!;
    // the one difference left is the unbiased variance, n/(n − 1) = 16/15
    expect(Math.abs(lag.running - lag.batch)).toBeLessThan(LAG_TOLERANCE * Math.abs(lag.batch));
    expect(batchNormLagWarning(lag)).toBeNull();
    m.dispose();
  });

  it("the training loop says so at the end of a run whose statistics cannot catch up", async () => {
    const messages: string[] = [];
    const listener: ProgressListener = { step() {}, epoch() {}, message: (s) => void messages.push(s), clear() {} };
    // running variances that start at 100 (as a conv channel's start at 1 against a true ~1e-3) and,
    // at momentum 0.999, are still ~98 after the run's 15 steps
    await startRun({ ir: bnIR({ momentum: 0.999, radius: 2, movingVar: 100 }), specText: null, specPath: null, outDir: tmp(), buildModel, backend: CPU, command: [], progress: null, listener });
    expect(messages.filter((s) => s.startsWith("warning: batch norm's running statistics lag"))).toHaveLength(1);
  });

  it("and is silent when they have caught up (momentum 0.5)", async () => {
    const messages: string[] = [];
    const listener: ProgressListener = { step() {}, epoch() {}, message: (s) => void messages.push(s), clear() {} };
    await startRun({ ir: bnIR({ momentum: 0.5, radius: 2 }), specText: null, specPath: null, outDir: tmp(), buildModel, backend: CPU, command: [], progress: null, listener });
    expect(messages.filter((s) => s.includes("batch norm"))).toEqual([]);
  });
});
