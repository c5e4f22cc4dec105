// The same guarantees with the real IR interpreter (runtime/model/build.ts) on a small sparse
// InteL-VAE with a batch-norm layer (so the checkpoint carries model state too).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LayerIR, ModelIR } from "../../../compiler/ir/types";
import { selectBackend } from "../../../runtime/backend/select";
import { buildModel } from "../../../runtime/model/build";
import { readCheckpoint } from "../../../runtime/run/checkpoint";
import { checkpointPath } from "../../../runtime/run/run-dir";
import { resumeRun, startRun } from "../../../runtime/run/session";
import { AT, mlpVae, sparseMapping } from "../fixtures/ir";
import { makeEncodeCommand, makeEvalCommand, makeSampleCommand } from "../../../cli/inference-commands";
import { bufferIo } from "../../../cli/io";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cleanupTmp, CPU, metricsOf, tmp, weightsOf } from "./helpers";
import { OPT, SETTINGS } from "../fixtures/train-ir";

afterAll(cleanupTmp);

function sparseRingIR(): ModelIR {
  const ir = mlpVae({ data: [2], hidden: [8], latent: 2, activation: "tanh", likelihood: { kind: "gaussian", sigma: "learned" }, mapping: (p, d) => sparseMapping(p, d, 5) });
  // batch norm after the encoder's first dense layer
  const bn: LayerIR = {
    kind: "batch_norm",
    gamma: "encoder/bn/gamma",
    beta: "encoder/bn/beta",
    movingMean: "encoder/bn/moving_mean",
    movingVar: "encoder/bn/moving_var",
    momentum: 0.9,
    epsilon: 1e-3,
    in: [8],
    out: [8],
    at: AT,
  };
  ir.encoder.layers.splice(1, 0, bn);
  ir.params.push({ id: "encoder/bn/gamma", shape: [8], init: { kind: "ones" }, at: AT }, { id: "encoder/bn/beta", shape: [8], init: { kind: "zeros" }, at: AT });
  ir.state.push({ id: "encoder/bn/moving_mean", shape: [8], init: { kind: "zeros" }, at: AT }, { id: "encoder/bn/moving_var", shape: [8], init: { kind: "ones" }, at: AT });
  ir.data = { name: "x", source: "ring", args: { n: 96, noise: 0.05 }, shape: [2], range: null, at: AT };
  ir.train = { optimizer: { ...OPT.adam, lr: 0.01 }, groups: null, scheme: null, batch: 16, epochs: 3, earlyStop: 0, seed: 3, validation: 16, checkpointEvery: 1, settings: SETTINGS };
  return ir;
}

const start = (dir: string, extra: Partial<Parameters<typeof startRun>[0]> = {}) =>
  startRun({ ir: sparseRingIR(), specText: null, specPath: null, outDir: dir, buildModel, backend: CPU, command: [], progress: null, ...extra });
const resume = (dir: string, epochs?: number) => resumeRun({ dir, buildModel, backend: CPU, command: [], progress: null, epochs });

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("training the real model", () => {
  let straight = "";
  beforeAll(async () => {
    straight = tmp();
    await start(straight);
  });

  it("learns: the loss goes down, the penalty is reported, batch-norm state is checkpointed", () => {
    const epochs = metricsOf(straight).map((l) => JSON.parse(l)).filter((r) => r.type === "epoch");
    expect(epochs).toHaveLength(3);
    expect(epochs[2].train.loss).toBeLessThan(epochs[0].train.loss);
    expect(Object.keys(epochs[0].train.penalties)).toEqual(["sparsity"]);
    const c = readCheckpoint(checkpointPath(straight, "last"));
    expect(c.modelState.map((t) => t.name)).toEqual(["encoder/bn/moving_mean", "encoder/bn/moving_var"]);
    expect(Array.from(c.modelState[0]!.data).some((v) => v !== 0)).toBe(true);
  });

  it("same seed → identical metrics and weights", async () => {
    const again = tmp();
    await start(again);
    expect(metricsOf(again)).toEqual(metricsOf(straight));
    expect(weightsOf(again)).toEqual(weightsOf(straight));
  });

  it("1 epoch + resume, and a mid-epoch stop + resume, both equal the straight run bit for bit", async () => {
    const a = tmp();
    await start(a, { epochs: 1 });
    await resume(a, 3);
    expect(metricsOf(a)).toEqual(metricsOf(straight));
    expect(weightsOf(a)).toEqual(weightsOf(straight));

    const b = tmp();
    const stop = { requested: false };
    const r = await start(b, { stop, afterStep: (s) => void (s.step === 8 && (stop.requested = true)) });
    expect(r.result.status).toBe("interrupted");
    await resume(b);
    expect(metricsOf(b)).toEqual(metricsOf(straight));
    expect(weightsOf(b)).toEqual(weightsOf(straight));
  });

  it("eval, sample and encode work on the real model's run", async () => {
    const deps = { tty: false, signals: false };
    const io = bufferIo();
    expect(await makeEvalCommand(deps)([straight, "--k", "8", "--backend", "cpu"], io), io.stderr()).toBe(0);
    const json = JSON.parse(io.stdout());
    expect(json.splits.validation.n).toBe(16);
    expect(Number.isFinite(json.splits.test.iwae_nll)).toBe(true);
    expect(await makeSampleCommand(deps)([straight, "-n", "5", "--backend", "cpu"], bufferIo())).toBe(0);
    expect(readFileSync(join(straight, "samples.csv"), "utf8").trim().split("\n")).toHaveLength(6);
    expect(await makeEncodeCommand(deps)([straight, "--data", "test", "--backend", "cpu"], bufferIo())).toBe(0);
    expect(readFileSync(join(straight, "z-test.csv"), "utf8").split("\n")[0]).toBe("z0,z1");
  });
});
