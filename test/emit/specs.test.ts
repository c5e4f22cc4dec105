// `intel compile` on every spec under specs/: each writes a program that passes the TypeScript
// compiler in strict mode (or would be refused with a diagnostic: none is today); two are kept as
// golden files (readable output); the largest emits well under a second; what the emitter cannot
// write out is an IV5015 diagnostic with the spec line, exit 1 and no file.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bufferIo } from "../../cli/io";
import { makeCompileCommand } from "../../cli/compile-command";
import { main } from "../../cli/main";
import { compileFile } from "../../compiler/compile";
import { typeCheckFiles } from "../../compiler/emit/check";
import { emitModel, EmitError } from "../../compiler/emit/emit";
import type { ModelIR } from "../../compiler/ir/types";
import { builtinNames } from "../../runtime/mapping/builtins";
import "../../runtime/mapping/library"; // registers the built-in mappings
import { Graph, mlpVae } from "../runtime/fixtures/ir";
import { expectGolden, intelFilesUnder } from "../golden";
import { removeTmp, tmpDir } from "./helpers";

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

  it("writes a program for every spec (or refuses with IV5015, exit 1, no file), and every program passes tsc --strict", async () => {
    const written: string[] = [];
    for (const [i, spec] of specs.entries()) {
      const out = join(dir, `spec${i}_${spec.split("/").pop()!.replace(".intel", "")}.ts`);
      const io = bufferIo();
      const code = await main(["compile", spec, "-o", out], io);
      if (code === 1) {
        expect(io.stderr(), spec).toContain("IV5015");
        expect(existsSync(out), spec).toBe(false);
      } else {
        expect(code, `${spec}: ${io.stderr()}`).toBe(0);
        written.push(out);
      }
    }
    expect(written.length).toBe(specs.length); // every spec emits today
    const errors = typeCheckFiles(written);
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

  it("imports its math and copies none: no helper function of its own besides param()", () => {
    for (const ir of irs.values()) {
      const text = emitModel(ir);
      const fns = [...text.matchAll(/^(?:export )?(?:async )?function (\w+)/gm)].map((m) => m[1]!);
      const own = fns.filter((f) => !/Net\d*$/.test(f) && !["param", "mapping", "createVariables", "createModel", "main"].includes(f));
      // what remains are the spec's own biases (one function each)
      const biases = new Set(ir.mapping.nodes.flatMap((n) => (n.bias ? [n.bias.replace(/[^A-Za-z0-9_$]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""))] : [])));
      for (const f of own) expect(biases.has(f.replace(/\d+$/, "")), `${ir.name}: function ${f}`).toBe(true);
    }
  });
});

describe("golden emitted programs (UPDATE_GOLDEN=1 rewrites them)", () => {
  // As they would sit in test/golden/emit/, importing the support module from there.
  const golden = (spec: string, file: string) => () => {
    const ir = irs.get(spec)!;
    expectGolden(join("test/golden/emit", file), emitModel(ir, { fileName: file }));
  };
  it("specs/examples/circle.intel", golden("specs/examples/circle.intel", "circle.ts"));
  it("specs/examples/mnist-sparse.intel", golden("specs/examples/mnist-sparse.intel", "mnist-sparse.ts"));
});

describe("what intel compile refuses", () => {
  it("writes out every built-in the runtime registers", () => {
    const missing = builtinNames().filter((fn) => {
      const ir = mlpVae({ data: [4], hidden: [4], latent: 2, mapping: (_p, d) => {
        const g = new Graph([d]);
        return g.build(g.node("builtin", [0], [d], { fn }));
      } });
      try {
        emitModel(ir);
        return false;
      } catch (e) {
        // a known built-in may still refuse these empty attributes; an unknown one says so
        return e instanceof EmitError && /does not know the built-in/.test(e.message);
      }
    });
    expect(builtinNames().length).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  it("names the spec place of a node it cannot write out", () => {
    const ir = mlpVae({ data: [4], hidden: [4], latent: 2, mapping: (_p, d) => {
      const g = new Graph([d]);
      return g.build(g.node("builtin", [0], [d], { fn: "no_such_function" }));
    } });
    expect(() => emitModel(ir)).toThrow(/mapping node 1 'builtin' \(fixture\.intel:1:1\): .*no_such_function/);
    try {
      emitModel(ir);
    } catch (e) {
      expect((e as EmitError).at).toEqual({ file: "fixture.intel", line: 1, col: 1 });
    }
  });

  it("refuses a layer kind it does not know at the layer's spec place (an IR newer than the emitter)", () => {
    const ir = mlpVae({ data: [4], hidden: [4], latent: 2 });
    const at = { file: "fixture.intel", line: 3, col: 5 };
    const layer = { kind: "no_such_layer", in: [4], out: [4], at } as unknown as ModelIR["encoder"]["layers"][number];
    const bad = { ...ir, encoder: { ...ir.encoder, layers: [layer, ...ir.encoder.layers] } };
    expect(() => emitModel(bad)).toThrow(/unknown layer .*no_such_layer/);
    try {
      emitModel(bad);
    } catch (e) {
      expect((e as EmitError).at).toEqual(at);
    }
  });

  it("is an IV5015 diagnostic at the spec line, exit 1 and no file (golden text)", async () => {
    const spec = "specs/examples/circle.intel";
    const ir = irs.get(spec)!;
    const node = ir.mapping.nodes.find((n) => n.op === "div")!;
    const compile = makeCompileCommand(() => {
      throw new EmitError("intel compile does not know op 'div'", node.at);
    });
    const out = join(dir, "refused.ts");
    const io = bufferIo();
    expect(await compile([spec, "-o", out], io)).toBe(1);
    expect(existsSync(out)).toBe(false);
    const text = io.stderr();
    expect(text).toContain(`${node.at!.file}:${node.at!.line}:${node.at!.col}`);
    expect(text).toContain(readFileSync(node.at!.file, "utf8").split("\n")[node.at!.line - 1]!.trim());
    expect(text).not.toMatch(/\n\s+at /); // no stack trace
    expectGolden("test/golden/emit/refused.errors.txt", text.replace(/\n+$/, "\n"));
  });
});
