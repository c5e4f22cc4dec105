// The tc_elbo objective inside the real model (buildModel on compiled specs): its loss is
// recon + γ·KL + (α − γ)·MI + (β − γ)·TC from its own reported terms, α = β = γ = 1 is the ELBO on
// the same noise, the data set's size reaches the estimator, the loss's gradients match central
// differences, and the training loop records MI, TC and the dimension-wise KL in its metrics.
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelIR } from "../../../compiler/ir/types";
import { makeDataset } from "../../../runtime/data/dataset";
import { buildModel } from "../../../runtime/model/build";
import type { CompiledModel, LossOptions } from "../../../runtime/model/compiled";
import { trainModel } from "../../../runtime/train/loop";
import { makeOptimizer } from "../../../runtime/train/optimizer";
import { resumeRun, startRun } from "../../../runtime/run/session";
import { gradCheck, useTestBackend } from "../model/gradcheck";
import { cleanupTmp, CPU, metricsOf, tmp, weightsOf } from "../train/helpers";
import { ringIR, useRingModels } from "./ring-model";

beforeAll(useTestBackend);

const specIR = (objective: string, d = 3): ModelIR => ringIR({ name: "tc", objective, d, epochs: 2 });

const { build, x: batch } = useRingModels();
afterAll(cleanupTmp);
const num = (t: tf.Tensor): number => t.dataSync()[0]!;

function terms(m: CompiledModel, seed: number, opts: LossOptions = {}) {
  return tf.tidy(() => {
    const t = m.loss(batch(), seed, false, opts);
    const e = Object.fromEntries(Object.entries(t.estimates ?? {}).map(([k, v]) => [k, num(v)]));
    return { loss: num(t.loss), recon: num(t.recon), kl: num(t.kl), e };
  });
}

describe("tc_elbo", () => {
  it("lowers groups and group_size to the IR's partition", () => {
    expect(specIR("tc_elbo()").objective).toEqual({ kind: "tc_elbo", alpha: 1, beta: 6, gamma: 1, sampling: "mss", groups: null });
    expect(specIR("tc_elbo(group_size: 2)").objective).toMatchObject({ groups: [[0, 1], [2]] });
    expect(specIR("tc_elbo(groups: [[2, 0], [1]])").objective).toMatchObject({ groups: [[2, 0], [1]] });
  });

  it("loss = recon + γ·KL + (α − γ)·MI + (β − γ)·TC from its reported terms (MI + TC + dim-KL near KL)", () => {
    const m = build(specIR('tc_elbo(alpha: 2, beta: 6, gamma: 0.5, sampling: "mss")'));
    const t = terms(m, 4, { datasetSize: 50 });
    expect(Object.keys(t.e).sort()).toEqual(["dim_kl", "mi", "tc"]);
    expect(t.loss).toBeCloseTo(t.recon + 0.5 * t.kl + 1.5 * t.e.mi! + 5.5 * t.e.tc!, 4);
  });

  it("with groups the TC weighted by β is the TC between groups (reported as tc_groups)", () => {
    const m = build(specIR("tc_elbo(beta: 3, groups: [[0, 1], [2]])"));
    const t = terms(m, 4, { datasetSize: 50 });
    expect(t.loss).toBeCloseTo(t.recon + t.kl + 2 * t.e.tc_groups!, 4);
    expect(t.e.tc_groups).not.toBeCloseTo(t.e.tc!, 3);
  });

  it("α = β = γ = 1 is the ELBO on the same noise (bit for bit in recon and KL)", () => {
    const a = terms(build(specIR("tc_elbo(alpha: 1, beta: 1, gamma: 1)")), 9, { datasetSize: 50 });
    const b = terms(build(specIR("elbo()")), 9);
    expect(a.recon).toBe(b.recon);
    expect(a.kl).toBe(b.kl);
    expect(a.loss).toBeCloseTo(b.loss, 5);
  });

  it("the data set's size N changes MI (the stratified weights), and N = B is the default outside training", () => {
    const m = build(specIR("tc_elbo()"));
    const small = terms(m, 4);
    const eight = terms(m, 4, { datasetSize: 8 });
    const big = terms(m, 4, { datasetSize: 5000 });
    expect(small.e.mi).toBe(eight.e.mi);
    expect(big.e.mi).not.toBeCloseTo(small.e.mi!, 2);
  });

  it("the loss's gradients match central differences in every encoder variable", () => {
    const m = build(specIR("tc_elbo(alpha: 2, beta: 6, gamma: 1, groups: [[0, 2], [1]])"));
    const vars = [...m.variables.entries()].filter(([id]) => id.startsWith("encoder")).map(([, v]) => v);
    expect(vars.length).toBeGreaterThan(0);
    const g = gradCheck(() => m.loss(batch(), 4, false, { datasetSize: 50 }).loss, vars, { h: 1e-2, atol: 3e-3, rtol: 2e-2, entries: (v) => [0, 1, v.size - 1] });
    expect(g.mismatches).toEqual([]);
  });

  it("training records MI, TC and dim-KL per step and per epoch", async () => {
    const ir = specIR("tc_elbo(beta: 4)");
    const m = build(ir);
    const data = makeDataset(new Float32Array(Array.from({ length: 60 }, (_, i) => Math.sin(i))), [2], null);
    const records: Record<string, unknown>[] = [];
    const settings = { ...ir.train, batch: 10, epochs: 2, settings: { ...ir.train.settings, log_every: 1 } };
    await trainModel({ model: m, optimizer: makeOptimizer(settings.optimizer), train: data, validation: null, settings, runSeed: 3, hooks: { metric: (r) => records.push(r), checkpoint: async () => "" } });
    const epochs = records.filter((r) => r.type === "epoch") as { train: { estimates?: Record<string, number> } }[];
    expect(epochs).toHaveLength(2);
    for (const e of epochs) expect(Object.keys(e.train.estimates ?? {}).sort()).toEqual(["dim_kl", "mi", "tc"]);
    const step = records.find((r) => r.type === "step") as { estimates?: Record<string, number> };
    expect(Number.isFinite(step.estimates?.tc)).toBe(true);
  });

  it("a run stopped mid-epoch and resumed equals the straight run bit for bit (the estimates' epoch sums are checkpointed)", async () => {
    const start = (dir: string, extra: Partial<Parameters<typeof startRun>[0]> = {}) =>
      startRun({ ir: specIR("tc_elbo(beta: 4, group_size: 2)"), specText: null, specPath: null, outDir: dir, buildModel, backend: CPU, command: [], progress: null, ...extra });
    const straight = tmp();
    await start(straight);
    const b = tmp();
    const stop = { requested: false };
    const r = await start(b, { stop, afterStep: (s) => void (s.step === 3 && (stop.requested = true)) });
    expect(r.result.status).toBe("interrupted");
    await resumeRun({ dir: b, buildModel, backend: CPU, command: [], progress: null });
    const epochs = metricsOf(straight).filter((l) => l.includes('"type":"epoch"'));
    expect(epochs.length).toBe(2);
    expect(epochs[0]).toContain('"tc_groups"');
    expect(metricsOf(b)).toEqual(metricsOf(straight));
    expect(weightsOf(b)).toEqual(weightsOf(straight));
  });
});
