// The learned hierarchical prior (runtime/priors/hierarchical.ts) on a tiny 1-D case (ζ and y scalars,
// MLPs of 8 hidden units): the importance-weighted bound L_K(y) against log p(y) by quadrature over ζ,
// K = 1 against the single-sample bound written out by hand, E[L_K] increasing with K and below
// log p(y), finite-difference gradients in y and in both networks' weights, samples against the
// quadrature density, the compiler's view (--verbose, baseline, IV5050, IV5006, IV3060, IWAE(1) = ELBO)
// and resuming a run bit for bit.
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSource } from "../../../compiler/compile";
import { describeModel } from "../../../compiler/describe";
import type { NetworkIR, PriorIR } from "../../../compiler/ir/types";
import { buildModel } from "../../../runtime/model/build";
import type { CompiledModel } from "../../../runtime/model/compiled";
import { runNetwork } from "../../../runtime/model/network";
import { HierarchicalPrior } from "../../../runtime/priors/hierarchical";
import { resumeRun, startRun } from "../../../runtime/run/session";
import { gradCheck, useTestBackend } from "../model/gradcheck";
import { cleanupTmp, CPU, metricsOf, tmp, weightsOf } from "../train/helpers";
import { RING_SMALL, tinySpec } from "../../tiny-spec";

beforeAll(useTestBackend);
afterAll(cleanupTmp);

const compile = (prior: string, d = 1, objective?: string) =>
  compileSource(tinySpec({ name: "h", d, prior, data: RING_SMALL, hidden: 8, sigma: 0.3, ...(objective ? { objective } : {}) }), { file: "test/runtime/priors/h.intel" });

/** p-net kernels × SCALE: a bimodal-ish p(y), and a q(ζ | y) far from the posterior */
const SCALE = 1.6;

type HIR = Extract<PriorIR, { kind: "hierarchical" }>;

/** A 1-D prior whose p-net kernels are scaled up (SCALE). */
function tinyPrior(): { prior: HierarchicalPrior; model: CompiledModel; ir: HIR } {
  const ir = compile("Hierarchical(zeta: 1, hidden: [8], k: 1)").ir!;
  const model = buildModel(ir, 3);
  const hir = ir.latent.prior as HIR;
  for (const l of hir.p.layers) if (l.kind === "dense") tf.tidy(() => model.variables.get(l.kernel)!.assign(tf.mul(model.variables.get(l.kernel)!, SCALE)));
  return { prior: new HierarchicalPrior(hir, model.variables, 1), model, ir: hir };
}

const net = (n: NetworkIR, x: number[], vars: Map<string, tf.Variable>): number[][] =>
  tf.tidy(() => runNetwork(n, tf.tensor2d(x, [x.length, 1]), { params: vars, state: new Map(), training: false, seed: 1 }).arraySync() as number[][]);

const logN = (x: number, m: number, lv: number) => -0.5 * ((x - m) ** 2 * Math.exp(-lv) + lv + Math.log(2 * Math.PI));

/** log p(y) = log ∫ N(y; μ_p(ζ), e^{lv_p(ζ)}) N(ζ; 0, 1) dζ, trapezoid on [−10, 10] in float64 */
function quadrature(ir: HIR, vars: Map<string, tf.Variable>, ys: number[]): number[] {
  const n = 40001;
  const grid = Array.from({ length: n }, (_, i) => -10 + (20 * i) / (n - 1));
  const out = net(ir.p, grid, vars);
  const h = 20 / (n - 1);
  return ys.map((y) => {
    const terms = grid.map((z, i) => logN(y, out[i]![0]!, out[i]![1]!) + logN(z, 0, 0));
    const m = Math.max(...terms);
    const s = terms.reduce((a, t, i) => a + Math.exp(t - m) * (i === 0 || i === n - 1 ? 0.5 : 1), 0);
    return m + Math.log(s * h);
  });
}

