// GECO (runtime/objectives/constraint.ts): the λ update on a scripted constraint sequence against a
// hand computation, REWO's hold, the loss KL + λ·(recon − κ) from its terms, central-difference
// gradients, λ in metrics.jsonl, and a run interrupted mid-epoch and resumed equal to the straight
// run bit for bit, λ and the moving average included. cpu backend.
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelIR } from "../../../compiler/ir/types";
import { buildModel } from "../../../runtime/model/build";
import type { CompiledModel } from "../../../runtime/model/compiled";
import { initialConstraint, nextConstraint, type ConstraintState } from "../../../runtime/objectives/constraint";
import { readCheckpoint } from "../../../runtime/run/checkpoint";
import { checkpointPath } from "../../../runtime/run/run-dir";
import { resumeRun, startRun } from "../../../runtime/run/session";
import { gradCheck, useTestBackend } from "../model/gradcheck";
import { cleanupTmp, CPU, metricsOf, tmp, weightsOf } from "../train/helpers";
import { ringIR, useRingModels } from "./ring-model";

beforeAll(useTestBackend);
afterAll(cleanupTmp);

const specIR = (objective: string): ModelIR => ringIR({ name: "geco", objective, epochs: 3 });
type Geco = Extract<ModelIR["objective"], { kind: "geco" }>;
const gecoOf = (ir: ModelIR): Geco => ir.objective as Geco;

describe("the λ update", () => {
  it("follows ĉ ← α·ĉ + (1 − α)·(recon − κ), λ ← clip(λ·exp(rate·ĉ)) on a scripted sequence, by hand", () => {
    const o = gecoOf(specIR("geco(kappa: 2, alpha: 0.5, rate: 0.1, lambda_init: 1, lambda_range: [0.5, 1.3])"));
    const recons = [4, 3, 1, 0, 6];
    // by hand: c = 2, 1, −1, −2, 4
    // ĉ: 2 (first), 0.5·2 + 0.5·1 = 1.5, 0.5·1.5 − 0.5 = 0.25, 0.125 − 1 = −0.875, −0.4375 + 2 = 1.5625
    // λ: e^0.2 = 1.2214, ·e^0.15 = 1.4191 → 1.3 (clipped), ·e^0.025 = 1.3329 → 1.3, ·e^−0.0875 = 1.1911, ·e^0.15625 = 1.3926 → 1.3
    const averages = [2, 1.5, 0.25, -0.875, 1.5625];
    const lambdas = [Math.exp(0.2), 1.3, 1.3, 1.3 * Math.exp(-0.0875), 1.3];
    let s: ConstraintState = initialConstraint(o);
    expect(s).toEqual({ lambda: 1, average: null, klOn: true });
    recons.forEach((r, i) => {
      s = nextConstraint(o, s, r);
      expect(s.average).toBeCloseTo(averages[i]!, 12);
      expect(s.lambda).toBeCloseTo(lambdas[i]!, 12);
    });
  });

  it("REWO holds λ and leaves the KL off until ĉ ≤ 0 first, then updates as GECO", () => {
    const o = gecoOf(specIR('geco(kappa: 2, alpha: 0.5, rate: 0.1, schedule: "rewo")'));
    let s = initialConstraint(o);
    expect(s.klOn).toBe(false);
    s = nextConstraint(o, s, 5); // ĉ = 3
    expect(s).toEqual({ lambda: 1, average: 3, klOn: false });
    s = nextConstraint(o, s, -2); // ĉ = 0.5·3 + 0.5·(−4) = −0.5: holds, λ updates at once
    expect(s.klOn).toBe(true);
    expect(s.lambda).toBeCloseTo(Math.exp(-0.05), 12);
    s = nextConstraint(o, s, 10); // stays on
    expect(s.klOn).toBe(true);
  });
});

describe("the GECO loss", () => {
  const { build, x: batch } = useRingModels();
  const read = (m: CompiledModel, c?: ConstraintState) =>
    tf.tidy(() => {
      const t = m.loss(batch(), 4, false, c ? { constraint: c } : {});
      return { loss: t.loss.dataSync()[0]!, recon: t.recon.dataSync()[0]!, kl: t.kl.dataSync()[0]! };
    });

  it("is KL + λ·(recon − κ) with the state's λ, and λ·(recon − κ) while REWO keeps the KL off", () => {
    const m = build(specIR("geco(kappa: 1.5)"));
    const t = read(m, { lambda: 3.25, average: 0.1, klOn: true });
    expect(t.loss).toBeCloseTo(t.kl + 3.25 * (t.recon - 1.5), 4);
    const off = read(m, { lambda: 3.25, average: 0.1, klOn: false });
    expect(off.loss).toBeCloseTo(3.25 * (off.recon - 1.5), 4);
    expect(read(m).loss).toBeCloseTo(t.kl + (t.recon - 1.5), 4); // no state: λ_init = 1
  });

  it("its gradients match central differences", () => {
    const m = build(specIR("geco(kappa: 1.5, lambda_init: 2.5)"));
    const vars = [...m.variables.values()];
    const g = gradCheck(() => m.loss(batch(), 4, false, { constraint: { lambda: 2.5, average: 0, klOn: true } }).loss, vars, { h: 1e-2, atol: 3e-3, rtol: 2e-2, entries: (v) => [0, v.size - 1] });
    expect(g.mismatches).toEqual([]);
  });
});

describe("λ as training state", () => {
  const ir = () => specIR("geco(kappa: 0.5, alpha: 0.9, rate: 0.05)");
  const start = (dir: string, extra: Partial<Parameters<typeof startRun>[0]> = {}) =>
    startRun({ ir: ir(), specText: null, specPath: null, outDir: dir, buildModel, backend: CPU, command: [], progress: null, ...extra });
  const resume = (dir: string) => resumeRun({ dir, buildModel, backend: CPU, command: [], progress: null });

  it("is logged, checkpointed, and a mid-epoch stop + resume equals the straight run bit for bit", async () => {
    const straight = tmp();
    await start(straight);
    const lines = metricsOf(straight).map((l) => JSON.parse(l) as Record<string, unknown>);
    const epochs = lines.filter((r) => r.type === "epoch");
    expect(epochs).toHaveLength(3);
    for (const e of epochs) expect(typeof e.lambda === "number" && typeof e.constraint === "number").toBe(true);
    expect(new Set(epochs.map((e) => e.lambda)).size).toBe(3); // λ moves
    const last = readCheckpoint(checkpointPath(straight, "last")).state.constraint!;
    expect(last.lambda).toBe(epochs[2]!.lambda);
    expect(last.average).toBe(epochs[2]!.constraint);

    const b = tmp();
    const stop = { requested: false };
    const r = await start(b, { stop, afterStep: (s) => void (s.step === 7 && (stop.requested = true)) });
    expect(r.result.status).toBe("interrupted");
    await resume(b);
    expect(metricsOf(b)).toEqual(metricsOf(straight));
    expect(weightsOf(b)).toEqual(weightsOf(straight));
    expect(readCheckpoint(checkpointPath(b, "last")).state.constraint).toEqual(last);
  });
});
