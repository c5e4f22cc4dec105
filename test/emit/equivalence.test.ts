// The emitted program and the interpreter, same seeds, cpu backend: the same loss terms on the first
// three training steps (through the runtime's own training loop and Adam), to 1e-5 relative.
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFile, compileSource } from "../../compiler/compile";
import { typeCheckFiles } from "../../compiler/emit/check";
import type { ModelIR } from "../../compiler/ir/types";
import { makeDataset } from "../../runtime/data/dataset";
import { buildModel } from "../../runtime/model/build";
import type { CompiledModel } from "../../runtime/model/compiled";
import { deriveSeed, mulberry32 } from "../../runtime/random/seeds";
import { asCompiledModel } from "../../runtime/support";
import { trainModel } from "../../runtime/train/loop";
import { makeOptimizer } from "../../runtime/train/optimizer";
import type { TermValues } from "../../runtime/train/divergence";
import { circleMapping, convVae, Graph, mlpVae, sparseMapping, type Params } from "../runtime/fixtures/ir";
import { importEmitted, removeTmp, tmpDir, writeEmitted } from "./helpers";

const BATCH = 8;
/** the 28×28 conv specs take minutes on tfjs's cpu backend: opt in with INTEL_SLOW_TESTS=1 */
const slow = process.env.INTEL_SLOW_TESTS === "1" ? it : it.skip;
const STEPS = 3;
const RUN_SEED = 7;

