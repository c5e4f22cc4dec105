// Every spec under specs/ compiles to a program that passes the TypeScript compiler in strict mode;
// two of them are kept as golden files (readable output); the largest one emits well under a second.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile";
import { typeCheckFiles } from "../../compiler/emit/check";
import { emitModel } from "../../compiler/emit/emit";
import type { ModelIR } from "../../compiler/ir/types";
import { expectGolden, intelFilesUnder } from "../golden";
import { removeTmp, tmpDir, writeEmitted } from "./helpers";

const specs = intelFilesUnder("specs").filter((p) => !p.endsWith("prelude.intel"));
const irs = new Map<string, ModelIR>();
let dir = "";

beforeAll(() => {
  dir = tmpDir("specs");
  for (const p of specs) {
    const ir = compileFile(p).ir;
    if (ir) irs.set(p, ir);
  }
});
afterAll(() => removeTmp(dir));

describe("intel compile on every spec", () => {
  it("lowers every spec (the emitter's input)", () => {
    expect(specs.length).toBeGreaterThan(10);
    expect([...irs.keys()].sort()).toEqual([...specs].sort());
  });

  it("emits a program that passes tsc --noEmit --strict for every spec", () => {
    const files = [...irs].map(([p, ir], i) => writeEmitted(dir, `spec${i}_${p.split("/").pop()!.replace(".intel", "")}.ts`, ir));
    const errors = typeCheckFiles(files);
    const bad = [...errors].filter(([, es]) => es.length).map(([f, es]) => `${f}:\n${es.map((e) => `  ${e.line}:${e.col} ${e.message}`).join("\n")}`);
    expect(bad).toEqual([]);
  }, 300_000);

  it("emits the largest spec well under a second", () => {
    const [path, ir] = [...irs].sort((a, b) => JSON.stringify(b[1]).length - JSON.stringify(a[1]).length)[0]!;
    emitModel(ir); // warm-up: loading ts-morph's TypeScript
    const t0 = performance.now();
    const text = emitModel(ir);
    const ms = performance.now() - t0;
    console.log(`emit ${path} (${ir.mapping.nodes.length} mapping nodes, ${ir.params.length} parameters, ${text.split("\n").length} lines): ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(1000);
  });

  it("is deterministic", () => {
    const ir = irs.get("specs/examples/mnist-sparse.intel")!;
    expect(emitModel(ir)).toBe(emitModel(ir));
  });
});

describe("golden emitted programs (UPDATE_GOLDEN=1 rewrites them)", () => {
  // As they would sit in test/golden/emit/, importing the support module from there.
  const golden = (spec: string, file: string) => () => {
    const ir = irs.get(spec)!;
    expectGolden(join("test/golden/emit", file), emitModel(ir, { supportImport: "../../../runtime/support", fileName: file }));
  };
  it("specs/examples/circle.intel", golden("specs/examples/circle.intel", "circle.ts"));
  it("specs/examples/mnist-sparse.intel", golden("specs/examples/mnist-sparse.intel", "mnist-sparse.ts"));
});

describe("what intel compile refuses", () => {
  it("names the spec line of a node it cannot write out", async () => {
    const { mlpVae, Graph } = await import("../runtime/fixtures/ir");
    const ir = mlpVae({ data: [4], hidden: [4], latent: 2, mapping: (_p, d) => {
      const g = new Graph([d]);
      return g.build(g.node("builtin", [0], [d], { fn: "no_such_function" }));
    } });
    expect(() => emitModel(ir)).toThrow(/mapping node 1 'builtin' \(fixture\.intel:1:1\): .*no_such_function/);
  });

  it("emits a program that refuses a baseline prior (intel train runs it; intel compile does not emit it yet)", () => {
    const ir = irs.get("specs/paper/two-gaussians-mog.intel")!;
    expect(emitModel(ir)).toContain(`throw new Error("intel compile does not emit baseline priors yet (the 'mog' prior)`);
  });
});
