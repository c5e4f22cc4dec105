// Every spec under specs/ lowers to the IR; the IR is pinned by golden files
// (test/golden/ir/<path under specs>.ir.json, UPDATE_GOLDEN=1 rewrites them), and a few facts are
// checked against the arithmetic and the paper's definitions.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { compileFile, irToJson } from "../../compiler/compile";
import type { LayerIR, ModelIR, NetworkIR } from "../../compiler/ir/types";
import { expectGolden, intelFilesUnder, UPDATE } from "../golden";
import { OPT } from "../runtime/fixtures/train-ir";

const specs = [...intelFilesUnder("specs/examples"), ...intelFilesUnder("specs/paper"), ...intelFilesUnder("specs/family")];
const irs = new Map<string, ModelIR>();

function ir(path: string): ModelIR {
  let r = irs.get(path);
  if (!r) {
    const c = compileFile(path);
    expect(c.check.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(c.ir, `${path} lowers`).toBeDefined();
    r = c.ir!;
    irs.set(path, r);
  }
  return r;
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const paramCount = (m: ModelIR) => m.params.reduce((n, p) => n + size(p.shape), 0);
const layerParams = (l: LayerIR): string[] =>
  (l.kind === "dense" ? [l.kernel, l.bias] : l.kind === "conv2d" || l.kind === "conv2d_transpose" ? [l.weights, l.bias] : l.kind === "batch_norm" || l.kind === "layer_norm" ? [l.gamma, l.beta] : []).filter((id): id is string => id !== undefined);
const networksOf = (m: ModelIR): NetworkIR[] => [
  m.encoder,
  m.decoder,
  ...m.mapping.nodes.flatMap((n) => (n.op === "apply" ? [n.attrs!.network as NetworkIR] : [])),
];

describe.each(specs)("%s", (path) => {
  it("lowers to the golden IR", () => {
    const golden = join("test/golden/ir", relative("specs", path)).replace(/\.intel$/, ".ir.json");
    if (UPDATE) mkdirSync(dirname(golden), { recursive: true });
    const text = irToJson(ir(path));
    expect(JSON.parse(text)).toEqual(ir(path)); // the text is the IR, nothing lost
    expectGolden(golden, text);
  });

  it("is self-consistent: ids unique and declared, shapes chained, sources repo-relative", () => {
    const m = ir(path);
    const ids = [...m.params, ...m.state].map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const declared = new Set(m.params.map((p) => p.id));
    for (const net of networksOf(m)) {
      let cur = net.input;
      for (const l of net.layers) {
        expect(size(l.in), `${net.name}: ${l.kind} input`).toBe(size(cur));
        cur = l.out;
        for (const id of layerParams(l)) expect(declared.has(id), id).toBe(true);
      }
      expect(size(cur)).toBe(size(net.output));
    }
    expect(m.encoder.input).toEqual(m.data.shape);
    expect(m.decoder.output).toEqual(m.data.shape);
    expect(m.decoder.input).toEqual(m.mapping.nodes[m.mapping.output]!.shape);
    expect(m.source.file).toBe(path);
    expect(m.source.sha256).toBe(createHash("sha256").update(readFileSync(path, "utf8")).digest("hex"));
    const ats = [m.data.at, m.latent.at, ...m.params.map((p) => p.at), ...m.mapping.nodes.map((n) => n.at), ...m.encoder.layers.map((l) => l.at)];
    for (const at of ats) expect(at.file === path || at.file === "specs/prelude.intel", at.file).toBe(true);
    // The mapping's nodes only read earlier ones, and its output and penalties exist.
    m.mapping.nodes.forEach((n, i) => n.inputs.forEach((j) => expect(j).toBeLessThan(i)));
    for (const p of m.mapping.penalties) expect(m.mapping.nodes[p.node]!.shape).toEqual([]);
  });

  it("ends the encoder with its prior's head: dense(2·D) (3·D spike-and-slab, 1·D categorical logits, plus a discrete stack's upper layers'), then an amortised flow's units", () => {
    const m = ir(path);
    const last = m.encoder.layers.at(-1)!;
    const heads = { spike_slab: 3, categorical: 1 }[m.latent.prior.kind as string] ?? 2;
    const f = m.objective.qFlow;
    const prior = m.latent.prior;
    const upper = prior.kind === "categorical" && !prior.responsibility ? (prior.stack ?? []).reduce((s, l) => s + prior.groups * l.classes, 0) : 0;
    const units = heads * m.latent.dim + upper + (f && "units" in f ? f.units : 0);
    expect(last).toMatchObject({ kind: "dense", units, kernel: "encoder/head/kernel", bias: "encoder/head/bias" });
    expect(m.encoder.output).toEqual([units]);
    expect(last.at).toEqual({ file: path, line: expect.any(Number), col: 3 });
  });
});

describe("facts about particular specs", () => {
  it("the MLP VAE on MNIST has the parameter count of 784-512-256-(2·10) and 10-256-512-784", () => {
    const m = ir("specs/examples/mnist-vanilla.intel");
    const dense = (i: number, o: number) => i * o + o;
    const encoder = dense(784, 512) + dense(512, 256) + dense(256, 20);
    const decoder = dense(10, 256) + dense(256, 512) + dense(512, 784);
    expect(paramCount(m)).toBe(encoder + decoder);
    expect(m.params.map((p) => p.id).slice(0, 6)).toEqual([
      "encoder/dense_0/kernel",
      "encoder/dense_0/bias",
      "encoder/dense_1/kernel",
      "encoder/dense_1/bias",
      "encoder/head/kernel",
      "encoder/head/bias",
    ]);
    expect(m.params[0]!.init).toEqual({ kind: "glorot_uniform", fanIn: 784, fanOut: 512 });
    expect(m.mapping.nodes.map((n) => n.op)).toEqual(["input"]); // identity(y) is y
    expect(m.data).toMatchObject({ source: "mnist", shape: [784], range: [0, 1] });
    expect(m.data.args).toMatchObject({ split: "train", validation: 1000, flatten: true, binarize: false, classes: null });
    expect(m.train).toMatchObject({ batch: 100, epochs: 10, earlyStop: 3, seed: 1, validation: 1000, optimizer: { ...OPT.adam, lr: 1e-3 } });
    expect(m.evaluate.map((e) => e.name)).toEqual(["iwae_nll", "recon_error", "active_dims"]);
    expect(m.evaluate[2]!.args).toEqual({ z: "y", threshold: 0.01 });
  });

  it("the circle mapping is y / (‖y‖ + 1e-7), inlined from the prelude", () => {
    const m = ir("specs/examples/circle.intel");
    const nodes = m.mapping.nodes;
    expect(nodes.map((n) => n.op)).toEqual(["input", "norm", "const", "add", "div"]);
    expect(nodes[1]!.attrs).toEqual({ ord: 2, axis: -1, keepdims: true });
    expect(nodes[2]!.attrs).toEqual({ value: 1e-7 });
    expect(nodes[4]!.inputs).toEqual([0, 3]);
    expect(m.mapping.output).toBe(4);
    expect(nodes.slice(1).every((n) => n.bias === "circle" && n.at.file === "specs/prelude.intel")).toBe(true);
    expect(m.likelihood).toEqual({ kind: "gaussian", sigma: "learned", logSigma: "likelihood/log_sigma" });
    expect(m.kind).toBe("intel-vae");
    expect(m.data).toMatchObject({ source: "ring", shape: [2], range: null, args: { n: 2000, radius: 2, noise: 0.05, validation: 500, arc: 1, seed: null } });
  });

  it("the sparse mapping has one penalty, 'sparsity' = 30 · entropy_spread(s), and DS as an mlp", () => {
    const m = ir("specs/examples/mnist-sparse.intel");
    const g = m.mapping;
    expect(g.penalties.map((p) => p.name)).toEqual(["sparsity"]);
    const pen = g.nodes[g.penalties[0]!.node]!;
    expect(pen.op).toBe("mul");
    expect(pen.inputs.map((i) => g.nodes[i]!.op).sort()).toEqual(["const", "entropy_spread"]);
    expect(g.nodes[pen.inputs[0]!]!.attrs).toEqual({ value: 30 });
    // penalty_on_z is false: the `where` folds to entropy_spread(s); the |z| branch is gone.
    expect(g.nodes.filter((n) => n.op === "entropy_spread")).toHaveLength(1);
    expect(g.nodes.some((n) => n.op === "where" || n.op === "abs")).toBe(false);
    const apply = g.nodes.find((n) => n.op === "apply")!;
    const ds = apply.attrs!.network as NetworkIR;
    expect(ds.layers.map((l) => l.kind)).toEqual(["dense", "activation", "dense", "activation", "dense"]);
    expect(m.params.filter((p) => p.id.startsWith("mapping/")).map((p) => p.id)).toEqual(
      [0, 1, 2].flatMap((i) => [`mapping/sparse/ds/dense_${i}/kernel`, `mapping/sparse/ds/dense_${i}/bias`]),
    );
  });

  it("the conv encoder and decoder follow the paper's code, with batch-norm statistics as state", () => {
    const m = ir("specs/examples/mnist-sparse.intel");
    expect(m.encoder.layers.map((l) => l.kind + (l.kind === "activation" ? `:${l.fn}` : ""))).toEqual([
      ...[0, 1, 2].flatMap(() => ["conv2d", "batch_norm", "activation:leaky_relu"]),
      "flatten",
      "dense",
    ]);
    const conv = m.encoder.layers[3]!;
    expect(conv).toMatchObject({ kind: "conv2d", filters: 64, kernel: [4, 4], stride: [2, 2], padding: "same", in: [14, 14, 32], out: [7, 7, 64], weights: "encoder/conv2d_1/weights" });
    expect(m.params.find((p) => p.id === "encoder/conv2d_1/weights")!.shape).toEqual([4, 4, 32, 64]);
    const convT = m.decoder.layers.find((l) => l.kind === "conv2d_transpose")!;
    expect(convT).toMatchObject({ in: [7, 7, 128], out: [14, 14, 64], weights: "decoder/conv2d_transpose_0/weights" });
    expect(m.params.find((p) => p.id === "decoder/conv2d_transpose_0/weights")!.shape).toEqual([4, 4, 64, 128]);
    expect(m.encoder.layers[1]).toMatchObject({ kind: "batch_norm", momentum: 0.99, epsilon: 1e-3, movingMean: "encoder/batch_norm_0/moving_mean" });
    expect(m.state.map((s) => s.init.kind)).toEqual(m.state.map((s) => (s.id.endsWith("moving_mean") ? "zeros" : "ones")));
    expect(m.decoder.output).toEqual([28, 28, 1]);
    expect(m.data.range).toEqual([0, 1]);
  });

  it("hierarchy names its level weights in attrs, sized [s_{i−1} + s_i, s_i]", () => {
    const m = ir("specs/paper/hierarchy.intel");
    const h = m.mapping.nodes[m.mapping.output]!;
    expect(h).toMatchObject({ op: "builtin", attrs: { fn: "hierarchy", splits: [2, 2, 2, 2, 2], activation: "relu" } });
    const kernels = h.attrs!.kernels as string[];
    expect(kernels).toHaveLength(4);
    expect(m.params.find((p) => p.id === kernels[0])!.shape).toEqual([4, 2]);
  });

  it("baselines lower their priors; only Normal(0, I) makes an InteL-VAE", () => {
    expect(ir("specs/paper/two-gaussians-mog.intel").latent.prior).toEqual({ kind: "mog", k: 2, means: [[-2, 0], [2, 0]], std: 1, learnable: false, kl: "monte_carlo" });
    const vamp = ir("specs/paper/circle-vamp.intel");
    expect(vamp.latent.prior).toEqual({ kind: "vamp", k: 30, pseudoInputs: "prior/pseudo_inputs", init: "data", kl: "monte_carlo" });
    expect(vamp.params.find((p) => p.id === "prior/pseudo_inputs")!.shape).toEqual([30, 2]);
    expect(ir("specs/paper/fashion-vsc.intel").latent.prior).toEqual({ kind: "spike_slab", alpha: 0.5, sharpness: [50, 200], kl: "analytic" });
    for (const p of ["specs/paper/two-gaussians-mog.intel", "specs/paper/circle-vamp.intel", "specs/paper/fashion-vsc.intel"]) expect(ir(p).kind).toBe("baseline");
  });

  it("the learned split point of mnist01-proportions-25 is one scalar parameter", () => {
    const m = ir("specs/paper/mnist01-proportions-25.intel");
    expect(m.params.filter((p) => p.id.startsWith("mapping/"))).toEqual([
      { id: "mapping/split_learned/u", shape: [], init: { kind: "zeros" }, at: { file: "specs/prelude.intel", line: expect.any(Number), col: 3 } },
    ]);
    expect(m.train.settings).toMatchObject({ max_steps: 10000 });
  });

  it("compiles the same IR twice", () => {
    const a = JSON.stringify(compileFile("specs/paper/mnist01-clusters.intel").ir);
    expect(JSON.stringify(compileFile("specs/paper/mnist01-clusters.intel").ir)).toBe(a);
  });
});
