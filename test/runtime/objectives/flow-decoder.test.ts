// The FlowDecoder likelihood (f-VAE's conditional flow on x, compiler/builtins/likelihoods/flow-decoder.ts):
// for a fixed decoder output μ(z), its log-det against a numerical Jacobian, inverse ∘ forward = the
// identity, that its density integrates to 1 (2-D quadrature), finite-difference gradients in the
// coupling nets and in z, that without layers it is the Gaussian likelihood bit for bit, the
// dequantisation's noise and the discrete bound's constants, and IWAE(K = 1) = ELBO on x̃.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileSource } from "../../../compiler/compile";
import type { LikelihoodIR, ModelIR } from "../../../compiler/ir/types";
import { buildModel } from "../../../runtime/model/build";
import { initialValue } from "../../../runtime/model/params";
import { dequantize, discreteBitsPerDim } from "../../../runtime/objectives/dequantize";
import { invertData, normalizeData } from "../../../runtime/objectives/flow-decoder";
import { disposeLikelihood, likelihoodMean, logLikelihood } from "../../../runtime/objectives/likelihood";
import { mulberry32, normalFrom } from "../../../runtime/random/seeds";
import { gradCheck, useTestBackend } from "../model/gradcheck";
import { logAbsDet } from "../flows/fixtures";

beforeAll(useTestBackend);

const LAYERS = 'actnorm(), affine_coupling(hidden: [5]), permute(order: "random", seed: 3), affine_coupling(hidden: [4], max_log_scale: 1), invertible_linear(seed: 2)';

function spec(d: number, layers: string, sigma = "0.3", objective = "elbo()"): string {
  return [
    `import "prelude"`,
    `model m {`,
    `  data x : Real[${d}] ~ csv(path: "unused.csv")`,
    `  encoder q(y | x) = mlp_encoder(hidden: [6])`,
    `  intermediary y : Real[2] ~ Normal(0, I)`,
    `  decoder p(x | y) : FlowDecoder(layers: [${layers}], sigma: ${sigma}) = mlp_decoder(hidden: [6])`,
    `  objective ${objective}`,
    `}`,
  ].join("\n");
}

function compiled(src: string): ModelIR {
  const r = compileSource(src, { file: "test/runtime/objectives/fd.intel" });
  const errors = r.check.diagnostics.filter((x) => x.severity === "error");
  if (errors.length || !r.ir) throw new Error(`the fixture does not compile: ${errors.map((e) => e.message).join("; ")}`);
  return r.ir;
}

let made = 0;
/** The likelihood's IR and its variables; every parameter gets N(init, std²) noise so no layer is the identity. */
function flowDecoder(d: number, layers = LAYERS, std = 0.4, seed = 5): { lik: Extract<LikelihoodIR, { kind: "flow_decoder" }>; params: Map<string, tf.Variable>; vars: tf.Variable[] } {
  const ir = compiled(spec(d, layers));
  const normal = normalFrom(mulberry32(seed));
  const params = new Map<string, tf.Variable>();
  const tag = made++;
  ir.params.forEach((p, i) => {
    if (!p.id.startsWith("likelihood/")) return;
    const v = tf.tidy(() => tf.add(initialValue(p.shape, p.init, 1000 + i) as tf.Tensor, tf.tensor(Float32Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, () => std * normal()), p.shape)));
    params.set(p.id, tf.variable(v, true, `fd-test/${tag}/${p.id}`));
  });
  if (ir.likelihood.kind !== "flow_decoder") throw new Error("not a FlowDecoder");
  return { lik: ir.likelihood, params, vars: [...params.values()] };
}

const X = [
  [0.31, 0.82, 0.05],
  [0.6, 0.12, 0.47],
  [0.95, 0.4, 0.7],
];
/** μ(z) of each row: held fixed for the flow's own checks */
const MU = [
  [0.4, 0.7, 0.2],
  [0.5, 0.3, 0.6],
  [0.8, 0.5, 0.5],
];

