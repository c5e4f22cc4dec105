// Amortised encoder flows inside the real model (buildModel on compiled specs): the encoder's head
// is widened by the flow's units, IWAE(K = 1) is the ELBO on the same noise, the loss's gradients
// reach the head columns that make the flow (finite differences), and representations are
// f_x(μ(x)) with each datapoint's own flow. cpu backend.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import type { ModelIR } from "../../../compiler/ir/types";
import type { CompiledModel } from "../../../runtime/model/compiled";
import { makeQFlow } from "../../../runtime/objectives/q-flow";
import { pointEstimate } from "../../../runtime/run/inference";
import { gradCheck, rng, useTestBackend } from "../model/gradcheck";
import { ringIR, useRingModels } from "./ring-model";

beforeAll(useTestBackend);

const specIR = (objective: string, prior = "Normal(0, I)"): ModelIR => ringIR({ name: "amortised", objective, prior });
const { build, x: batch } = useRingModels();
const num = (t: tf.Tensor): number => t.dataSync()[0]!;
const D = 2;

/** The encoder head's kernel, its flow columns scaled up so that every datapoint's flow matters. */
function head(m: CompiledModel, seed: number): tf.Variable {
  const k = m.variables.get("encoder/head/kernel")!;
  const [rows, cols] = k.shape as [number, number];
  const r = rng(seed);
  k.assign(tf.tensor2d(Array.from({ length: rows * cols }, (_, i) => (i % cols < 2 * D ? 0.4 : 1.2) * (2 * r() - 1)), [rows, cols]));
  return k;
}

describe.each(["planar", "sylvester"] as const)("an amortised %s encoder flow in the model", (kind) => {
  const flow = `q_flow: ${kind}(amortised: true), q_flow_layers: 2`;

  it("widens the encoder's head by the flow's units and declares no flow parameters of its own", () => {
    const ir = specIR(`elbo(${flow})`);
    const f = ir.objective.qFlow!;
    expect(f.kind).toBe(`amortised_${kind}`);
    const units = "units" in f ? f.units : 0;
    expect(units).toBe(kind === "planar" ? 2 * (2 * D + 1) : 2 * (D * D + D * D + 3 * D));
    expect(ir.encoder.output).toEqual([2 * D + units]);
    expect(ir.params.filter((p) => p.id.startsWith("q_flow/"))).toEqual([]);
  });

  it("IWAE(K = 1) = −ELBO(β = 1) on the same seed (N(0, I) and Laplace priors)", () => {
    for (const prior of ["Normal(0, I)", "Laplace(scale: 1)"]) {
      const elbo = build(specIR(`elbo(${flow})`, prior));
      const iwae = build(specIR(`iwae(k: 1, ${flow})`, prior));
      head(elbo, 4);
      head(iwae, 4);
      for (const seed of [3, 17]) {
        const [iw, e, plain] = tf.tidy(() => [num(tf.mean(iwae.iwae(batch(), 1, seed))), -num(elbo.loss(batch(), seed, false, { beta: 1 }).loss), -num(iwae.loss(batch(), seed, false).loss)]);
        expect(Math.abs(iw - e), `${prior}: ${iw} vs ${e}`).toBeLessThan(1e-4 * Math.abs(e) + 1e-5);
        expect(Math.abs(plain - e), `${prior}: the IWAE objective, K = 1`).toBeLessThan(1e-4 * Math.abs(e) + 1e-5);
      }
    }
  });

  it("the loss's gradients w.r.t. the head columns that make the flow match finite differences", () => {
    const m = build(specIR(`elbo(${flow})`));
    const k = head(m, 11);
    const cols = k.shape[1]!;
    const before = tf.tidy(() => num(m.loss(batch(), 7, false).loss));
    // the flow's columns only, a few per row of the kernel
    const entries = () => Array.from({ length: k.size }, (_, i) => i).filter((i) => i % cols >= 2 * D && i % 5 === 0);
    const r = gradCheck(() => m.loss(batch(), 7, false).loss, [k], { h: 1e-3, atol: 2e-2, rtol: 2e-2, entries });
    expect(r.mismatches).toEqual([]);
    expect(r.checked).toBeGreaterThanOrEqual(10);
    // and those columns matter: zeroing them changes the loss
    const kept = k.arraySync() as number[][];
    k.assign(tf.tensor2d(kept.map((row) => row.map((v, j) => (j < 2 * D ? v : 0)))));
    expect(Math.abs(tf.tidy(() => num(m.loss(batch(), 7, false).loss)) - before)).toBeGreaterThan(1e-3);
  });

  it("representations are f_x(μ(x)), each datapoint through its own flow", () => {
    const ir = specIR(`elbo(${flow})`);
    const m = build(ir);
    head(m, 2);
    const [got, want, shared, mu] = tf.tidy(() => {
      const q = m.encode(batch(), false);
      const f = makeQFlow(ir.objective.qFlow, m.variables)!;
      // every row with row 0's flow: what a global flow would do
      const row0 = tf.tile(tf.slice(q.flow!, [0, 0], [1, -1]), [q.flow!.shape[0], 1]) as tf.Tensor2D;
      return [pointEstimate(m, batch()).arraySync(), f.apply(q.mean, q.flow).arraySync(), f.apply(q.mean, row0).arraySync(), q.mean.arraySync()];
    });
    expect(got).toEqual(want);
    expect(got).not.toEqual(mu);
    expect(got.slice(1)).not.toEqual(shared.slice(1));
  });
});