/** L_K on `rows` copies of each y, fresh η per row: [ys.length][rows] */
function bounds(p: HierarchicalPrior, ys: number[], k: number, rows: number, seed: number): number[][] {
  return tf.tidy(() => {
    const y = tf.tensor2d(ys.flatMap((v) => new Array<number>(rows).fill(v)), [ys.length * rows, 1]);
    const eta = tf.randomNormal([ys.length * rows, k, 1], 0, 1, "float32", seed) as tf.Tensor3D;
    const b = p.bound(y, eta).dataSync();
    return ys.map((_, i) => Array.from(b.subarray(i * rows, (i + 1) * rows)));
  });
}
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const se = (a: number[]) => {
  const m = mean(a);
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1) / a.length);
};

describe("hierarchical prior: the importance-weighted bound", () => {
  const YS = [-1.5, 0, 0.4, 2];

  it("reaches log p(y) by quadrature as K grows (K = 20 000, q(ζ | y) set to a wide N(0, 1.5²))", () => {
    const { prior, model, ir } = tinyPrior();
    // an untrained q(ζ | y) can miss the posterior's mass entirely (the bound stays valid but converges
    // slowly); a proposal wider than p(ζ) covers it, so K = 20 000 must reach log p(y)
    const last = ir.q.layers.at(-1) as { kernel: string; bias: string };
    tf.tidy(() => {
      model.variables.get(last.kernel)!.assign(tf.zerosLike(model.variables.get(last.kernel)!));
      model.variables.get(last.bias)!.assign(tf.tensor1d([0, Math.log(2.25)]));
    });
    const exact = quadrature(ir, model.variables, YS);
    const got = bounds(prior, YS, 20_000, 1, 11).map((r) => r[0]!);
    console.log(`log p(y) by quadrature ${exact.map((v) => v.toFixed(4)).join(", ")}; L_20000 ${got.map((v) => v.toFixed(4)).join(", ")}`);
    YS.forEach((_, i) => expect(Math.abs(got[i]! - exact[i]!), `y = ${YS[i]}: ${got[i]} vs ${exact[i]}`).toBeLessThan(0.04));
    model.dispose();
  });

  it("K = 1 is the single-sample bound log p(y | ζ) + log p(ζ) − log q(ζ | y), ζ = μ_q + σ_q·η", () => {
    const { prior, model, ir } = tinyPrior();
    const eta = [0.3, -1.2, 0.8, 2.1];
    const got = tf.tidy(() => prior.bound(tf.tensor2d(YS, [4, 1]), tf.tensor3d(eta, [4, 1, 1])).arraySync());
    const q = net(ir.q, YS, model.variables);
    YS.forEach((y, i) => {
      const [mq, lvq] = q[i]!;
      const zeta = mq! + Math.exp(lvq! / 2) * eta[i]!;
      const [mp, lvp] = net(ir.p, [zeta], model.variables)[0]!;
      const want = logN(y, mp!, lvp!) + logN(zeta, 0, 0) - logN(zeta, mq!, lvq!);
      expect(Math.abs(got[i]! - want)).toBeLessThan(1e-5 * Math.abs(want) + 1e-5);
    });
    model.dispose();
  });

  it("E[L_K] increases with K and stays below log p(y) (K = 1, 4, 32; 3000 draws each)", () => {
    const { prior, model, ir } = tinyPrior();
    const exact = quadrature(ir, model.variables, YS);
    const by = [1, 4, 32].map((k, j) => bounds(prior, YS, k, 3000, 20 + j));
    YS.forEach((_, i) => {
      const [l1, l4, l32] = by.map((b) => b[i]!);
      const gap = (a: number[], b: number[]) => mean(b) - mean(a) - 3 * Math.hypot(se(a), se(b));
      expect(gap(l1!, l4!), `y = ${YS[i]}: E L1 ${mean(l1!)} E L4 ${mean(l4!)}`).toBeGreaterThan(0);
      expect(gap(l4!, l32!), `y = ${YS[i]}: E L4 ${mean(l4!)} E L32 ${mean(l32!)}`).toBeGreaterThan(0);
      expect(mean(l32!) - 3 * se(l32!)).toBeLessThan(exact[i]!);
    });
    model.dispose();
  });

  it("its gradients in y and in both networks' weights match finite differences", () => {
    const { prior, model, ir } = tinyPrior();
    const y = tf.variable(tf.tensor2d([[-0.8], [0.5], [1.7]]));
    const eta = tf.keep(tf.randomNormal([3, 4, 1], 0, 1, "float32", 9) as tf.Tensor3D);
    const kernels = [ir.p, ir.q].map((n) => model.variables.get((n.layers[0] as { kernel: string }).kernel)!);
    const biases = [ir.p, ir.q].map((n) => model.variables.get((n.layers.at(-1) as { bias: string }).bias)!);
    const r = gradCheck(() => tf.sum(prior.bound(y, eta)) as tf.Scalar, [y, ...kernels, ...biases], { h: 1e-2, rtol: 2e-2, atol: 3e-3 });
    expect(r.checked).toBe(3 + 8 + 8 + 2 + 2);
    expect(r.mismatches).toEqual([]);
    eta.dispose();
    model.dispose();
  });

  it("samples have the moments of p(y): E[y] = E_ζ[μ_p(ζ)], E[y²] = E_ζ[μ_p² + σ_p²] (quadrature over ζ)", () => {
    const { prior, model, ir } = tinyPrior();
    const v = Array.from(tf.tidy(() => prior.sample(40_000, 5).dataSync()));
    const n = 4001;
    const grid = Array.from({ length: n }, (_, i) => -10 + (20 * i) / (n - 1));
    const out = net(ir.p, grid, model.variables);
    const w = grid.map((z) => Math.exp(logN(z, 0, 0)) * (20 / (n - 1)));
    const m1 = out.reduce((a, o, i) => a + w[i]! * o[0]!, 0);
    const m2 = out.reduce((a, o, i) => a + w[i]! * (o[0]! ** 2 + Math.exp(o[1]!)), 0);
    expect(Math.abs(mean(v) - m1)).toBeLessThan(4 * se(v));
    const sq = v.map((t) => t * t);
    expect(Math.abs(mean(sq) - m2)).toBeLessThan(4 * se(sq));
    model.dispose();
  });
});