describe("the conditional flow for a fixed μ(z) (D = 3, random parameters)", () => {
  it("the lowering makes conditional couplings that read the 3 values of μ(z), parameters under likelihood/flow/", () => {
    const { lik, params } = flowDecoder(3);
    const couplings = lik.layers.filter((l) => l.kind === "affine_coupling");
    expect(couplings.map((c) => c.context)).toEqual([3, 3]);
    expect([...params.keys()].every((id) => id.startsWith("likelihood/flow/layer_"))).toBe(true);
    // the first coupling conditions on x's first value and μ: its first kernel is [1 + 3, 5]
    expect(params.get(couplings[0]!.kernels[0]!)!.shape).toEqual([4, 5]);
  });

  it("log |det ∂f/∂x̃| matches a central-difference Jacobian at every row", () => {
    const { lik, params } = flowDecoder(3);
    const h = 1e-2;
    const u = (x: number[][], mu: number[][]) => tf.tidy(() => normalizeData(lik, tf.tensor2d(x), tf.tensor2d(mu), params).u.arraySync() as number[][]);
    const logDet = tf.tidy(() => normalizeData(lik, tf.tensor2d(X), tf.tensor2d(MU), params).logDet.arraySync());
    X.forEach((x, r) => {
      const mus = Array.from({ length: 3 }, () => MU[r]!); // the same z for every perturbed copy
      const plus = u(Array.from({ length: 3 }, (_, b) => x.map((v, j) => (j === b ? v + h : v))), mus);
      const minus = u(Array.from({ length: 3 }, (_, b) => x.map((v, j) => (j === b ? v - h : v))), mus);
      const jac = Array.from({ length: 3 }, (_, a) => Array.from({ length: 3 }, (_, b) => (plus[b]![a]! - minus[b]![a]!) / (2 * h)));
      expect(Math.abs(logDet[r]! - logAbsDet(jac)), `row ${r}: ${logDet[r]} vs ${logAbsDet(jac)}`).toBeLessThan(2e-3);
    });
    // the flow is far from the identity, and depends on z: else the checks prove little
    expect(Math.max(...logDet.map(Math.abs))).toBeGreaterThan(0.1);
    const other = tf.tidy(() => normalizeData(lik, tf.tensor2d(X), tf.tensor2d(MU.map((m) => m.map((v) => 1 - v))), params).logDet.arraySync());
    expect(Math.max(...other.map((v, i) => Math.abs(v - logDet[i]!)))).toBeGreaterThan(1e-2);
  });

  it("inverse ∘ forward = identity given z (< 1e-5), and the decoder's point output is f⁻¹(μ; μ)", () => {
    const { lik, params } = flowDecoder(3);
    const back = tf.tidy(() => invertData(lik, normalizeData(lik, tf.tensor2d(X), tf.tensor2d(MU), params).u, tf.tensor2d(MU), params).arraySync() as number[][]);
    X.forEach((x, r) => x.forEach((v, j) => expect(Math.abs(back[r]![j]! - v)).toBeLessThan(1e-5)));
    const mode = tf.tidy(() => normalizeData(lik, likelihoodMean(lik, tf.tensor2d(MU), params), tf.tensor2d(MU), params).u.arraySync() as number[][]);
    MU.forEach((m, r) => m.forEach((v, j) => expect(Math.abs(mode[r]![j]! - v)).toBeLessThan(1e-5)));
  });

  it("the density integrates to 1 over the plane for fixed z (D = 2, midpoint rule, |1 − mass| < 5e-3)", () => {
    const { lik, params } = flowDecoder(2, 'actnorm(), affine_coupling(hidden: [5]), affine_coupling(hidden: [4]), permute(), affine_coupling(hidden: [3])', 0.3, 11);
    const [lo, hi, n] = [-3, 4, 350];
    const step = (hi - lo) / n;
    const mu = [0.3, 0.7];
    let mass = 0;
    for (let i = 0; i < n; i++) {
      const a = lo + (i + 0.5) * step;
      const rows = Array.from({ length: n }, (_, j) => [a, lo + (j + 0.5) * step]);
      mass += tf.tidy(() => tf.sum(tf.exp(logLikelihood(lik, tf.tensor2d(rows), tf.tensor2d(rows.map(() => mu)), params))).dataSync()[0]!) * step * step;
    }
    expect(Math.abs(1 - mass), `mass ${mass}`).toBeLessThan(5e-3);
  });

  it("log p(x̃ | z)'s gradients in the coupling nets, actnorm, the linear layer and z match finite differences", () => {
    const { lik, params, vars } = flowDecoder(3);
    // z → μ(z) = sigmoid(z·A): a fixed toy decoder, so that the gradient in z passes through the base's mean and every coupling's conditioner
    const z = tf.variable(tf.tensor2d([[0.3, -0.5], [1.2, 0.4], [-0.7, 0.9]]), true, "fd-test/z");
    const a = tf.keep(tf.tensor2d([[0.8, -0.4, 0.3], [0.2, 0.9, -0.6]]));
    const x = tf.keep(tf.tensor2d(X));
    const f = () => tf.sum(logLikelihood(lik, x, tf.sigmoid(tf.matMul(z, a)), params)) as tf.Scalar;
    const r = gradCheck(f, [...vars, z], { entries: (v) => [0, Math.floor(v.size / 2), v.size - 1] });
    expect(r.checked).toBeGreaterThan(40);
    expect(r.mismatches).toEqual([]);
    const gz = tf.tidy(() => tf.max(tf.abs(tf.variableGrads(f, [z]).grads[z.name]!)).dataSync()[0]!);
    expect(gz).toBeGreaterThan(1e-3);
    [z, a, x].forEach((t) => t.dispose());
    disposeLikelihood(lik, params);
  });
});

