// Parity: every model `intel train` trains, `intel compile` emits, and the emitted program trains it
// to the same numbers. For every spec in specs/ and every golden model spec (plus fixture IRs for
// the mapping built-ins), N steps through the runtime's own training loop and Adam, on the cpu
// backend with the same seed, through the interpreter and through the emitted program: the same
// loss terms at every step (1e-5 relative) and the same final weights and batch-norm state.
// The reduction, applied identically to both sides: random data in [0, 1] of the model's shape
// (no dataset is read), batch 2, 2 steps. The 28×28 conv specs take minutes on tfjs's cpu
// backend: they run with INTEL_SLOW_TESTS=1.
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile";
import { isSlowConv, specModels } from "../spec-models";
import type { ModelIR } from "../../compiler/ir/types";
import { makeDataset } from "../../runtime/data/dataset";
import { buildModel } from "../../runtime/model/build";
import type { CompiledModel } from "../../runtime/model/compiled";
import { deriveSeed, mulberry32 } from "../../runtime/random/seeds";
import { trainModel } from "../../runtime/train/loop";
import { makeTrainOptimizer } from "../../runtime/train/groups";
import type { TermValues } from "../../runtime/train/divergence";
import { intelFilesUnder } from "../golden";
import { circleMapping, convVae, Graph, mlpVae, sparseMapping, type Params } from "../runtime/fixtures/ir";
import { importEmitted, removeTmp, tmpDir, writeEmitted } from "./helpers";

const BATCH = 2;
const STEPS = 2;
const RUN_SEED = 7;
const slow = process.env.INTEL_SLOW_TESTS === "1" ? it : it.skip;

let dir = "";
beforeAll(async () => {
  await tf.setBackend("cpu");
  dir = tmpDir("parity");
});
afterAll(() => removeTmp(dir));

/** Data in [0, 1] of the model's shape, the same for both runs. */
function data(ir: ModelIR, batch: number) {
  const per = ir.data.shape.reduce((a, b) => a * b, 1);
  const rand = mulberry32(12345);
  const x = new Float32Array(batch * STEPS * per);
  for (let i = 0; i < x.length; i++) x[i] = rand();
  return makeDataset(x, [...ir.data.shape], null);
}

interface Trained {
  steps: TermValues[];
  /** every variable and state tensor after training, by id */
  weights: Map<string, Float32Array>;
}

async function train(ir: ModelIR, model: CompiledModel, batch: number): Promise<Trained> {
  const steps: TermValues[] = [];
  // a step line every step (the default log_every is 50)
  // a scheme plays from the first step (no plain ELBO steps first), so that both steps are the scheme's
  const scheme = ir.train.scheme && { ...ir.train.scheme, vaeSteps: 0 };
  const settings = { ...ir.train, scheme, batch, epochs: 1, validation: 0, earlyStop: 0, checkpointEvery: 0, settings: { ...ir.train.settings, log_every: 1 } };
  const optimizer = makeTrainOptimizer(settings);
  const weights = new Map<string, Float32Array>();
  try {
    await trainModel({
      model,
      optimizer,
      train: data(ir, batch),
      validation: null,
      settings,
      runSeed: RUN_SEED,
      hooks: {
        metric: (r) => {
          if (r.type === "step") steps.push({ loss: r.loss as number, recon: r.recon as number, kl: r.kl as number, penalties: r.penalties as Record<string, number> });
        },
        checkpoint: async () => "",
      },
    });
    for (const [id, v] of [...model.variables, ...model.state]) weights.set(id, v.dataSync() as Float32Array);
  } finally {
    optimizer.dispose();
    model.dispose();
  }
  return { steps, weights };
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-8);

