// The lowering's API on in-memory specs: model selection, diagnostics instead of exceptions, and the
// constructs the shipped specs do not exercise (initialisers, user networks, nesting, folding).
import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/check";
import { compileSource, lower } from "../../compiler/compile";
import type { ModelIR, NetworkIR } from "../../compiler/ir/types";

const model = (mapping: string, o: { name?: string; encoder?: string; latent?: number; decls?: string } = {}) => `import "prelude"
${o.decls ?? ""}
model ${o.name ?? "m"} {
  data x : Real[6] ~ gaussian_clusters(dim: 6)
  encoder q(y | x) = ${o.encoder ?? "mlp_encoder(hidden: [8])"}
  intermediary y : Real[${o.latent ?? 4}] ~ Normal(0, I)
  mapping z = ${mapping}
  decoder p(x | z) : Gaussian(sigma: 0.5) = mlp_decoder(hidden: [8])
}
`;

function compiled(text: string, name?: string): ModelIR {
  const r = compileSource(text, { file: "test/lower/spec.intel", model: name });
  expect(r.check.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
  expect(r.ir).toBeDefined();
  return r.ir!;
}

const ops = (m: ModelIR) => m.mapping.nodes.map((n) => n.op);
const mappingParams = (m: ModelIR) => m.params.filter((p) => p.id.startsWith("mapping/")).map((p) => `${p.id} [${p.shape}] ${p.init.kind}`);

describe("compileSource and lower", () => {
  it("lower() works on a checkSource result; files are repo-relative in the IR", () => {
    const check = checkSource(model("circle(y)", { latent: 2 }).replace("Real[6] ~ gaussian_clusters(dim: 6)", "Real[2] ~ ring()"), { file: "test/lower/spec.intel" });
    const r = lower(check);
    expect(r.diagnostics).toEqual([]);
    expect(r.ir!.source.file).toBe("test/lower/spec.intel");
    expect(r.ir!.mapping.nodes[1]!.at.file).toBe("specs/prelude.intel");
    expect(r.ir!.data).toMatchObject({ source: "ring", shape: [2], args: { n: 2000, radius: 2 } });
  });

  it("lowers nothing, and says nothing more, when the check has errors", () => {
    const check = checkSource(model("circle(y)"), { file: "test/lower/spec.intel" }); // circle needs Real[2]
    expect(check.diagnostics.some((d) => d.severity === "error")).toBe(true);
    expect(lower(check)).toEqual({ diagnostics: [] });
    expect(compileSource(model("circle(y)")).ir).toBeUndefined();
  });

  it("picks the named model; several without a name, or an unknown name, is a diagnostic", () => {
    const two = model("y", { name: "a" }) + model("sparse(y)", { name: "b" }).replace('import "prelude"\n', "");
    expect(compiled(two, "b").name).toBe("b");
    expect(compiled(two, "a").mapping.nodes).toHaveLength(1);
    const none = compileSource(two);
    expect(none.ir).toBeUndefined();
    expect(none.check.diagnostics.map((d) => [d.code, d.severity])).toContainEqual(["IV2012", "error"]);
    expect(none.check.diagnostics.find((d) => d.code === "IV2012")!.message).toMatch(/2 models \('a', 'b'\)/);
    const unknown = compileSource(two, { model: "c" });
    expect(unknown.check.diagnostics.find((d) => d.code === "IV2001")!.message).toMatch(/no model named 'c'.*'a', 'b'/);
    expect(compileSource('import "prelude"\nbias f(y: Real[2]) -> Real[2] { return y }\n').check.diagnostics.map((d) => d.code)).toContain("IV2012");
  });

  it("what the IR cannot express is an IV9001 diagnostic at the construct, never an exception", () => {
    const decls = "network enc(v: Real[6]) -> Real[?] {\n  dense(16, init: \"orthogonal\")\n}";
    const r = compileSource(model("y", { encoder: "enc", decls }), { file: "test/lower/spec.intel" });
    expect(r.ir).toBeUndefined();
    const d = r.check.diagnostics.find((x) => x.code === "IV9001")!;
    expect(d).toMatchObject({ severity: "error", span: { line: 3, col: 3 } }); // the dense(16, init: "orthogonal") line
    expect(d.message).toMatch(/dense's init "orthogonal" is not supported by the IR yet/);
  });
});

describe("mappings", () => {
  it("a bias called twice gets its own parameters and a distinct penalty name", () => {
    const m = compiled(model("sparse(sparse(y), gamma: 10)"));
    expect(m.mapping.penalties.map((p) => p.name)).toEqual(["sparsity", "sparsity_2"]);
    expect(m.params.filter((p) => p.id.endsWith("dense_0/kernel") && p.id.startsWith("mapping/")).map((p) => p.id)).toEqual([
      "mapping/sparse/ds/dense_0/kernel",
      "mapping/sparse_1/ds/dense_0/kernel",
    ]);
    const consts = m.mapping.penalties.map((p) => m.mapping.nodes[m.mapping.nodes[p.node]!.inputs[0]!]!.attrs!.value);
    expect(consts).toEqual([30, 10]); // inner call: default γ; outer: the argument
  });

  it("an unnamed penalty is named after its bias", () => {
    const decls = "bias shrink<D>(y: Real[D]) -> Real[D] {\n  penalty 0.1 * sum(y * y)\n  return y\n}";
    const m = compiled(model("shrink(y)", { decls }));
    expect(m.mapping.penalties.map((p) => [p.name, p.at.line])).toEqual([["shrink_penalty", 3]]);
    expect(m.mapping.nodes.find((n) => n.op === "sum")!.attrs).toEqual({ axis: null, keepdims: false });
  });

  it("initialisers: numbers, normal, glorot; eye and list literals as a constant plus a learnable offset", () => {
    const decls = `network proj(v: Real[4], width: Int) -> Real[4] {
  dense(width, activation: "tanh")
  dense(4)
}
bias mine(y: Real[4]) -> Real[4] {
  param f = proj(width: 5)
  param w : Real[4] = 0.5
  param c = [1.0, 2, 3, 4]
  param g = glorot(4, 4)
  param e = normal(4, std: 0.1)
  param m = eye(4, scale: 2)
  return matmul(y + f(y) * w * c, g) + matmul(e, m)
}`;
    const m = compiled(model("mine(y)", { decls }));
    expect(mappingParams(m)).toEqual([
      "mapping/mine/f/dense_0/kernel [4,5] glorot_uniform",
      "mapping/mine/f/dense_0/bias [5] zeros",
      "mapping/mine/f/dense_1/kernel [5,4] glorot_uniform",
      "mapping/mine/f/dense_1/bias [4] zeros",
      "mapping/mine/w [4] constant",
      "mapping/mine/c [4] zeros",
      "mapping/mine/g [4,4] glorot_uniform",
      "mapping/mine/e [4] normal",
      "mapping/mine/m [4,4] zeros",
    ]);
    expect(m.params.find((p) => p.id === "mapping/mine/e")!.init).toEqual({ kind: "normal", mean: 0, std: 0.1 });
    const f = m.mapping.nodes.find((n) => n.op === "apply")!.attrs!.network as NetworkIR;
    expect(f.layers.map((l) => (l.kind === "activation" ? l.fn : l.kind))).toEqual(["dense", "tanh", "dense"]);
    // m = 2·I + δ: a const [4, 4] added to the param node
    const add = m.mapping.nodes.find((n) => n.op === "add" && n.shape.length === 2)!;
    const [c, p] = add.inputs.map((i) => m.mapping.nodes[i]!);
    expect(c!.attrs!.value).toEqual([[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 2]]);
    expect(p!.attrs).toEqual({ id: "mapping/mine/m" });
  });

  it("built-in flows name one parameter per layer in attrs", () => {
    const m = compiled(model("radial_flow(planar_flow(y, layers: 2), layers: 1)"));
    const [planar, radial] = m.mapping.nodes.slice(1).map((n) => n.attrs!);
    expect(planar).toEqual({
      fn: "planar_flow",
      layers: 2,
      u: ["mapping/planar_flow/layer_0/u", "mapping/planar_flow/layer_1/u"],
      w: ["mapping/planar_flow/layer_0/w", "mapping/planar_flow/layer_1/w"],
      b: ["mapping/planar_flow/layer_0/b", "mapping/planar_flow/layer_1/b"],
    });
    expect(radial).toMatchObject({ fn: "radial_flow", layers: 1, z0: ["mapping/radial_flow/layer_0/z0"] });
  });

  it("folds compile-time values and indexes from the last axis to the first", () => {
    const m = compiled(model("y * (2 * pi / 4) + sqrt(4.0) + y[1:3][0] + [y[0], 1, y[3], -y[2]]"));
    const consts = m.mapping.nodes.filter((n) => n.op === "const").map((n) => n.attrs!.value);
    expect(consts).toContainEqual(Math.PI / 2);
    expect(consts).toContainEqual(2);
    expect(ops(m)).toContain("stack");
    const slice = m.mapping.nodes.find((n) => n.op === "slice")!;
    expect(slice).toMatchObject({ attrs: { axis: 0, start: 1, stop: 3 }, shape: [2] });
    expect(m.mapping.nodes.filter((n) => n.op === "index").map((n) => n.attrs)).toContainEqual({ index: 0, axis: 0 });
  });

  it("no mapping is the identity; `clip(x, 0, inf)` leaves the infinite bound to the runtime's default", () => {
    const vsc = compileSource(model("y").replace("  mapping z = y\n", "").replace("p(x | z)", "p(x | y)"));
    expect(vsc.ir!.mapping).toEqual({ input: { name: "y", shape: [4] }, nodes: [expect.objectContaining({ op: "input" })], output: 0, penalties: [] });
    const m = compiled(model("clip(y, 0, inf) + min(y, inf)"));
    expect(m.mapping.nodes.find((n) => n.op === "clip")!.attrs).toEqual({ lo: 0 });
    expect(m.mapping.nodes.filter((n) => n.op === "const").map((n) => n.attrs!.value)).toContainEqual(1e39); // ∞ in float32
  });
});

describe("networks and slots", () => {
  it("a user network used as a layer inlines under its own path; mlp works as the encoder", () => {
    const decls = "network inner(v: Real[8]) -> Real[8] {\n  dense(8)\n  relu\n}\nnetwork enc(v: Real[6]) -> Real[8] {\n  dense(8)\n  inner\n  inner\n}";
    const m = compiled(model("y", { encoder: "enc", decls }));
    expect(m.encoder.layers.filter((l) => l.kind === "dense").map((l) => (l as { kernel: string }).kernel)).toEqual([
      "encoder/dense_0/kernel",
      "encoder/inner_0/dense_0/kernel",
      "encoder/inner_1/dense_0/kernel",
      "encoder/head/kernel",
    ]);
    const mlp = compiled(model("y", { encoder: 'mlp(6, [12], 8, activation: "tanh")' }));
    expect(mlp.encoder.name).toBe("mlp");
    expect(mlp.encoder.layers.map((l) => (l.kind === "activation" ? l.fn : `${l.kind}${JSON.stringify(l.out)}`))).toEqual(["dense[12]", "tanh", "dense[8]", "dense[8]"]);
  });

  it("objective, optimizer and training settings get their defaults; eps only when written", () => {
    const spec = model("y").replace("}\n$", "").replace(/\n}\n$/, `
  objective iwae(k: 8)
  train { optimizer: rmsprop(lr: 0.01, eps: 1e-6), epochs: 3, clip_norm: 5 }
  evaluate { hoyer(z, sample: true) }
}
`);
    const m = compiled(spec);
    expect(m.objective).toEqual({ kind: "iwae", k: 8, warmup: 0 });
    expect(m.train.optimizer).toEqual({ kind: "rmsprop", lr: 0.01, decay: 0.9, momentum: 0, epsilon: 1e-6 });
    expect(m.train).toMatchObject({ batch: 100, epochs: 3, earlyStop: 0, seed: 1, validation: 0, checkpointEvery: 1 });
    expect(m.train.settings).toMatchObject({ clip_norm: 5, lr_schedule: "constant", max_steps: null });
    expect(m.evaluate).toEqual([{ name: "hoyer", args: { z: "z", sample: true }, at: { file: "test/lower/spec.intel", line: 11, col: 14 } }]);
    expect(compiled(model("y")).train.optimizer).toEqual({ kind: "adam", lr: 1e-3, beta1: 0.9, beta2: 0.999 });
    expect(compiled(model("y")).objective).toEqual({ kind: "elbo", beta: 1, warmup: 0, samples: 1, kl: "auto" });
  });

  it("a learnable mixture prior gets offset, log-std and logit parameters", () => {
    const m = compiled(model("y").replace("Normal(0, I)", "MixtureOfGaussians(k: 3, distance: 1, learnable: true)"));
    expect(m.kind).toBe("baseline");
    const prior = m.latent.prior as Extract<ModelIR["latent"]["prior"], { kind: "mog" }>;
    expect(prior.means.map((r) => r.map((v) => Math.round(v * 1000) / 1000))).toEqual([[1, 0, 0, 0], [-0.5, 0.866, 0, 0], [-0.5, -0.866, 0, 0]]);
    expect(prior.params).toEqual({ meanOffsets: "prior/mean_offsets", logStd: "prior/log_std", logits: "prior/logits" });
    expect(m.params.at(-3)!.shape).toEqual([3, 4]);
  });
});
