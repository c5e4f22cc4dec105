// The type checker end to end: specs in memory and on disk, the model chain, instantiation,
// no cascades after other stages' errors, and its speed.
import { describe, expect, it } from "vitest";
import { checkFile, checkSource } from "../../compiler/check";
import { builtinsIn } from "../../compiler/builtins";
import { functionInfo } from "../../compiler/builtins/functions";
import { intelFilesUnder } from "../golden";

const codes = (text: string) => checkSource(text, { file: "t.intel" }).diagnostics.map((d) => d.code);
const typeDiagnostics = (text: string) => checkSource(text, { file: "t.intel" }).diagnostics.filter((d) => d.code.startsWith("IV3"));

const NETS = `
network enc(x: Real[2]) -> Real[8] {
  dense(8)
  relu
}
`;

describe("specs/ type-check", () => {
  const specs = intelFilesUnder("specs");
  it.each(specs)("%s has no type errors", (file) => {
    const r = checkFile(file);
    expect(r.diagnostics.filter((d) => d.code.startsWith("IV3")).map((d) => `${d.code} ${d.message}`)).toEqual([]);
  });

  it("mnist-sparse: every size of the chain is known", () => {
    const r = checkFile("specs/examples/mnist-sparse.intel");
    const [shapes] = [...r.types!.models.values()];
    const t = r.types!;
    expect(t.shape(shapes!.data)).toEqual([28, 28, 1]);
    expect(t.shape(shapes!.latent)).toEqual([50]);
    expect(t.shape(shapes!.representation)).toEqual([50]);
    expect(t.shape(shapes!.encoderFeatures)).toEqual([2048]);
    // the conv decoder unrolled over filters[1:] = [64, 32], with H, W, C from the data
    const dec = shapes!.decoder!;
    expect(dec.layers.map((l) => l.builtin?.name)).toEqual([
      "dense", "relu", "reshape", "batch_norm", "relu", "conv2d_transpose", "batch_norm", "relu", "conv2d_transpose", "batch_norm", "relu", "conv2d_transpose",
    ]);
    expect(dec.layers.map((l) => l.output.map((d) => t.resolve(d)))).toContainEqual([14, 14, 64]);
    expect(t.shape(dec.output)).toEqual([28, 28, 1]);
    expect(Object.fromEntries([...dec.bindings].map(([k, v]) => [k, t.resolve(v)]))).toMatchObject({ D: 50, H: 28, W: 28, C: 1, h0: 7, w0: 7 });
    const enc = shapes!.encoder!;
    expect(enc.layers.filter((l) => l.builtin?.name === "conv2d").map((l) => l.output.map((d) => t.resolve(d)))).toEqual([
      [14, 14, 32],
      [7, 7, 64],
      [4, 4, 128],
    ]);
  });

  it("checks the largest spec quickly (parse + every stage, warm)", () => {
    const file = "specs/examples/mnist-sparse.intel";
    for (let i = 0; i < 5; i++) checkFile(file);
    const t0 = performance.now();
    const n = 10;
    for (let i = 0; i < n; i++) checkFile(file);
    // generous: the budget is ~50 ms on a quiet machine; tests run in parallel under a transform
    expect((performance.now() - t0) / n).toBeLessThan(250);
  });
});