describe("without layers the FlowDecoder is the Gaussian likelihood", () => {
  it("fixed σ and learned σ: equal bit for bit", () => {
    const x = tf.tensor2d(X);
    const mu = tf.tensor2d(MU);
    const params = new Map([["ls", tf.variable(tf.tensor([-0.3, 0.2, 0.5]), true, "fd-test/ls")]]);
    const same = (a: LikelihoodIR, b: LikelihoodIR) => expect(Array.from(logLikelihood(a, x, mu, params).dataSync())).toEqual(Array.from(logLikelihood(b, x, mu, params).dataSync()));
    same({ kind: "flow_decoder", sigma: 0.3, layers: [], levels: 256 }, { kind: "gaussian", sigma: 0.3 });
    same({ kind: "flow_decoder", sigma: "learned", logSigma: "ls", layers: [], levels: 256 }, { kind: "gaussian", sigma: "learned", logSigma: "ls" });
  });
});

describe("dequantisation and the discrete bound", () => {
  it("x̃ = (k + u)/256 lies in x's cell [k/256, (k + 1)/256), u is seeded, and a seed makes the same x̃ bit for bit", () => {
    const k = Array.from({ length: 256 }, (_, i) => i);
    const x = tf.tensor2d([k.map((v) => v / 255)]);
    const a = dequantize(x, 256, 7).dataSync();
    k.forEach((v, i) => expect(Math.floor(a[i]! * 256)).toBe(v));
    expect(Array.from(dequantize(x, 256, 7).dataSync())).toEqual(Array.from(a));
    const b = dequantize(x, 256, 8).dataSync();
    expect(a.some((v, i) => v !== b[i])).toBe(true);
    // u ~ U(0, 1): its mean over the 256 values is ½ within 4 standard errors (1/√(12·256))
    const u = Array.from(a, (v, i) => v * 256 - i);
    expect(Math.abs(u.reduce((s, v) => s + v, 0) / 256 - 0.5)).toBeLessThan(4 / Math.sqrt(12 * 256));
  });

  it("bits/dim = (nll + D·ln 256)/(D·ln 2): 8 at nll 0, 0 at nll = −D·ln 256, a hand value", () => {
    expect(discreteBitsPerDim(0, 784, 256)).toBeCloseTo(8, 12);
    expect(discreteBitsPerDim(-784 * Math.log(256), 784, 256)).toBeCloseTo(0, 12);
    expect(discreteBitsPerDim(-2000, 784, 256)).toBeCloseTo(8 - 2000 / (784 * 0.6931471805599453), 12);
    expect(discreteBitsPerDim(0, 3, 2)).toBeCloseTo(1, 12);
  });

  it("the bound −E_u log p(x̃) + log 256 is ≥ −log P(x), and within 1e-3 of it, for a 1-D Gaussian (P(x) by quadrature)", () => {
    // p(x̃) = N(0.5, 0.1²) without layers; P(x = k/255) = ∫ p over the cell [k/256, (k + 1)/256) (Simpson, 200 panels)
    const dens = (t: number) => Math.exp(-0.5 * ((t - 0.5) / 0.1) ** 2) / (0.1 * Math.sqrt(2 * Math.PI));
    const cellMass = (k: number) => {
      const [a, b, n] = [k / 256, (k + 1) / 256, 200];
      const h = (b - a) / n;
      let s = dens(a) + dens(b);
      for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * dens(a + i * h);
      return (s * h) / 3;
    };
    const lik: LikelihoodIR = { kind: "flow_decoder", sigma: 0.1, layers: [], levels: 256 };
    for (const k of [100, 128, 170]) {
      const n = 4000;
      const xt = dequantize(tf.fill([n, 1], k / 255), 256, 3 + k);
      const nll = -tf.mean(logLikelihood(lik, xt, tf.fill([n, 1], 0.5), new Map())).dataSync()[0]! + Math.log(256);
      const exact = -Math.log(cellMass(k));
      expect(nll, `k = ${k}`).toBeGreaterThan(exact - 2e-4); // Monte Carlo error of E_u (4000 draws) is < 1e-4 here
      expect(nll - exact, `k = ${k}`).toBeLessThan(1e-3);
    }
  });
});

describe("a model with a FlowDecoder", () => {
  it("IWAE(K = 1) equals the ELBO on the same seed (the same x̃), and another seed dequantises differently", () => {
    // kl: "mc" puts the ELBO's KL on the same sample of y as IWAE's log-ratio (the analytic KL equals it only in expectation)
    const ir = compiled(spec(3, LAYERS, '"learned"', 'elbo(kl: "mc")'));
    const model = buildModel(ir, 4);
    const x = tf.tensor2d(X);
    const elbo = (seed: number) => tf.tidy(() => -model.loss(x, seed, false).loss.dataSync()[0]!);
    const iwae = tf.tidy(() => tf.mean(model.iwae(x, 1, 9)).dataSync()[0]!);
    expect(Math.abs(iwae - elbo(9))).toBeLessThan(1e-4 * Math.max(1, Math.abs(iwae)));
    expect(elbo(9)).toBe(elbo(9));
    expect(Math.abs(elbo(9) - elbo(10))).toBeGreaterThan(1e-4);
    model.dispose();
  });
});