let dir = "";
beforeAll(async () => {
  await tf.setBackend("cpu");
  dir = tmpDir("equivalence");
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

async function firstSteps(ir: ModelIR, model: CompiledModel, batch: number): Promise<TermValues[]> {
  const steps: TermValues[] = [];
  // a step line every step (the default log_every is 50)
  const settings = { ...ir.train, batch, epochs: 1, validation: 0, earlyStop: 0, checkpointEvery: 0, settings: { ...ir.train.settings, log_every: 1 } };
  const optimizer = makeOptimizer(settings.optimizer);
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
  } finally {
    optimizer.dispose();
    model.dispose();
  }
  return steps;
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-8);

async function compare(name: string, ir: ModelIR, batch = BATCH): Promise<number> {
  const initSeed = deriveSeed(RUN_SEED, "init", 0);
  const want = await firstSteps(ir, buildModel(ir, initSeed), batch);
  const mod = await importEmitted(writeEmitted(dir, `${name}.ts`, ir));
  const got = await firstSteps(ir, asCompiledModel(mod.MODEL, mod.createModel(initSeed)), batch);
  expect(got.length).toBe(STEPS);
  // the loss: relative; its terms (a penalty may be ~0): relative to max(|term|, 1)
  let worst = 0;
  let worstTerm = 0;
  for (let s = 0; s < STEPS; s++) {
    expect(Number.isFinite(got[s]!.loss)).toBe(true);
    worst = Math.max(worst, rel(got[s]!.loss, want[s]!.loss));
    const pairs: [number, number][] = [
      [got[s]!.recon, want[s]!.recon],
      [got[s]!.kl, want[s]!.kl],
      ...Object.keys(want[s]!.penalties).map((k) => [got[s]!.penalties[k]!, want[s]!.penalties[k]!] as [number, number]),
    ];
    for (const [g, w] of pairs) worstTerm = Math.max(worstTerm, Math.abs(g - w) / Math.max(Math.abs(w), 1));
  }
  console.log(
    `${name}: losses ${want.map((t) => t.loss.toPrecision(8)).join(", ")}; loss relative difference ${worst.toExponential(2)}, terms ${worstTerm.toExponential(2)}`,
  );
  expect(worst).toBeLessThan(1e-5);
  expect(worstTerm).toBeLessThan(1e-5);
  return worst;
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

const spec = (path: string): ModelIR => {
  const ir = compileFile(path).ir;
  if (!ir) throw new Error(`${path} did not lower`);
  return ir;
};

describe("emitted program = interpreter (cpu, first 3 steps, 1e-5 relative)", () => {
  it("identity mapping (fixture MLP VAE, learned Gaussian σ)", async () => {
    await compare("identity", mlpVae({ data: [6], hidden: [8], latent: 3, likelihood: { kind: "gaussian", sigma: "learned" } }));
  });
  it("circle (fixture)", async () => {
    await compare("circle_fixture", mlpVae({ data: [2], hidden: [16], latent: 2, mapping: (_p, d) => circleMapping(d), likelihood: { kind: "gaussian", sigma: 0.1 } }));
  });
  it("sparse (fixture: apply network + entropy_spread penalty)", async () => {
    await compare("sparse_fixture", mlpVae({ data: [12], hidden: [16], latent: 4, mapping: (ps, d) => sparseMapping(ps, d) }));
  });
  it("conv VAE (fixture: conv, conv_transpose, batch norm, dropout, leaky relu)", async () => {
    await compare("conv_fixture", convVae({ likelihood: { kind: "laplace", scale: 0.5 } }));
  });
  it("hierarchy built-in (fixture)", async () => {
    await compare("hierarchy_fixture", mlpVae({ data: [5], hidden: [8], latent: 6, mapping: hierarchyMapping }));
  });
  it("clusters_product built-in (fixture, ks [3, 2] on 5 dims)", async () => {
    await compare("clusters_product_fixture", mlpVae({ data: [5], hidden: [8], latent: 5, mapping: clustersProductMapping }));
  });
  it("sylvester_flow built-in (fixture, orthogonal, D = 4, M = 3)", async () => {
    await compare("sylvester_orthogonal_fixture", mlpVae({ data: [5], hidden: [8], latent: 4, mapping: sylvesterMapping("orthogonal", 3) }));
  });
  it("sylvester_flow built-in (fixture, triangular, D = 3)", async () => {
    await compare("sylvester_triangular_fixture", mlpVae({ data: [5], hidden: [8], latent: 3, mapping: sylvesterMapping("triangular", 3) }));
  });
  it("clusters_product then sylvester_flow, lowered from a spec", async () => {
    const r = compileSource(
      `import "prelude"
model m {
  data x : Real[5] ~ gaussian_clusters(dim: 5)
  encoder q(y | x) = mlp_encoder(hidden: [8])
  intermediary y : Real[5] ~ Normal(0, I)
  mapping z = sylvester_flow(clusters_product(y, ks: [3, 2]), layers: 2, rank: 4)
  decoder p(x | z) : Gaussian(sigma: 0.5) = mlp_decoder(hidden: [8])
}
`,
      { file: "test/emit/flows.intel" },
    );
    expect(r.check.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    await compare("clusters_sylvester_spec", r.ir!);
  });
  it("the emitted clusters_product and sylvester_flow programs pass tsc --strict", () => {
    const irs = {
      clusters: mlpVae({ data: [5], hidden: [8], latent: 5, mapping: clustersProductMapping }),
      orthogonal: mlpVae({ data: [5], hidden: [8], latent: 4, mapping: sylvesterMapping("orthogonal", 3) }),
      triangular: mlpVae({ data: [5], hidden: [8], latent: 3, mapping: sylvesterMapping("triangular", 3) }),
    };
    const files = Object.entries(irs).map(([name, ir]) => writeEmitted(dir, `check_${name}.ts`, ir));
    const bad = [...typeCheckFiles(files)].filter(([, es]) => es.length).map(([f, es]) => `${f}: ${es.map((e) => `${e.line}:${e.col} ${e.message}`).join("; ")}`);
    expect(bad).toEqual([]);
  }, 120_000);
  it("specs/examples/circle.intel", async () => {
    await compare("circle", spec("specs/examples/circle.intel"));
  });
  it("specs/examples/annulus.intel (a user bias with learnable parameters)", async () => {
    await compare("annulus", spec("specs/examples/annulus.intel"));
  });
  it("specs/paper/two-gaussians-clusters.intel (clusters)", async () => {
    await compare("clusters", spec("specs/paper/two-gaussians-clusters.intel"));
  });
  it("specs/paper/infinity-intel.intel", async () => {
    await compare("infinity", spec("specs/paper/infinity-intel.intel"));
  });
  it("specs/paper/mnist01-proportions-25.intel", async () => {
    await compare("proportions", spec("specs/paper/mnist01-proportions-25.intel"));
  });
  it("specs/paper/hierarchy.intel (hierarchy built-in, MLP on MNIST)", async () => {
    await compare("hierarchy", spec("specs/paper/hierarchy.intel"), 2);
  }, 120_000);
  slow("specs/examples/mnist-sparse.intel (sparse, 28×28 conv model with batch norm)", async () => {
    await compare("mnist_sparse", spec("specs/examples/mnist-sparse.intel"), 2);
  }, 900_000);
});
