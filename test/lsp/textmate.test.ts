// The VS Code extension's TextMate grammar: generated from the language's tables (golden), it covers
// every keyword of the lexer, and it tokenizes every spec in specs/ leaving no character unscoped
// and naming no scope it does not define.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";
import * as oniguruma from "vscode-oniguruma";
import * as vsctm from "vscode-textmate";
import { ALL_TOKENS } from "../../grammar/lexer";
import { KEYWORD_GROUPS, textmateGrammar } from "../../lsp/textmate";
import { expectGolden, intelFilesUnder } from "../golden";

const PATH = "editors/vscode/syntaxes/intel.tmLanguage.json";
// The scope roots themes colour (TextMate's naming conventions); anything else shows as plain text.
const STANDARD_ROOTS = ["comment", "constant", "entity", "invalid", "keyword", "markup", "meta", "punctuation", "storage", "string", "support", "variable"];
const require = createRequire(import.meta.url);

/** Every scope name the grammar defines. */
function definedScopes(g: unknown, out = new Set<string>()): Set<string> {
  if (g && typeof g === "object") {
    for (const [k, v] of Object.entries(g)) {
      if (k === "name" && typeof v === "string" && v.includes(".")) out.add(v);
      else definedScopes(v, out);
    }
  }
  return out;
}

let grammar: vsctm.IGrammar;
beforeAll(async () => {
  const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) => (scope === "source.intel" ? vsctm.parseRawGrammar(readFileSync(PATH, "utf8"), PATH) : null),
  });
  grammar = (await registry.loadGrammar("source.intel"))!;
});

function tokenize(text: string): { text: string; scopes: string[]; line: number }[] {
  const out: { text: string; scopes: string[]; line: number }[] = [];
  let stack = vsctm.INITIAL;
  text.split("\n").forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) out.push({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes, line: i + 1 });
    stack = r.ruleStack;
  });
  return out;
}

describe("the TextMate grammar", () => {
  it("is the one generated from the language's tables", () => {
    expectGolden(PATH, JSON.stringify(textmateGrammar(), null, 2) + "\n");
  });

  it("names every keyword of the lexer", () => {
    const lexerWords = ALL_TOKENS.flatMap((t) => (t.PATTERN instanceof RegExp && /^[A-Za-z]+$/.test(t.PATTERN.source) ? [t.PATTERN.source] : []));
    const named = new Set<string>(["intel", ...Object.values(KEYWORD_GROUPS).flat()]);
    expect(lexerWords.length).toBeGreaterThan(20);
    expect(lexerWords.filter((w) => !named.has(w))).toEqual([]);
  });

  it("scopes a sample line as expected", () => {
    const toks = tokenize('  mapping z = sparse(y, gamma: 30)  # z = g(y)').filter((t) => t.text.trim());
    const scope = (text: string) => toks.find((t) => t.text === text)?.scopes.at(-1);
    expect(scope("mapping")).toBe("keyword.other.model.intel");
    expect(scope("sparse")).toBe("entity.name.function.call.intel"); // a prelude bias, not a built-in
    expect(scope("30")).toBe("constant.numeric.intel");
    expect(scope("# z = g(y)")).toBe("comment.line.number-sign.intel");
    expect(tokenize("  dense(512)")[1]!.scopes.at(-1)).toBe("support.function.builtin.intel");
  });

  const specs = intelFilesUnder("specs");
  it.each(specs)("tokenizes %s with known scopes only", (file) => {
    const defined = definedScopes(JSON.parse(readFileSync(PATH, "utf8")));
    const toks = tokenize(readFileSync(file, "utf8"));
    const unscoped = toks.filter((t) => t.text.trim() !== "" && t.scopes.length < 2).map((t) => `${t.line}: '${t.text}'`);
    const known = (s: string) => defined.has(s) && STANDARD_ROOTS.includes(s.split(".")[0]!) && s.endsWith(".intel");
    const unknown = toks.flatMap((t) => t.scopes.slice(1).filter((s) => !known(s)).map((s) => `${t.line}: ${s}`));
    expect(unscoped).toEqual([]);
    expect(unknown).toEqual([]);
  });
});