async function compare(name: string, ir: ModelIR, batch = BATCH): Promise<void> {
  const initSeed = deriveSeed(RUN_SEED, "init", 0);
  const want = await train(ir, buildModel(ir, initSeed), batch);
  const mod = await importEmitted(writeEmitted(dir, `${name.replace(/[^\w-]/g, "_")}.ts`, ir));
  const got = await train(ir, mod.createModel(initSeed), batch);
  expect(got.steps.length).toBe(STEPS);
  // the loss: relative; its terms (a penalty may be ~0): relative to max(|term|, 1)
  let worst = 0;
  let worstTerm = 0;
  for (let s = 0; s < STEPS; s++) {
    expect(Number.isFinite(got.steps[s]!.loss)).toBe(true);
    worst = Math.max(worst, rel(got.steps[s]!.loss, want.steps[s]!.loss));
    const pairs: [number, number][] = [
      [got.steps[s]!.recon, want.steps[s]!.recon],
      [got.steps[s]!.kl, want.steps[s]!.kl],
      ...Object.keys(want.steps[s]!.penalties).map((k) => [got.steps[s]!.penalties[k]!, want.steps[s]!.penalties[k]!] as [number, number]),
    ];
    for (const [g, w] of pairs) worstTerm = Math.max(worstTerm, Math.abs(g - w) / Math.max(Math.abs(w), 1));
  }
  // the final weights: the same tensors, each value within 1e-6 (relative to max(|w|, 1))
  expect([...got.weights.keys()].sort()).toEqual([...want.weights.keys()].sort());
  let worstWeight = 0;
  for (const [id, w] of want.weights) {
    const g = got.weights.get(id)!;
    expect(g.length, id).toBe(w.length);
    for (let i = 0; i < w.length; i++) worstWeight = Math.max(worstWeight, Math.abs(g[i]! - w[i]!) / Math.max(Math.abs(w[i]!), 1));
  }
  console.log(`${name}: losses ${want.steps.map((t) => t.loss.toPrecision(8)).join(", ")}; differences: loss ${worst.toExponential(2)}, terms ${worstTerm.toExponential(2)}, weights ${worstWeight.toExponential(2)}`);
  expect(worst).toBeLessThan(1e-5);
  expect(worstTerm).toBeLessThan(1e-5);
  expect(worstWeight).toBeLessThan(1e-6);
}

/** hierarchy built-in on y = [y₀, y₁, y₂] (2 each), tanh between levels, plus a leaky relu / index / stack tail */
function hierarchyMapping(ps: Params, d: number) {
  const g = new Graph([d]);
  const splits = [2, 2, 2];
  const kernels = [1, 2].map((i) => ps.add(`mapping/hierarchy/level_${i}/kernel`, [4, 2], { kind: "glorot_uniform", fanIn: 4, fanOut: 2 }));
  const biases = [1, 2].map((i) => ps.add(`mapping/hierarchy/level_${i}/bias`, [2], { kind: "normal", mean: 0, std: 0.1 }));
  const h = g.node("builtin", [0], [d], { fn: "hierarchy", splits, activation: "tanh", kernels, biases });
  const a = g.node("index", [h], [], { index: 0, axis: 0 });
  const b = g.node("leaky_relu", [g.node("index", [h], [], { index: 5, axis: 0 })], [], { alpha: 0.1 });
  const tail = g.node("stack", [a, b], [2], { axis: -1 });
  return g.build(g.node("concat", [h, tail], [d + 2], { axis: -1 }));
}

/** clusters_product with ks [3, 2] on a 5-D y (dim 4 passes through), c₂ 0.5 */
function clustersProductMapping(_ps: Params, d: number) {
  const g = new Graph([d]);
  return g.build(g.node("builtin", [0], [d], { fn: "clusters_product", ks: [3, 2], c1: 5, c2: 0.5, eps: 1e-6 }));
}

/** sylvester_flow, 2 layers: orthogonal of rank M (Householder Q) or triangular; R large enough to matter */
const sylvesterMapping = (kind: "orthogonal" | "triangular", m: number) => (ps: Params, d: number) => {
  const g = new Graph([d]);
  const id = (l: number, k: string) => `mapping/sylvester_flow/layer_${l}/${k}`;
  const ids = { q: [] as string[], r1: [] as string[], r2: [] as string[], b: [] as string[] };
  for (let l = 0; l < 2; l++) {
    if (kind === "orthogonal") ids.q.push(ps.add(id(l, "q"), [m, d], { kind: "normal", mean: 0, std: 1 }));
    ids.r1.push(ps.add(id(l, "r1"), [m, m], { kind: "normal", mean: 0, std: 0.5 }));
    ids.r2.push(ps.add(id(l, "r2"), [m, m], { kind: "normal", mean: 0, std: 0.7 }));
    ids.b.push(ps.add(id(l, "b"), [m], { kind: "normal", mean: 0, std: 0.1 }));
  }
  const attrs = kind === "orthogonal" ? ids : { r1: ids.r1, r2: ids.r2, b: ids.b };
  return g.build(g.node("builtin", [0], [d], { fn: "sylvester_flow", layers: 2, rank: m, kind, ...attrs }));
};

/** Every spec under specs/ and every golden model spec that lowers without errors. */
const models = specModels(["specs", "test/golden"]);

