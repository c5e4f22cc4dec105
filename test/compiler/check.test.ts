import { describe, expect, it } from "vitest";
import { checkFile, checkSource, MAX_DIAGNOSTICS } from "../../compiler/check";
import { memoryHost } from "../../compiler/host";

const clean = `
network enc(x: Real[28, 28, 1]) -> Real[4] {
  flatten
  dense(4)
}

network dec(z: Real[2]) -> Real[28, 28, 1] {
  dense(784)
  reshape(28, 28, 1)
}

bias double<D>(y: Real[D]) -> Real[D] {
  return 2 * y
}

model m {
  data x : Real[28, 28, 1] ~ mnist(split: "train")
  encoder q(y | x) = enc()
  intermediary y : Real[2] ~ Normal(0, I)
  mapping z = double(y)
  decoder p(x | z) : Bernoulli = dec()
  objective elbo(beta: 1)
  train { optimizer: adam(lr: 1e-3), batch: 32, epochs: 2, seed: 1 }
  evaluate { hoyer(z) }
}
`;

describe("checkSource", () => {
  it("returns the AST and no diagnostics for a clean spec", () => {
    const r = checkSource(clean, { file: "clean.intel" });
    expect(r.diagnostics).toEqual([]);
    expect(r.program.items.map((i) => i.kind)).toEqual(["NetworkDecl", "NetworkDecl", "BiasDecl", "ModelDecl"]);
    expect(r.names?.resolution.size).toBeGreaterThan(5);
  });

  it("resolves imports from memory, relative to the importing file", () => {
    const host = memoryHost({
      "dir/main.intel": `import "lib/b"\nbias a(y: Real[2]) -> Real[2] {\n  return b(y)\n}\n`,
      "dir/lib/b.intel": `bias b(y: Real[2]) -> Real[2] {\n  return y\n}\n`,
    });
    const r = checkSource(`import "lib/b"\nbias a(y: Real[2]) -> Real[2] {\n  return b(y)\n}\n`, { file: "dir/main.intel", host });
    expect(r.diagnostics).toEqual([]);
    expect(r.modules.map((m) => m.file)).toEqual(["dir/main.intel", "dir/lib/b.intel"]);
  });

  it("reports a failing host as an internal error, never by throwing", () => {
    const host = memoryHost({ "a.intel": `import "b"\n` });
    const broken = { ...host, read: (p: string) => (p.endsWith("a.intel") ? host.read(p) : (() => { throw new Error("disk on fire"); })()), exists: () => true };
    const r = checkSource(`import "b"\n`, { file: "a.intel", host: broken });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["IV9001"]);
    expect(r.diagnostics[0]!.message).toContain("disk on fire");
    expect(r.diagnostics[0]!.hint).toContain("bug in intel-vae");
  });

  it("caps the number of diagnostics and says how many were left out (IV9003)", () => {
    const lines = Array.from({ length: MAX_DIAGNOSTICS + 20 }, (_, i) => `  let v${i} = missing${i}`);
    const text = `bias many(y: Real[2]) -> Real[2] {\n${lines.join("\n")}\n  return y\n}\n`;
    const r = checkSource(text, { file: "many.intel" });
    expect(r.diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    const last = r.diagnostics.at(-1)!;
    expect(last.code).toBe("IV9003");
    expect(last.message).toMatch(/^\d+ more diagnostics not shown$/);
  });
});

describe("checkFile", () => {
  it("reports an unreadable input file as IV9002", () => {
    const r = checkFile("test/golden/no-such-spec.intel");
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["IV9002", "cannot read 'test/golden/no-such-spec.intel': no such file"],
    ]);
  });
});

describe("checkSource on hostile input", () => {
  const body = "bias b(y: Real[2]) -> Real[2] {\n  return y * missing_scale(y)\n}\n";
  it("a failed import does not cascade into unknown-function errors; without the import they are reported", () => {
    const codes = (t: string) => checkSource(t, { file: "m.intel" }).diagnostics.map((d) => d.code);
    expect(codes(`import "nowhere.intel"\n${body}`)).toEqual(["IV2004"]);
    expect(codes(body)).toContain("IV2006");
  });

  it("never throws, even when the file host does", () => {
    const host = { ...memoryHost({}), exists: () => true, read: (): string => { throw new Error("disk on fire"); } };
    const r = checkSource(`import "lib"\n${body}`, { file: "m.intel", host });
    expect(r.diagnostics.map((d) => d.code)).toContain("IV9001");
  });
});
