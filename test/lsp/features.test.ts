// The server's features in process (no stdio): quick fixes applied to the text, hovers, completion
// in a train block, and the rule that the server never imports the runtime.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import { checkSource } from "../../compiler/check";
import { codeActions } from "../../lsp/code-actions";
import { complete } from "../../lsp/completion";
import { hover } from "../../lsp/hover";
import { definition, references } from "../../lsp/navigate";
import { documentSymbols } from "../../lsp/outline";
import { signatureHelp } from "../../lsp/signature";

const FILE = "/virtual/fixes.intel";

function check(text: string) {
  return checkSource(text, { file: FILE });
}

/** Applies every quick fix offered for the whole text, one at a time, and returns the results. */
function fixes(text: string): { title: string; after: string }[] {
  const doc = TextDocument.create("file:///virtual/fixes.intel", "intel", 1, text);
  const all = { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) };
  return codeActions(check(text), doc, FILE, all).map((a) => ({
    title: a.title,
    after: TextDocument.applyEdits(doc, a.edit!.changes![doc.uri]!),
  }));
}

const codes = (text: string) => check(text).diagnostics.map((d) => d.code);

describe("quick fixes", () => {
  it("adds an epsilon to a divisor and declares it", () => {
    const text = "bias circle(y: Real[2]) -> Real[2] {\n  return y / norm(y)\n}\n";
    expect(codes(text)).toEqual(["IV4004"]);
    const [f] = fixes(text);
    expect(f!.after).toBe("bias circle(y: Real[2], eps: Real = 1e-7) -> Real[2] {\n  return y / (norm(y) + eps)\n}\n");
    expect(codes(f!.after)).toEqual([]);
  });

  it("adds an epsilon inside a log, reusing a declared eps", () => {
    const text = "bias logged(y: Real[2], eps: Real = 1e-6) -> Real[2] {\n  return log(abs(y)) - eps\n}\n";
    expect(codes(text)).toEqual(["IV4005"]);
    const [f] = fixes(text);
    expect(f!.after).toContain("log(abs(y) + eps)");
    expect(f!.after.match(/eps: Real/g)).toHaveLength(1);
    expect(codes(f!.after)).toEqual([]);
  });

  it("allows an intended discontinuity on its statement", () => {
    const text = "bias snap(y: Real[2]) -> Real[2] {\n  let r = y + round(y)\n  return r\n}\n";
    expect(codes(text)).toEqual(["IV4009"]);
    const [f] = fixes(text);
    expect(f!.after).toBe("bias snap(y: Real[2]) -> Real[2] {\n  @allow(discontinuous)\n  let r = y + round(y)\n  return r\n}\n");
    expect(codes(f!.after)).toEqual([]);
  });

  it("offers nothing where the fix is not mechanical (a divisor of any sign)", () => {
    const text = "bias scaled(y: Real[2]) -> Real[2] {\n  return y / sin(y[0])\n}\n";
    expect(codes(text)).toEqual(["IV4004"]);
    expect(fixes(text)).toEqual([]);
  });
});

describe("hover and completion", () => {
  const spec = readFileSync("specs/examples/mnist-sparse.intel", "utf8");
  const r = checkSource(spec, { file: "specs/examples/mnist-sparse.intel" });
  const value = (offset: number) => (hover(r, offset)?.contents as { value: string } | undefined)?.value ?? "";

  it("a model slot shows its type, a built-in its reference text", () => {
    expect(value(spec.indexOf("intermediary y") + 13)).toContain("y : Real[50]");
    const mnist = value(spec.indexOf("mnist(") + 1);
    expect(mnist).toContain("MNIST digits");
    expect(mnist).toContain("`validation: Int = 0`");
  });

  it("a size in a type is its generic, with its value at each use", () => {
    const prelude = readFileSync("specs/prelude.intel", "utf8");
    const rp = checkSource(spec, { file: "specs/examples/mnist-sparse.intel" });
    const pre = rp.modules.find((m) => m.file.endsWith("prelude.intel"))!;
    expect(pre.text).toBe(prelude);
    // hover where the spec checks the prelude too: `D` of `sparse<D>(y: Real[D]` in the prelude's program
    const at = prelude.indexOf("bias sparse<D>(") + "bias sparse<D>(\n  y: Real[".length;
    const found = hover({ ...rp, program: pre.program }, at);
    expect((found?.contents as { value: string }).value).toContain("with D = 50 at `sparse(y, gamma: 30)`");
  });

  it("an encoder's network shows its shapes at this model", () => {
    expect(value(spec.indexOf("conv_encoder") + 2)).toContain("here: Real[28, 28, 1] → Real[");
    expect(value(spec.indexOf("conv_decoder") + 2)).toMatch(/here: Real\[50\] → Real\[28, 28, 1\]/);
  });

  it("completes training settings inside train { }, optimizers after `optimizer:`", () => {
    const text = spec.replace("train { optimizer: adam(lr: 1e-3), batch: 100,", "train { optimizer: , ba");
    const r2 = checkSource(text, { file: "x.intel" });
    const keys = complete(r2, text, text.indexOf(", ba") + 4).map((c) => c.label);
    expect(keys).toContain("batch");
    expect(keys).not.toContain("adam");
    const values = complete(r2, text, text.indexOf("optimizer: ") + 11).map((c) => c.label);
    expect(values).toEqual(expect.arrayContaining(["adam", "sgd", "rmsprop"]));
  });
});

describe("layout", () => {
  it("the server imports the grammar and the compiler, never the runtime", () => {
    for (const f of readdirSync("lsp")) {
      const src = readFileSync(`lsp/${f}`, "utf8");
      expect(src, f).not.toMatch(/from "\.\.\/runtime\//);
    }
  });
});

describe("robustness", () => {
  it("every feature answers at every position of specs, whole and cut short, without throwing", () => {
    const files = ["specs/examples/mnist-sparse.intel", "specs/paper/hierarchy.intel", "test/golden/syntax/misspelt-keywords.intel"];
    let answered = 0;
    for (const f of files) {
      const full = readFileSync(f, "utf8");
      for (const text of [full, full.slice(0, Math.floor(full.length / 2)), full.slice(0, Math.floor(full.length * 0.8)) + "(x: [,"]) {
        const r = checkSource(text, { file: f });
        const doc = TextDocument.create("file:///x.intel", "intel", 1, text);
        documentSymbols(r.program);
        for (let o = 0; o <= text.length; o += 5) {
          hover(r, o);
          definition(r, o);
          references(r, o, true);
          signatureHelp(r, text, o);
          if (complete(r, text, o).length) answered++;
          codeActions(r, doc, f, { start: doc.positionAt(o), end: doc.positionAt(o) });
        }
      }
    }
    expect(answered).toBeGreaterThan(100);
  });
});
