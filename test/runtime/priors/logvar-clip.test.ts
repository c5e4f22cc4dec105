// Adaptive variance clipping of a learned mixture's modes (clip_logvar, #19): the soft clip against
// a float64 hand computation of its rule; the range taken from the modes' log-variances at soft_intro's
// first introspective step; the prior's log-σ through it (value and finite-difference gradient); a
// stopped and resumed run equal to the straight one bit for bit, the clip state included.
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSource } from "../../../compiler/compile";
import type { ModelIR } from "../../../compiler/ir/types";
import { selectBackend } from "../../../runtime/backend/select";
import { buildModel } from "../../../runtime/model/build";
import { clipLogvar, clipRangeOf } from "../../../runtime/priors/logvar-clip";
import type { MixturePrior } from "../../../runtime/priors/mog";
import { readCheckpoint } from "../../../runtime/run/checkpoint";
import { checkpointPath } from "../../../runtime/run/run-dir";
import { resumeRun, startRun } from "../../../runtime/run/session";
import { cleanupTmp, CPU, metricsOf, tmp, weightsOf } from "../train/helpers";
import { CLIP_SPEC as SPEC } from "./clip-spec";

afterAll(cleanupTmp);
beforeAll(async () => {
  await selectBackend("cpu");
});

/** The rule written out in float64: v − softplus_β(v − hi) + softplus_β(lo − v), β = 10/(|hi − lo| + 1e-8). */
function handClip(v: number, lo: number, hi: number): number {
  if (lo === hi) return hi;
  const beta = 10 / (Math.abs(hi - lo) + 1e-8);
  const sp = (u: number) => Math.log1p(Math.exp(beta * u)) / beta;
  return v - sp(v - hi) + sp(lo - v);
}