describe("the model chain", () => {
  it("an undefined name in a bias and a decoder mismatch give exactly those two diagnostics", () => {
    const ds = checkSource(
      `
bias drift(y: Real[2]) -> Real[2] {
  return y + offset
}
${NETS}
network dec(z: Real[2]) -> Real[?] {
  dense(3)
}
model m {
  data x : Real[2] ~ ring(n: 100)
  encoder q(y | x) = enc()
  intermediary y : Real[2] ~ Normal(0, I)
  mapping z = drift(y)
  decoder p(x | z) : Gaussian(sigma: 0.1) = dec()
}
`,
      { file: "t.intel" },
    ).diagnostics;
    expect(ds.map((d) => d.code)).toEqual(["IV2001", "IV3004"]);
    expect(ds[1]!.message).toBe("the decoder must output the data's shape, Real[2], but it outputs Real[3]: the last dimensions differ (2 vs 3)");
    expect(ds[1]!.labels.map((l) => l.message)).toEqual(["the decoder's output, Real[3], comes from here", "'x' is declared Real[2] here"]);
  });

  it("instantiates a generic bias with y's size, and infers Real[?] from the body", () => {
    const r = checkSource(
      `
bias pair<D>(y: Real[D]) -> Real[?] {
  return concat(y, y * y)
}
${NETS}
network dec(z: Real[6]) -> Real[2] {
  dense(2)
}
model m {
  data x : Real[2] ~ ring(n: 100)
  encoder q(y | x) = enc()
  intermediary y : Real[3] ~ Normal(0, I)
  mapping z = pair(y)
  decoder p(x | z) : Gaussian(sigma: 0.1) = dec()
}
`,
      { file: "t.intel" },
    );
    expect(r.diagnostics).toEqual([]);
    const [m] = [...r.types!.models.values()];
    expect(r.types!.shape(m!.representation)).toEqual([6]);
  });

  it("unrolls a for loop over a list passed from the model", () => {
    const r = checkSource(
      `
network conv<H, W, C>(x: Real[H, W, C], filters: Int[]) -> Real[?] {
  for f in filters {
    conv2d(f, kernel: 3, stride: 2)
    relu
  }
  flatten
}
network dec(z: Real[4]) -> Real[28, 28, 1] {
  dense(784)
  reshape(28, 28, 1)
}
model m {
  data x ~ mnist(split: "train")
  encoder q(y | x) = conv(filters: [8, 16, 32, 64])
  intermediary y : Real[4] ~ Normal(0, I)
  decoder p(x | y) : Bernoulli = dec()
}
`,
      { file: "t.intel" },
    );
    expect(r.diagnostics).toEqual([]);
    const [m] = [...r.types!.models.values()];
    expect(r.types!.shape(m!.encoderFeatures)).toEqual([2 * 2 * 64]); // 28 → 14 → 7 → 4 → 2
  });

  it("reports a size that only fails for the model's values (7 / 2), at the layer, with the use", () => {
    const ds = typeDiagnostics(`
network enc(x: Real[2], side: Int = 4) -> Real[?] {
  dense(side * side)
  reshape(side / 2, side * 2, 1)
  flatten
}
network dec(z: Real[2]) -> Real[2] {
  dense(2)
}
model m {
  data x : Real[2] ~ ring(n: 100)
  encoder q(y | x) = enc(side: 7)
  intermediary y : Real[2] ~ Normal(0, I)
  decoder p(x | y) : Gaussian(sigma: 0.1) = dec()
}
`);
    expect(ds.map((d) => d.code)).toEqual(["IV3002"]);
    expect(ds[0]!.message).toBe("'d0' of reshape must be an Int (a whole number), found 3.5");
    expect(ds[0]!.labels.map((l) => l.message)).toContain("in this use of 'enc'");
  });

  it("shows fractions of sizes as divisions", () => {
    const ds = typeDiagnostics(`
network dec<D, H, W, C>(z: Real[D]) -> Real[H, W, C] {
  dense(H * W * C)
  reshape(H / 8, W / 8, C * 64)
}`);
    expect(ds.map((d) => d.message)).toEqual([
      "the network 'dec' declares Real[H, W, C], but produces Real[H / 8, W / 8, 64 * C]: the first dimensions differ (H vs H / 8)",
    ]);
  });

  it("the encoder's features may have any size; an image must be flattened", () => {
    expect(codes(`${NETS}
network dec(z: Real[2]) -> Real[2] {
  dense(2)
}
model m {
  data x : Real[2] ~ ring(n: 100)
  encoder q(y | x) = enc()
  intermediary y : Real[2] ~ Normal(0, I)
  decoder p(x | y) : Gaussian(sigma: 0.1) = dec()
}`)).toEqual([]);
  });

  it("uses the builtin mlp as a learnable function inside a bias", () => {
    const ok = typeDiagnostics(`
bias gated<D>(y: Real[D]) -> Real[D] {
  param g = mlp(D, [16], D)
  return y * sigmoid(g(y))
}`);
    expect(ok).toEqual([]);
    const bad = typeDiagnostics(`
bias gated<D>(y: Real[D]) -> Real[D] {
  param g = mlp(D, [16], 3)
  return y * sigmoid(g(y))
}`);
    expect(bad.map((d) => d.code)).toEqual(["IV3001"]);
    expect(bad[0]!.message).toBe("cannot multiply Real[D] and Real[3]: the last dimensions differ (D vs 3)");
  });

  it("checks a generic bias for every D: returning y[0:2] from Real[D] → Real[D] is an error", () => {
    const ds = typeDiagnostics(`
bias first_two<D>(y: Real[D]) -> Real[D] {
  return y[0:2]
}`);
    expect(ds.map((d) => d.code)).toEqual(["IV3003"]);
    expect(ds[0]!.message).toBe("the bias 'first_two' declares Real[D], but returns a tensor Real[2]: the last dimensions differ (D vs 2)");
  });

  it("types symbolic slices and concatenations: concat(y[0:k], y[k:]) is Real[D]", () => {
    expect(
      typeDiagnostics(`
bias swap<D>(y: Real[D], k: Int = 1) -> Real[D] {
  return concat(y[k:], y[0:k])
}`),
    ).toEqual([]);
  });

  it("a decoder's Real[N] takes its size from the data", () => {
    const r = checkSource(
      `${NETS}
network dec<D, N>(z: Real[D]) -> Real[N] {
  dense(N)
}
model m {
  data x : Real[2] ~ ring(n: 100)
  encoder q(y | x) = enc()
  intermediary y : Real[5] ~ Normal(0, I)
  decoder p(x | y) : Gaussian(sigma: 0.1) = dec()
}`,
      { file: "t.intel" },
    );
    expect(r.diagnostics).toEqual([]);
  });

  it("a String where a size is needed is one error, nothing downstream", () => {
    const ds = typeDiagnostics(`
network enc(x: Real[2]) -> Real[?] {
  dense("eight")
  relu
}`);
    expect(ds.map((d) => d.code)).toEqual(["IV3002"]);
  });
});