describe("emitted program = interpreter on every spec (cpu, 2 steps of batch 2)", () => {
  it("covers every spec with a model; with the options below, every prior, encoder flows and IWAE", () => {
    const specs = models.filter((m) => m.path.startsWith("specs/"));
    expect(specs.length).toBe(intelFilesUnder("specs").length - 1);
    const all = [...models.map((m) => m.ir), ...OPTION_CASES.map(([p, o]) => optionsSpec(p, o))];
    expect([...new Set(all.map((ir) => ir.latent.prior.kind))].sort()).toEqual(["categorical", "flow", "hierarchical", "laplace", "mog", "normal", "spike_slab", "vamp"]);
    expect([...new Set(all.map((ir) => ir.objective.qFlow?.kind ?? "none"))].sort()).toEqual(["amortised_planar", "amortised_sylvester", "none", "planar", "sylvester"]);
    expect(all.some((ir) => ir.objective.kind === "iwae")).toBe(true);
    // a FlowDecoder's dequantisation noise and conditional couplings, emitted and interpreted alike
    expect(models.some((m) => m.ir.likelihood.kind === "flow_decoder")).toBe(true);
    expect(models.some((m) => isSlowConv(m.ir))).toBe(true);
  });
  it("covers the layers IR 0.2 added, and dense and conv layers without a bias, in a spec it runs by default", () => {
    // the other layers: the conv fixture below
    const fast = models.filter((m) => !isSlowConv(m.ir)).flatMap((m) => [...m.ir.encoder.layers, ...m.ir.decoder.layers]);
    for (const kind of ["max_pool2d", "upsample2d", "layer_norm", "softmax"]) expect(fast.some((l) => l.kind === kind), kind).toBe(true);
    expect(fast.some((l) => l.kind === "activation" && l.fn === "gelu"), "gelu").toBe(true); // an activation with math of its own (runtime/model/activations.ts)
    for (const kind of ["dense", "conv2d"]) expect(fast.some((l) => (l.kind === "dense" || l.kind === "conv2d") && l.kind === kind && l.bias === undefined), `${kind} without a bias`).toBe(true);
  });
  for (const { path, ir } of models) {
    (isSlowConv(ir) ? slow : it)(path, async () => {
      await compare(path, ir);
    }, isSlowConv(ir) ? 900_000 : 120_000);
  }
});