function irOf(text: string): ModelIR {
  const c = compileSource(text, { file: "clipped.intel" });
  expect(c.check.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return c.ir!;
}

describe("the soft clip of log-variances", () => {
  const v = [-3, -1.2, -1, -0.4, 0, 0.5, 0.6, 2];
  const run = (clip: number[]) => tf.tidy(() => Array.from(clipLogvar(tf.tensor1d(v), tf.tensor1d(clip)).dataSync()));

  it("equals the rule computed by hand, inside and outside [lo, hi]", () => {
    const got = run([1, -1, 0.5]);
    v.forEach((x, i) => expect(got[i]!, `v = ${x}`).toBeCloseTo(handClip(x, -1, 0.5), 5));
    // it clamps: far outside, the range's ends; it is monotone
    expect(got[0]!).toBeCloseTo(-1, 3);
    expect(got[7]!).toBeCloseTo(0.5, 3);
    for (let i = 1; i < got.length; i++) expect(got[i]!).toBeGreaterThanOrEqual(got[i - 1]!);
  });

  it("is the identity while off, and pins every mode to hi when lo = hi", () => {
    expect(run([0, -1, 0.5])).toEqual(Array.from(Float32Array.from(v)));
    for (const x of run([1, 0.25, 0.25])) expect(x).toBeCloseTo(0.25, 6);
  });

  it("takes its range from the modes' log-variances", () => {
    expect(clipRangeOf([0.2, -1.4, 0.9])).toEqual([1, -1.4, 0.9]);
  });
});

describe("a learned mixture with clip_logvar", () => {
  it("keeps the clip as model state (lowered, not a parameter of any group)", () => {
    const ir = irOf(SPEC);
    const p = ir.latent.prior as Extract<ModelIR["latent"]["prior"], { kind: "mog" }>;
    expect(p.clip).toBe("prior/logvar_clip");
    expect(ir.state.map((s) => s.id)).toContain("prior/logvar_clip");
    expect(ir.train.groups!.flatMap((g) => g.params)).not.toContain("prior/logvar_clip");
  });

  it("clips log σ = ½·clip(2·log σ) once started, with the range of 2·log σ at the start; gradients match finite differences", () => {
    const model = buildModel(irOf(SPEC), 1);
    const prior = model.forward!().prior as MixturePrior;
    const logStd = model.variables.get("prior/log_std")!;
    const logSd = () => tf.tidy(() => Array.from(prior.components().logSd.dataSync()));
    logStd.assign(tf.tensor1d([-0.5, 0.1, -0.2, 0.3]));
    expect(logSd()).toEqual(Array.from(logStd.dataSync())); // off before the game
    expect(prior.startClip()).toBe(true);
    expect(prior.startClip()).toBe(false); // once
    const [on, lo, hi] = prior.clipState()!;
    expect(on).toBe(1);
    expect(lo).toBeCloseTo(-1, 6);
    expect(hi).toBeCloseTo(0.6, 6);
    logStd.assign(tf.tensor1d([-2, 0.1, 1, 0.3])); // two modes leave the range
    const raw = Array.from(logStd.dataSync());
    logSd().forEach((s, i) => expect(s, `mode ${i}`).toBeCloseTo(0.5 * handClip(2 * raw[i]!, lo!, hi!), 5));
    // d Σ c_k·log σ_k / d logStd against central differences
    const c = tf.tensor1d([0.3, -1, 2, 0.7]);
    const f = () => tf.sum(tf.mul(tf.reshape(prior.components().logSd, [4]), c)) as tf.Scalar;
    const { grads, value } = tf.variableGrads(f, [logStd]);
    const g = Array.from(grads[logStd.name]!.dataSync());
    tf.dispose([value, grads[logStd.name]!]);
    const h = 1e-3;
    for (let i = 0; i < 4; i++) {
      const at = (d: number) => {
        const p = raw.slice();
        p[i] = p[i]! + d;
        logStd.assign(tf.tensor1d(p));
        return tf.tidy(() => f().dataSync()[0]!);
      };
      const fd = (at(h) - at(-h)) / (2 * h);
      expect(Math.abs(g[i]! - fd), `mode ${i}`).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
    }
    c.dispose();
    model.dispose();
  });
});

describe("training with clip_logvar", () => {
  const start = (dir: string, extra: Partial<Parameters<typeof startRun>[0]> = {}) =>
    startRun({ ir: irOf(SPEC), specText: SPEC, specPath: null, outDir: dir, buildModel, backend: CPU, command: [], progress: null, ...extra });
  const stateOf = (dir: string) => readCheckpoint(checkpointPath(dir, "last")).modelState.map((t) => [t.name, Array.from(t.data)]);
  let straight = "";
  beforeAll(async () => {
    straight = tmp();
    await start(straight);
  });

  it("logs the clip range from the first introspective step on, as the modes' range then", async () => {
    const steps = metricsOf(straight).map((l) => JSON.parse(l)).filter((r) => r.type === "step");
    expect(steps).toHaveLength(6);
    expect(steps[0].prior_logvar_clip).toBeUndefined();
    expect(steps[1].prior_logvar_clip).toBeUndefined();
    // the range is fixed at step 3 (before its update) and never moves after
    const range = steps[2].prior_logvar_clip as number[];
    expect(range).toHaveLength(2);
    expect(range[0]!).toBeLessThan(range[1]!); // the plain steps moved the modes' variances apart
    for (const s of steps.slice(3)) expect(s.prior_logvar_clip).toEqual(range);
    // it is the range of 2·log σ after the two plain steps: rerun them and read log σ
    const b = tmp();
    const stop = { requested: false };
    await start(b, { stop, afterStep: (s) => void (s.step === 2 && (stop.requested = true)) });
    const atStart = weightsOf(b)["prior/log_std"]!.map((s) => 2 * s);
    expect(range[0]!).toBeCloseTo(Math.min(...atStart), 6);
    expect(range[1]!).toBeCloseTo(Math.max(...atStart), 6);
    const st = readCheckpoint(checkpointPath(b, "last")).modelState.find((t) => t.name === "prior/logvar_clip")!;
    expect(Array.from(st.data)[0]).toBe(0); // not on yet at the stop: a resume starts it at step 3
  });

  for (const at of [1, 4]) {
    it(`a stop after step ${at} and resume equals the straight run bit for bit, the clip state included`, async () => {
      const b = tmp();
      const stop = { requested: false };
      const r = await start(b, { stop, afterStep: (s) => void (s.step === at && (stop.requested = true)) });
      expect(r.result.status).toBe("interrupted");
      await resumeRun({ dir: b, buildModel, backend: CPU, command: [], progress: null });
      expect(metricsOf(b)).toEqual(metricsOf(straight));
      expect(weightsOf(b)).toEqual(weightsOf(straight));
      expect(stateOf(b)).toEqual(stateOf(straight));
      expect(stateOf(b).find(([n]) => n === "prior/logvar_clip")![1]).toHaveLength(3);
    });
  }
});
