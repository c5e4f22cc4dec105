// The ELBO's options and encoder flows inside the real model (buildModel on compiled specs): kl "mc"
// averages to the analytic KL, samples: S averages the reconstruction over S draws, IWAE(K = 1) is
// the ELBO with a q flow on the same noise, the loss's gradients reach the flow's parameters
// correctly, and representations are f(μ(x)). cpu backend.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import type { ModelIR } from "../../../compiler/ir/types";
import { buildModel } from "../../../runtime/model/build";
import type { CompiledModel } from "../../../runtime/model/compiled";
import { reparamNoise } from "../../../runtime/model/random";
import { makeQFlow } from "../../../runtime/objectives/q-flow";
import { pointEstimate } from "../../../runtime/run/inference";
import { awayFromZero, gradCheck, rng, useTestBackend } from "../model/gradcheck";
import { ringIR, useRingModels } from "./ring-model";

beforeAll(useTestBackend);

const specIR = (objective: string, prior = "Normal(0, I)"): ModelIR => ringIR({ name: "opts", objective, prior });

const { build, x: batch } = useRingModels();
const num = (t: tf.Tensor): number => t.dataSync()[0]!;

/**
 * Moves the flow's parameters far from their near-identity start, so the flow matters. Householder
 * vectors (".../q") get norms away from 0, where normalising them v/‖v‖ is strongly curved.
 */
function perturbFlow(m: CompiledModel, seed: number, scale = 0.8): tf.Variable[] {
  const r = rng(seed);
  const flow = [...m.variables.entries()].filter(([id]) => id.startsWith("q_flow/"));
  for (const [id, v] of flow) {
    const values = id.endsWith("/q") ? awayFromZero(r, v.size, 1, 2) : Array.from({ length: v.size }, () => scale * (2 * r() - 1));
    v.assign(tf.tensor(values, v.shape));
  }
  return flow.map(([, v]) => v);
}

const meanSe = (d: number[]) => {
  const m = d.reduce((a, b) => a + b, 0) / d.length;
  return { m, se: Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / (d.length - 1) / d.length) };
};

describe('kl: "mc" and samples: S without a flow', () => {
  it('kl "mc" draws the default path\'s y (same reconstruction) and averages to the analytic KL (300 seeds, < 4 s.e.)', () => {
    const auto = build(specIR("elbo()"));
    const mc = build(specIR('elbo(kl: "mc")'));
    const analytic = tf.tidy(() => num(auto.loss(batch(), 5, false).kl));
    const draws = Array.from({ length: 300 }, (_, s) =>
      tf.tidy(() => {
        const [a, b] = [auto.loss(batch(), s + 1, false), mc.loss(batch(), s + 1, false)];
        expect(num(b.recon)).toBe(num(a.recon));
        return num(b.kl);
      }),
    );
    const { m, se } = meanSe(draws);
    expect(Math.abs(m - analytic), `${m} ± ${se} vs ${analytic}`).toBeLessThan(4 * se);
    expect(new Set(draws).size).toBeGreaterThan(250); // a Monte Carlo KL, not the analytic one
  });

  it("samples: 3 averages −log p(x|g(y_s)) over the rows of chunk-0 noise [3·B, D], sample-major; the analytic KL is unchanged", () => {
    const one = build(specIR("elbo()"));
    const three = build(specIR("elbo(samples: 3)"));
    const seed = 9;
    const { got, want, kl1, kl3 } = tf.tidy(() => {
      const t = three.loss(batch(), seed, false);
      const { mean, logvar } = three.encode(batch(), false);
      const eps = reparamNoise(seed, 24, 2, 0);
      const parts = [0, 1, 2].map((c) => {
        const e = tf.slice(eps, [8 * c, 0], [8, -1]);
        const y = tf.add(mean, tf.mul(tf.exp(tf.mul(logvar, 0.5)), e)) as tf.Tensor2D;
        return num(tf.mean(three.logLikelihood(batch(), three.decode(three.map(y, false).z, false))));
      });
      return { got: num(t.recon), want: -(parts[0]! + parts[1]! + parts[2]!) / 3, kl1: num(one.loss(batch(), seed, false).kl), kl3: num(t.kl) };
    });
    expect(Math.abs(got - want)).toBeLessThan(1e-5 * Math.abs(want) + 1e-6);
    expect(kl3).toBe(kl1);
  });

  it("samples: S with kl \"mc\": the KL's spread over seeds shrinks like 1/√S", () => {
    const spread = (ir: ModelIR) => {
      const m = build(ir);
      const d = Array.from({ length: 80 }, (_, s) => tf.tidy(() => num(m.loss(batch(), s + 1, false).kl)));
      return meanSe(d).se;
    };
    const [s1, s16] = [spread(specIR('elbo(kl: "mc")')), spread(specIR('elbo(kl: "mc", samples: 16)'))];
    expect(s16).toBeLessThan(0.5 * s1); // 1/√16 = 0.25 in expectation
  });
});

describe.each(["planar", "sylvester"] as const)("a %s encoder flow in the model", (kind) => {
  it("IWAE(K = 1) = −ELBO(β = 1) on the same seed (N(0, I) and Laplace priors)", () => {
    for (const prior of ["Normal(0, I)", "Laplace(scale: 1)"]) {
      const elbo = build(specIR(`elbo(q_flow: "${kind}", q_flow_layers: 2)`, prior));
      const iwae = build(specIR(`iwae(k: 1, q_flow: "${kind}", q_flow_layers: 2)`, prior));
      perturbFlow(elbo, 4);
      perturbFlow(iwae, 4);
      for (const seed of [3, 17]) {
        const [iw, e, plain] = tf.tidy(() => [num(tf.mean(iwae.iwae(batch(), 1, seed))), -num(elbo.loss(batch(), seed, false, { beta: 1 }).loss), -num(iwae.loss(batch(), seed, false).loss)]);
        expect(Math.abs(iw - e), `${prior}: ${iw} vs ${e}`).toBeLessThan(1e-4 * Math.abs(e) + 1e-5);
        expect(Math.abs(plain - e), `${prior}: the IWAE objective, K = 1`).toBeLessThan(1e-4 * Math.abs(e) + 1e-5);
      }
    }
  });

  it("the flow changes the loss, and the loss's gradients w.r.t. its parameters match finite differences", () => {
    const m = build(specIR(`elbo(q_flow: "${kind}", q_flow_layers: 2)`));
    const before = tf.tidy(() => num(m.loss(batch(), 7, false).loss));
    const vars = perturbFlow(m, 11);
    const after = tf.tidy(() => num(m.loss(batch(), 7, false).loss));
    expect(Math.abs(after - before)).toBeGreaterThan(1e-3);
    // the loss (~30) is strongly curved in the flow (σ = 0.3): a small step, float32 noise allowed for
    const r = gradCheck(() => m.loss(batch(), 7, false).loss, vars, { h: 1e-3, atol: 2e-2, rtol: 2e-2 });
    expect(r.mismatches).toEqual([]);
    expect(r.checked).toBeGreaterThanOrEqual(10);
  });

  it("representations are f(μ(x))", () => {
    const ir = specIR(`elbo(q_flow: "${kind}", q_flow_layers: 2)`);
    const m = build(ir);
    perturbFlow(m, 2);
    const [got, want, mu] = tf.tidy(() => {
      const mean = m.encode(batch(), false).mean;
      return [pointEstimate(m, batch()).arraySync(), makeQFlow(ir.objective.qFlow, m.variables)!.apply(mean).arraySync(), mean.arraySync()];
    });
    expect(got).toEqual(want);
    expect(got).not.toEqual(mu);
  });
});