describe("hierarchical prior in a model", () => {
  it("lowers to its IR node with both MLPs as parameters; --verbose says what is estimated", () => {
    const r = compile("Hierarchical(zeta: 3, hidden: [5], k: 4)", 2);
    const p = r.ir!.latent.prior as HIR;
    expect(p).toMatchObject({ kind: "hierarchical", zeta: 3, k: 4, kl: "importance_weighted" });
    expect([p.p.input, p.p.output, p.q.input, p.q.output]).toEqual([[3], [4], [2], [6]]);
    expect(r.ir!.params.map((q) => q.id).filter((id) => id.startsWith("prior/"))).toEqual([
      "prior/p_net/dense_0/kernel", "prior/p_net/dense_0/bias", "prior/p_net/dense_1/kernel", "prior/p_net/dense_1/bias",
      "prior/q_net/dense_0/kernel", "prior/q_net/dense_0/bias", "prior/q_net/dense_1/kernel", "prior/q_net/dense_1/bias",
    ]);
    expect(r.ir!.kind).toBe("baseline");
    const v = describeModel(r.ir!).join("\n");
    expect(v).toContain("importance weighting with k = 4 samples of q(ζ | y); KL estimated");
    expect(v).toContain("(mlp 3 → 5 → 4)");
  });

  it("net and q_net take networks declared like an encoder's, instantiated on the levels they connect", () => {
    const r = compile("Hierarchical(zeta: 3, net: mlp_decoder(hidden: [7]), q_net: mlp_decoder(hidden: [5, 4]), k: 2)", 2);
    expect(r.check.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const p = r.ir!.latent.prior as HIR;
    expect([p.p.name, p.p.input, p.p.output, p.q.input, p.q.output]).toEqual(["mlp_decoder", [3], [4], [2], [6]]);
    expect(p.p.layers.filter((l) => l.kind === "dense").map((l) => (l as { units: number }).units)).toEqual([7, 4]);
    expect(p.q.layers.filter((l) => l.kind === "dense").map((l) => (l as { units: number }).units)).toEqual([5, 4, 6]);
    expect(describeModel(r.ir!).join("\n")).toContain("(mlp_decoder 3 → 7 → 4), inference network q(ζ | y) (mlp_decoder 2 → 5 → 4 → 6)");
    const m = buildModel(r.ir!, 1);
    const x = tf.mul(tf.randomNormal([8, 2], 0, 1, "float32", 21), 1.5);
    const [iw, elbo] = tf.tidy(() => [tf.mean(m.iwae(x, 1, 3)).dataSync()[0]!, -m.loss(x, 3, false, { beta: 1 }).loss.dataSync()[0]!]);
    expect(Math.abs(iw - elbo)).toBeLessThan(1e-4 * Math.abs(elbo) + 1e-5);
    x.dispose();
    m.dispose();
    // a network of the wrong shape is IV3060 (test/golden/types/hierarchical-levels.intel has the messages)
    expect(compile("Hierarchical(zeta: 3, net: mlp_encoder(hidden: [7]))", 2).check.diagnostics.map((d) => d.code)).toContain("IV3060");
  });

  it("hidden sizes that are not whole numbers ≥ 1 are IV5050; an encoder flow with it is IV5006", () => {
    expect(compile("Hierarchical(hidden: [8, 0])").check.diagnostics.find((d) => d.code === "IV5050")?.message).toBe("Hierarchical's hidden sizes must be whole numbers ≥ 1, got 0 in [8, 0]");
    expect(compile("Hierarchical()", 1, 'elbo(q_flow: "planar")').check.diagnostics.map((d) => d.code)).toContain("IV5006");
    expect(compile("Hierarchical(k: 0)").check.diagnostics.map((d) => d.code)).toContain("IV5004");
  });

  it("every parameter of both networks gets a gradient from the loss", () => {
    const ir = compile("Hierarchical(zeta: 2, hidden: [6], k: 3)", 2).ir!;
    const m = buildModel(ir, 1);
    const x = tf.mul(tf.randomNormal([8, 2], 0, 1, "float32", 21), 1.5);
    const vars = ir.params.filter((p) => p.id.startsWith("prior/")).map((p) => m.variables.get(p.id)!);
    expect(vars).toHaveLength(8);
    const { value, grads } = tf.variableGrads(() => m.loss(x, 4, true).loss, vars);
    for (const v of vars) expect(tf.tidy(() => tf.max(tf.abs(grads[v.name]!)).dataSync()[0]!), v.name).toBeGreaterThan(0);
    tf.dispose([x, value, ...Object.values(grads)]);
    m.dispose();
  });

  it("IWAE(K = 1) equals the ELBO (β = 1) on the same seed, and training steps are finite", () => {
    const m = buildModel(compile("Hierarchical(zeta: 2, hidden: [6], k: 3)", 2).ir!, 1);
    const x = tf.mul(tf.randomNormal([8, 2], 0, 1, "float32", 21), 1.5);
    for (const seed of [3, 17]) {
      const [iw, elbo] = tf.tidy(() => [tf.mean(m.iwae(x, 1, seed)).dataSync()[0]!, -m.loss(x, seed, false, { beta: 1 }).loss.dataSync()[0]!]);
      expect(Math.abs(iw - elbo), `${iw} vs ${elbo}`).toBeLessThan(1e-4 * Math.abs(elbo) + 1e-5);
    }
    const s = tf.tidy(() => m.sample(5, 2).arraySync() as number[][]);
    expect(s.flat().every(Number.isFinite)).toBe(true);
    x.dispose();
    m.dispose();
  });

  it("a run stopped after 1 epoch and resumed equals the straight run bit for bit (the ζ noise follows the step)", async () => {
    const ir = compile("Hierarchical(zeta: 2, hidden: [6], k: 3)", 2).ir!;
    ir.train = { ...ir.train, batch: 16, epochs: 2, seed: 3, checkpointEvery: 1 };
    const start = (dir: string, epochs?: number) => startRun({ ir, specText: null, specPath: null, outDir: dir, buildModel, backend: CPU, command: [], progress: null, ...(epochs ? { epochs } : {}) });
    const straight = tmp();
    await start(straight);
    const a = tmp();
    await start(a, 1);
    await resumeRun({ dir: a, buildModel, backend: CPU, command: [], progress: null, epochs: 2 });
    expect(metricsOf(a)).toEqual(metricsOf(straight));
    expect(weightsOf(a)).toEqual(weightsOf(straight));
    expect(Object.keys(weightsOf(a)).some((k) => k.includes("prior/q_net"))).toBe(true);
  });
});