describe("builtin coverage", () => {
  it("every function has a shape rule the checker knows", () => {
    const rules = new Set(["elementwise", "reduce", "same", "concat", "stack", "reshape", "matmul", "transpose", "dot", "gather", "static", "mapping"]);
    expect(builtinsIn("function").filter((b) => !rules.has(functionInfo(b.name)!.shape)).map((b) => b.name)).toEqual([]);
  });

  it("every data source either has a known shape or needs a declared type (file-based)", () => {
    const fileBased = builtinsIn("data").filter((b) => !b.point).map((b) => b.name);
    expect(fileBased).toEqual(["idx", "csv", "npy"]);
  });
});

describe("golden coverage", () => {
  it("every IV3 code is triggered by a spec under test/golden/types", async () => {
    const { readFileSync } = await import("node:fs");
    const { CATALOG } = await import("../../compiler/diagnostics/catalog");
    const seen = new Set<string>();
    for (const f of intelFilesUnder("test/golden/types")) {
      for (const m of readFileSync(f.replace(/\.intel$/, ".errors.txt"), "utf8").matchAll(/(?:error|warning|info) (IV3\d{3})/g)) seen.add(m[1]!);
    }
    expect(Object.keys(CATALOG).filter((c) => c.startsWith("IV3") && !seen.has(c))).toEqual([]);
  });
});
