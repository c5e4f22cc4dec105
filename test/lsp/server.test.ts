// `intel lsp` end to end: a child process spoken to over stdio, as an editor does.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CodeAction, CompletionItem, DocumentSymbol, Hover, Location, SignatureHelp, TextEdit } from "vscode-languageserver-protocol";
import { format } from "../../grammar/format";
import { parse } from "../../grammar/parse";
import { largestSpecUnder } from "../golden";
import { DEBOUNCE_MS } from "../../lsp/server";
import { diagnosticsLatency, LspClient } from "./client";

// Not on disk: the server checks the editor's text (its imports come from the disk).
const URI = pathToFileURL(resolve("test/lsp/three-errors.intel")).href;
const TEXT = `intel 0.1
import "prelude"

bias shrink<D>(y: Real[D]) -> Real[D] {
  let s = sigmoid(y)
  return y * s
}

model m {
  data x ~ mnist(splt:"train",  flatten: true)
  encoder q(y | x) = mlp_encoder(hidden: [64])
  intermediary y : Real[16] ~ Normal(0, I)
  mapping z = sparse(shrink(y), gamma: 30)
  decoder p(x | z) : Bernoulli = mlp_decoder(hidden: [64])
  train { lr: 1e-3, batch: 100 }
  evaluate { hoyer(zz) }
}
`;

/** LSP position of the `nth` character of the first occurrence of `needle` (0-based lines). */
function at(needle: string, nth = 0, text = TEXT): { line: number; character: number } {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`'${needle}' not in the text`);
  const before = text.slice(0, i + nth).split("\n");
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

let client: LspClient;
beforeAll(async () => {
  client = await LspClient.start();
}, 60_000);
afterAll(async () => {
  if (client) expect(await client.stop()).toBe(0);
});