/** The objective's options and priors the specs may not all cover, on a small fixture. */
function optionsSpec(prior: string, objective: string): ModelIR {
  const r = compileSource(
    `import "prelude"
model m {
  data x : Real[4] ~ gaussian_clusters(dim: 4)
  encoder q(y | x) = mlp_encoder(hidden: [6])
  intermediary y : Real[2] ~ ${prior}
  mapping z = y
  decoder p(x | z) : Gaussian(sigma: 0.5) = mlp_decoder(hidden: [6])
  objective ${objective}
}
`,
    { file: "test/emit/options.intel" },
  );
  expect(r.check.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.ir!;
}

const OPTION_CASES: [string, string][] = [
  ["Normal(0, I)", "iwae(k: 3)"],
  ["Normal(0, I)", "elbo(samples: 3)"],
  ["Normal(0, I)", 'elbo(kl: "mc", samples: 2)'],
  ["Normal(0, I)", 'elbo(q_flow: "planar", q_flow_layers: 2)'],
  ["Normal(0, I)", 'iwae(k: 2, q_flow: "sylvester", q_flow_layers: 2)'],
  ["MixtureOfGaussians(k: 3, learnable: true)", "elbo(samples: 2)"],
  ["Laplace(loc: 0, scale: 1)", "iwae(k: 2)"],
  ["Flow(layers: [planar(), radial(), affine_coupling(hidden: [3]), invertible_linear(), householder_sylvester()])", "iwae(k: 2)"],
  ["Hierarchical(zeta: 2, hidden: [4], k: 3)", "iwae(k: 2)"],
  ["VampPrior(k: 3)", 'elbo(q_flow: "planar")'],
  ["Normal(0, I)", "iwae(k: 2, q_flow: planar(amortised: true), q_flow_layers: 2)"],
  ["VampPrior(k: 3)", "elbo(q_flow: sylvester(amortised: true, reflections: 1), q_flow_layers: 2)"],
  ["SpikeAndSlab(alpha: 0.5)", "elbo(samples: 2)"],
];

describe("emitted program = interpreter on the objective's options", () => {
  for (const [prior, objective] of OPTION_CASES) {
    it(`${prior}, ${objective}`, async () => {
      await compare(`options-${prior}-${objective}`, optionsSpec(prior, objective), 4);
    });
  }
});

/** A discrete latent c : `latent` with a codebook mapping (summed over groups) and `objective`. */
function discreteSpec(latent: string, prior: string, objective: string): ModelIR {
  const r = compileSource(
    `import "prelude"
bias code(c: ${latent}) -> Real[2] {
  param E = normal(3, 2)
  return ${latent.includes(",") ? "sum(matmul(c, E), axis: 0)" : "matmul(c, E)"}
}
model m {
  data x : Real[4] ~ gaussian_clusters(dim: 4)
  encoder q(c | x) = mlp_encoder(hidden: [6])
  intermediary c : ${latent} ~ ${prior}
  mapping z = code(c)
  decoder p(x | z) : Gaussian(sigma: 0.5) = mlp_decoder(hidden: [6])
  objective ${objective}
}
`,
    { file: "test/emit/discrete.intel" },
  );
  expect(r.check.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.ir!;
}

describe("emitted program = interpreter on discrete latents", () => {
  for (const [latent, prior, objective] of [
    ["OneHot[3]", "Categorical(straight_through: true)", "elbo(samples: 2)"],
    ["OneHot[2, 3]", "Categorical(probs: [0.2, 0.3, 0.5])", "iwae(k: 2)"],
    ["OneHot[2, 3]", 'Categorical(posterior: "responsibility", code_dim: 3)', "elbo(beta: 1)"],
    ["OneHot[2, 3]", "Categorical(layers: 3, layer_classes: [2, 4], straight_through: true)", "elbo(samples: 2)"],
    ["OneHot[3]", 'Categorical(layers: 2, posterior: "responsibility", code_dim: 2, probs: [0.2, 0.3, 0.5])', "iwae(k: 2)"],
  ] as const) {
    it(`${latent} ~ ${prior}, ${objective}`, async () => {
      await compare(`discrete-${latent}-${objective}`, discreteSpec(latent, prior, objective), 4);
    });
  }
});

/** A small model whose mapping is `mapping` on y : Real[d]. */
function flowSpec(d: number, mapping: string): ModelIR {
  const r = compileSource(
    `import "prelude"
model m {
  data x : Real[${d}] ~ gaussian_clusters(dim: ${d})
  encoder q(y | x) = mlp_encoder(hidden: [8])
  intermediary y : Real[${d}] ~ Normal(0, I)
  mapping z = ${mapping}
  decoder p(x | z) : Gaussian(sigma: 0.5) = mlp_decoder(hidden: [8])
}
`,
    { file: "test/emit/flows.intel" },
  );
  expect(r.check.diagnostics.filter((x) => x.severity === "error")).toEqual([]);
  return r.ir!;
}

describe("emitted program = interpreter on the mapping built-ins (fixture IRs)", () => {
  it("identity mapping (fixture MLP VAE, learned Gaussian σ)", async () => {
    await compare("identity", mlpVae({ data: [6], hidden: [8], latent: 3, likelihood: { kind: "gaussian", sigma: "learned" } }), 4);
  });
  it("circle (fixture)", async () => {
    await compare("circle_fixture", mlpVae({ data: [2], hidden: [16], latent: 2, mapping: (_p, d) => circleMapping(d), likelihood: { kind: "gaussian", sigma: 0.1 } }), 4);
  });
  it("sparse (fixture: apply network + entropy_spread penalty)", async () => {
    await compare("sparse_fixture", mlpVae({ data: [12], hidden: [16], latent: 4, mapping: (ps, d) => sparseMapping(ps, d) }), 4);
  });
  it("conv VAE (fixture: conv, conv_transpose, batch norm, dropout, leaky relu)", async () => {
    await compare("conv_fixture", convVae({ likelihood: { kind: "laplace", scale: 0.5 } }), 4);
  });
  it("hierarchy built-in (fixture)", async () => {
    await compare("hierarchy_fixture", mlpVae({ data: [5], hidden: [8], latent: 6, mapping: hierarchyMapping }), 4);
  });
  it("clusters_product built-in (fixture, ks [3, 2] on 5 dims)", async () => {
    await compare("clusters_product_fixture", mlpVae({ data: [5], hidden: [8], latent: 5, mapping: clustersProductMapping }), 4);
  });
  it("sylvester_flow built-in (fixture, orthogonal, D = 4, M = 3)", async () => {
    await compare("sylvester_orthogonal_fixture", mlpVae({ data: [5], hidden: [8], latent: 4, mapping: sylvesterMapping("orthogonal", 3) }), 4);
  });
  it("sylvester_flow built-in (fixture, triangular, D = 3)", async () => {
    await compare("sylvester_triangular_fixture", mlpVae({ data: [5], hidden: [8], latent: 3, mapping: sylvesterMapping("triangular", 3) }), 4);
  });
  it("clusters_product then sylvester_flow, lowered from a spec", async () => {
    await compare("clusters_sylvester_spec", flowSpec(5, "sylvester_flow(clusters_product(y, ks: [3, 2]), layers: 2, rank: 4)"), 4);
  });
  it("planar_flow then radial_flow, lowered from a spec", async () => {
    await compare("planar_radial_spec", flowSpec(3, "radial_flow(planar_flow(y, layers: 2), layers: 2)"), 4);
  });
});