describe("intel lsp over stdio", () => {
  it("publishes the three errors with their codes and ranges, a docs link and the hint", async () => {
    const pub = await client.open(URI, TEXT);
    const ds = pub.diagnostics;
    expect(ds.map((d) => d.code)).toEqual(["IV2008", "IV2030", "IV2001"]);
    expect(ds.map((d) => d.range)).toEqual([
      { start: at("splt"), end: at("splt", 4) },
      { start: at("lr:"), end: at("lr:", 2) },
      { start: at("zz"), end: at("zz", 2) },
    ]);
    expect(ds.every((d) => d.severity === 1 && d.source === "intel")).toBe(true);
    expect(ds[0]!.codeDescription?.href).toBe(pathToFileURL(resolve("docs/diagnostics.md")).href);
    expect(ds[0]!.relatedInformation?.map((r) => r.message)).toContain("hint: did you mean 'split'?");
  });

  it("hovers a let with its shape, generic and at the model's call", async () => {
    const h = await client.request<Hover>("textDocument/hover", { textDocument: { uri: URI }, position: at("let s", 4) });
    const value = (h.contents as { value: string }).value;
    expect(value).toContain("s : Real[D]");
    expect(value).toContain("Real[16] with D = 16 at `shrink(y)`");
    expect(h.range).toEqual({ start: at("let s", 4), end: at("let s", 5) });
  });

  it("goes to the definition of a prelude bias", async () => {
    const loc = await client.request<Location>("textDocument/definition", { textDocument: { uri: URI }, position: at("sparse(", 2) });
    const prelude = readFileSync("specs/prelude.intel", "utf8");
    expect(loc.uri).toBe(pathToFileURL(resolve("specs/prelude.intel")).href);
    expect(loc.range.start).toEqual(at("bias sparse<", 5, prelude));
  });

  it("finds the references of a model item, in the encoder header and the mapping", async () => {
    const refs = await client.request<Location[]>("textDocument/references", { textDocument: { uri: URI }, position: at("y : Real[16]"), context: { includeDeclaration: true } });
    const lines = refs.map((r) => r.range.start.line).sort((a, b) => a - b);
    expect(lines).toEqual([at("q(y").line, at("y : Real[16]").line, at("shrink(y)").line]);
  });

  it("completes the argument names inside mnist(", async () => {
    const items = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri: URI }, position: at("mnist(", 6) });
    const labels = items.map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(["split", "validation", "flatten", "classes"]));
    expect(labels).not.toContain("flatten: true"); // names, not values
    expect(items.find((i) => i.label === "split")?.insertText).toBe("split: ");
    expect(labels).not.toContain("bias"); // no keywords inside a call
  });

  it("gives the signature of the call around the cursor", async () => {
    const sig = await client.request<SignatureHelp>("textDocument/signatureHelp", { textDocument: { uri: URI }, position: at("gamma: 30", 7) });
    expect(sig.signatures[0]!.label).toMatch(/^sparse\(y: Real\[D\], gamma: Real = 30/);
    expect(sig.activeParameter).toBe(1);
  });

  it("formats the document as intel fmt does", async () => {
    const edits = await client.request<TextEdit[]>("textDocument/formatting", { textDocument: { uri: URI }, options: { tabSize: 2, insertSpaces: true } });
    expect(edits).toHaveLength(1);
    expect(edits[0]!.newText).toBe(format(parse(TEXT, "f.intel").program, TEXT));
    expect(edits[0]!.newText).toContain('mnist(splt: "train", flatten: true)');
  });

  it("lists the declarations as the outline", async () => {
    const syms = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri: URI } });
    expect(syms.map((s) => s.name)).toEqual(['import "prelude"', "shrink", "m"]);
    expect(syms[2]!.children!.map((c) => c.name)).toContain("intermediary y");
  });

  it("offers the quick fixes of the misspelt argument and of `lr` in train", async () => {
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri: URI },
      range: { start: at("data x"), end: at("evaluate") },
      context: { diagnostics: [] },
    });
    expect(actions.map((a) => a.title)).toEqual(["change 'splt' to 'split'", "move 'lr' into the optimizer"]);
    expect(actions[0]!.edit!.changes![URI]).toEqual([{ range: { start: at("splt"), end: at("splt", 4) }, newText: "split" }]);
  });

  it("a change that fixes one error leaves two", async () => {
    const pub = await client.change(URI, TEXT.replace("splt", "split"), 2);
    expect(pub.diagnostics.map((d) => d.code)).toEqual(["IV2030", "IV2001"]);
  });

  it("re-checks an open file when a file it imports changes", async () => {
    const lib = pathToFileURL(resolve("test/lsp/lib.intel")).href;
    const user = pathToFileURL(resolve("test/lsp/user.intel")).href;
    await client.open(lib, "bias twice<D>(y: Real[D]) -> Real[D] {\n  return 2 * y\n}\n");
    const first = await client.open(user, 'import "lib"\nbias b<D>(y: Real[D]) -> Real[D] {\n  return twice(y)\n}\n');
    expect(first.diagnostics).toEqual([]);
    const again = client.diagnostics(user);
    await client.change(lib, "bias thrice<D>(y: Real[D]) -> Real[D] {\n  return 3 * y\n}\n", 2);
    const codes = (await again).diagnostics.map((d) => d.code);
    expect(codes).toContain("IV2006"); // `twice` is gone from lib
  });

  it("shows an error inside an imported file at the import, and follows an import to its file", async () => {
    const lib = pathToFileURL(resolve("test/lsp/broken-lib.intel")).href;
    const user = pathToFileURL(resolve("test/lsp/uses-broken.intel")).href;
    await client.open(lib, "bias oops<D>(y: Real[D]) -> Real[D] {\n  return y * nothere\n}\n");
    const userText = 'import "broken-lib"\nbias b<D>(y: Real[D]) -> Real[D] {\n  return oops(y)\n}\n';
    const pub = await client.open(user, userText);
    expect(pub.diagnostics.map((d) => [d.code, d.range.start.line, d.message])).toEqual([["IV2001", 0, "in 'broken-lib' at 2:14: 'nothere' is not defined here"]]);
    const loc = await client.request<Location>("textDocument/definition", { textDocument: { uri: user }, position: { line: 0, character: 3 } });
    expect(loc.uri).toBe(lib);
  });

  it("hovers in a library file show the sizes an open spec uses it with", async () => {
    const lib = pathToFileURL(resolve("test/lsp/scales.intel")).href;
    const libText = "bias halve<D>(y: Real[D]) -> Real[D] {\n  let h = y / 2\n  return h\n}\n";
    await client.open(lib, libText);
    await client.open(pathToFileURL(resolve("test/lsp/uses-scales.intel")).href, TEXT.replace('import "prelude"', 'import "prelude"\nimport "scales"').replace("sparse(shrink(y), gamma: 30)", "sparse(halve(y))"));
    const h = await client.request<Hover>("textDocument/hover", { textDocument: { uri: lib }, position: at("let h", 4, libText) });
    expect((h.contents as { value: string }).value).toContain("Real[16] with D = 16 at `halve(y)`");
  });

  it("diagnostics of the largest spec arrive soon after a change (a figure, not a limit)", async () => {
    const largest = largestSpecUnder("specs")!;
    const uri = pathToFileURL(resolve("test/lsp/largest.intel")).href;
    await client.open(uri, largest.text);
    const { median, max } = await diagnosticsLatency(client, uri, largest.text, 10);
    console.log(`lsp: diagnostics of ${largest.f} (${largest.text.split("\n").length} lines) ${median.toFixed(1)} ms after a change (median of 10, max ${max.toFixed(1)}; includes the ${DEBOUNCE_MS} ms debounce)`);
    expect(median).toBeGreaterThan(0);
  });
});
