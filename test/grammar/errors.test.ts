// Syntax problems: codes, messages in the user's words, and line-by-line recovery.
import { describe, expect, it } from "vitest";
import type { BiasDecl, ModelDecl, NetworkDecl } from "../../grammar/ast";
import { isCode } from "../../compiler/diagnostics/catalog";
import { parseChecked, SMOKE, where } from "./helpers";

const inBias = (...lines: string[]): string => `bias b(y: Real) -> Real {\n${lines.map((l) => `  ${l}\n`).join("")}  return y\n}\n`;
const inNetwork = (...lines: string[]): string => `network n(x: Real[?]) -> Real[?] {\n${lines.map((l) => `  ${l}\n`).join("")}}\n`;
const inModel = (...lines: string[]): string => `model m {\n${lines.map((l) => `  ${l}\n`).join("")}}\n`;

/** [input, code, message (substring or exact), line of the problem]: each input has exactly one problem */
const ONE_PROBLEM: [string, string, string | RegExp, number][] = [
  [inBias("let s = y + , 2"), "IV1001", "expected an expression after '+', found ','", 2],
  [inBias("let s = y +"), "IV1001", "expected an expression after '+', found end of line", 2],
  [inBias("let = 3"), "IV1001", "expected a name after 'let', found '='", 2],
  [inBias("param ds mlp(1)"), "IV1001", "expected '=' after 'ds', found 'mlp'", 2],
  [inBias("s = 3"), "IV1001", /^expected a bias statement \('param', 'let', 'penalty' or 'return'\), found 's'$/, 2],
  [inBias("let x = f(a b)"), "IV1001", "expected ')' to close the call to 'f', found 'b'", 2],
  [inBias("let x = [1, 2 3]"), "IV1001", "expected ']' to close the list, found '3'", 2],
  [inBias("let x = y[]"), "IV1001", "expected an index or a slice after '[', found ']'", 2],
  [inBias("let x = a < b < c"), "IV1001", /^comparisons do not chain/, 2],
  [inBias("let s = y + 2 3"), "IV1008", "extra input after a complete statement: found '3'", 2],
  [inBias("return y)"), "IV1008", "extra input after a complete statement: unmatched ')'", 2],
  [inBias("data x ~ mnist()"), "IV1007", "unexpected 'data' here: a bias body holds 'param', 'let', 'penalty' and 'return' statements, not model items", 2],
  [inBias("for f in fs { relu }"), "IV1007", /not layers$/, 2],
  [inNetwork("return x"), "IV1007", "unexpected 'return' here: a network body holds layers, not bias statements", 2],
  [inNetwork("objective elbo()"), "IV1007", /a network body holds layers, not model items$/, 2],
  [inNetwork("dense(512)", "relu x"), "IV1008", "extra input after a complete statement: found 'x'", 3],
  [inNetwork("3"), "IV1001", /^expected a layer/, 2],
  [inModel("param p = 3"), "IV1007", /^unexpected 'param' here: a model holds items .*, not bias statements$/, 2],
  [inModel("let p = 3"), "IV1007", /not bias statements$/, 2],
  [inModel("dense(3)"), "IV1001", /^expected a model item/, 2],
  [inModel("bias b() -> Real { return 1 }"), "IV1007", /^unexpected 'bias' here: declarations and imports belong at the top level/, 2],
  [inModel("encoder q(y x) = f()"), "IV1001", "expected '|' after 'y', found 'x'", 2],
  [inModel("decoder p(x | z) = g()"), "IV1001", "expected ':' after ')', found '='", 2],
  [inModel("data x ~"), "IV1001", "expected an expression after '~', found end of line", 2],
  [inModel("train { batch: 100 epochs: 3 }"), "IV1001", "expected ',' or a new line after the setting, found 'epochs'", 2],
  [inModel("train { lr = 3 }"), "IV1001", "expected ':' after 'lr', found '='", 2],
  [inModel("train { , }"), "IV1001", "expected a setting such as 'batch: 100', found ','", 2],
  [inModel("evaluate { hoyer(z),, f(x) }"), "IV1001", "expected an expression after ',', found ','", 2],
  [inModel("@allow(x)"), "IV1001", "expected a statement after the annotation, found '}'", 3],
  [inNetwork("conv(1, kernel: 4, 5)"), "IV1009", "positional argument after a named one in the call to 'conv'", 2],
  [inNetwork("dense(512", "relu"), "IV1004", "'(' opening the call to 'dense' is never closed", 2],
  [inModel("data x : Real[28, 28 ~ mnist()"), "IV1004", "'[' opening the dimensions of 'Real' is never closed", 2],
  ["bias b(y: Real) -> Real {\n  return y\n", "IV1004", "'{' opening the body of bias 'b' is never closed", 1],
  ["model m {\n  objective elbo(\n}\n", "IV1004", "'(' opening the call to 'elbo' is never closed", 2],
  ["intel 0.2\n", "IV1005", "unsupported language version '0.2': this compiler reads intel 0.1", 1],
  ["intel 1\n", "IV1005", /'1'/, 1],
  ["intel\n", "IV1001", "expected a version number after 'intel', found end of line", 1],
  ["let x = 3\n", "IV1010", "expected a declaration ('import', 'bias', 'network' or 'model'), found 'let'", 1],
  ["relu\n", "IV1010", /found 'relu'$/, 1],
  ["import \"a\"\nintel 0.1\n", "IV1010", "the 'intel 0.1' line must come before everything else", 2],
  ["}\n", "IV1001", "unmatched '}': there is no open block to close", 1],
  ["import prelude\n", "IV1001", "expected a path in quotes after 'import', found 'prelude'", 1],
  ["@allow(x)\nimport \"a\"\n", "IV1001", "expected 'bias', 'network' or 'model' after the annotation, found 'import'", 2],
  ["bias b(y Real) -> Real {\n  return y\n}\n", "IV1001", "expected ':' after 'y', found 'Real'", 1],
  ["bias b<D(y: Real) -> Real {\n  return y\n}\n", "IV1001", "expected '>' to close the generic parameters of 'b', found '('", 1],
  ["bias b(y: Real) -> Real\n  return y\n}\n", "IV1001", "expected '{' to start the body of bias 'b', found end of line", 1],
  ["model {\n  objective elbo()\n}\n", "IV1001", "expected a name after 'model', found '{'", 1],
  [inBias('let s = "abc'), "IV1002", "unterminated string: it runs to the end of the line", 2],
  [inBias('let s = f("abc)'), "IV1002", /^unterminated string/, 2],
  [inBias('let s = "a\\qb"'), "IV1003", "unknown escape '\\q' in a string", 2],
  [inBias("let s = y $ 2"), "IV1003", "character '$' is not allowed here", 2],
  [inBias("let s = y `! 2"), "IV1003", "characters '`!' are not allowed here", 2],
  [inBias("let s = 1e"), "IV1006", "malformed number '1e'", 2],
  [inBias("let s = 1.2.3"), "IV1006", "malformed number '1.2.3'", 2],
  [inBias("let s = 2x"), "IV1006", "malformed number '2x'", 2],
];

describe("one problem per mistake", () => {
  it.each(ONE_PROBLEM)("%j → %s", (src, code, message, line) => {
    const r = parseChecked(src);
    const described = r.problems.map((p) => `${p.code} ${p.span.line}:${p.span.col} ${p.message}`);
    expect(described, described.join("\n")).toHaveLength(1);
    const p = r.problems[0]!;
    expect(p.code).toBe(code);
    if (typeof message === "string") expect(p.message).toBe(message);
    else expect(p.message).toMatch(message);
    expect(p.span.line).toBe(line);
  });

  it("never uses parser jargon in messages", () => {
    for (const [src] of ONE_PROBLEM) {
      for (const p of parseChecked(src).problems) {
        expect(p.message).not.toMatch(/token|CST|NoViableAlt|EOF|Mismatch|Identifier|NumberLit|StringLit|LParen|RParen|-->/);
      }
    }
  });

  it("emits only codes of the catalog, and each syntax code the parser owns is reachable", () => {
    const seen = new Set<string>();
    for (const [src] of ONE_PROBLEM) for (const p of parseChecked(src).problems) seen.add(p.code);
    for (const code of seen) expect(isCode(code), code).toBe(true);
    expect([...seen].sort()).toEqual(["IV1001", "IV1002", "IV1003", "IV1004", "IV1005", "IV1006", "IV1007", "IV1008", "IV1009", "IV1010"]);
  });
});

describe("specific positions", () => {
  it("points an unclosed bracket at the bracket, and end-of-line at the end of the line", () => {
    expect(where(parseChecked(inNetwork("dense(512", "relu")))).toEqual(["2:8 IV1004"]);
    const r = parseChecked(inBias("let s = y +"));
    expect(r.problems[0]!.span).toMatchObject({ line: 2, col: 14, endLine: 2, endCol: 14 });
  });

  it("points a bad character at the character", () => {
    const r = parseChecked(inBias("let s = y $$ 2"));
    expect(r.problems[0]).toMatchObject({ code: "IV1003", message: "characters '$$' are not allowed here", span: { line: 2, col: 13, endCol: 15 } });
  });
});

describe("recovery", () => {
  it("reports five independent errors on five lines as exactly five problems", () => {
    const src = SMOKE.replace("let s = floor + (1 - floor)", "let s = floor + * (1 - floor)")
      .replace("  flatten\n", "  return flatten\n")
      .replace("mapping z = sparse(y, gamma: 30)", "mapping z = sparse(y gamma: 30)")
      .replace("batch: 100, epochs: 40", "batch: 100 epochs: 40")
      .replace('import "prelude"', 'import "prelude"\nlet q = 1');
    const r = parseChecked(src);
    expect(where(r)).toEqual(["3:1 IV1010", "8:19 IV1001", "18:3 IV1007", "26:24 IV1001", "29:49 IV1001"]);
  });

  it("keeps parsing after errors on consecutive lines and keeps the good statements", () => {
    const r = parseChecked(inBias("let a = ", "let b = 1 2", "let c = )", "let d = 4", "param = 5"));
    expect(where(r)).toEqual(["2:11 IV1001", "3:13 IV1008", "4:11 IV1001", "6:9 IV1001"]);
    const body = (r.program.items[0] as BiasDecl).body;
    expect(body.map((s) => s.kind)).toEqual(["LetStmt", "LetStmt", "LetStmt", "LetStmt", "ParamStmt", "ReturnStmt"]);
    expect(body[0]).toMatchObject({ name: { name: "a" }, value: { kind: "Missing" } });
    expect(body[1]).toMatchObject({ name: { name: "b" }, value: { kind: "NumberLit", value: 1 } });
    expect(body[3]).toMatchObject({ name: { name: "d" }, value: { value: 4 } });
    expect(body[4]).toMatchObject({ name: { kind: "Ident", name: "" }, init: { value: 5 } });
  });

  it("recovers inside nested for blocks without closing the network early", () => {
    const src = inNetwork("for f in fs {", "  conv(f, kernel: )", "  relu", "}", "dense(3 3)", "flatten");
    const r = parseChecked(src);
    expect(where(r)).toEqual(["3:21 IV1001", "6:11 IV1001"]);
    const body = (r.program.items[0] as NetworkDecl).body;
    expect(body.map((s) => s.kind)).toEqual(["ForLayer", "LayerCall", "LayerCall"]);
    expect(body[0]).toMatchObject({ body: [{ kind: "LayerCall" }, { call: { callee: { name: "relu" } } }] });
  });

  it("parses the body of a declaration whose header is broken", () => {
    const r = parseChecked("bias b(y Real) -> Real {\n  let a = 1 +\n  return y\n}\nmodel m {\n  objective elbo()\n}\n");
    expect(where(r)).toEqual(["1:10 IV1001", "2:14 IV1001"]);
    expect(r.program.items.map((i) => i.kind)).toEqual(["BiasDecl", "ModelDecl"]);
    expect((r.program.items[0] as BiasDecl).body.map((s) => s.kind)).toEqual(["LetStmt", "ReturnStmt"]);
  });

  it("ends a never-closed body at the next declaration", () => {
    const r = parseChecked("bias a(y: Real) -> Real {\n  return y\n\nnetwork n(x: Real) -> Real {\n  relu\n}\nmodel m {\n  objective elbo()\n}\n");
    expect(where(r)).toEqual(["1:25 IV1004"]);
    expect(r.program.items.map((i) => i.kind)).toEqual(["BiasDecl", "NetworkDecl", "ModelDecl"]);
    expect((r.program.items[2] as ModelDecl).items).toHaveLength(1);
  });

  it("does not swallow the following lines after an unclosed '(' before a statement keyword", () => {
    const r = parseChecked(inBias("let a = f(1,", "let b = 2"));
    expect(where(r)).toEqual(["2:12 IV1004"]);
    expect((r.program.items[0] as BiasDecl).body.map((s) => s.kind)).toEqual(["LetStmt", "LetStmt", "ReturnStmt"]);
  });

  it("reports each bad train setting separately and keeps the good ones", () => {
    const r = parseChecked(inModel("train {", "  batch: ,", "  epochs: 3", "  seed 1", "}"));
    expect(where(r)).toEqual(["3:12 IV1001", "5:10 IV1001"]);
    const train = (r.program.items[0] as ModelDecl).items[0]!;
    expect(train).toMatchObject({
      kind: "TrainItem",
      entries: [{ key: { name: "batch" }, value: { kind: "Missing" } }, { key: { name: "epochs" } }, { key: { name: "seed" }, value: { value: 1 } }],
    });
  });

  it("orders problems by position", () => {
    const r = parseChecked("let x = 1\nmodel m {\n  data x ~\n}\n}\nmodel n {}\n");
    expect(where(r)).toEqual(["1:1 IV1010", "3:11 IV1001", "5:1 IV1001"]);
  });

  it("reports a run of top-level lines that are not declarations once, with a hint for block keywords", () => {
    const r = parseChecked("data x ~ mnist()\nencoder q(y | x) = f()\n}\nmodel m {}\nlet a = 1\n");
    expect(where(r)).toEqual(["1:1 IV1010", "5:1 IV1010"]);
    expect(r.problems[0]!.hint).toBe("'data' belongs inside a model");
    expect(r.program.items).toHaveLength(1);
  });

  it("does not cascade when a stray '}' closes a model early", () => {
    const src = inModel("data x ~ mnist(", "  split: \"train\",}", "  validation: 5,", ")", "mapping z = f(y)", "objective elbo()");
    expect(where(parseChecked(src))).toEqual(["2:17 IV1004", "4:5 IV1010"]);
  });

  it("does not let a stray brace or closer inside a call end the block or the call", () => {
    expect(where(parseChecked(inModel("train { optimizer: adam(}lr: 1e-3), batch: 100 }", "objective elbo()")))).toEqual(["2:27 IV1001"]);
    expect(where(parseChecked(inModel("train { a: f(1 }, b: 2 }", "objective elbo()")))).toEqual(["2:15 IV1004"]);
    expect(where(parseChecked(inModel("evaluate { region_mass(center: 0, 0], radius: 1), iwae_nll(k: 5) }")))).toEqual(["2:38 IV1001"]);
    const multi = inModel("data x ~ mnist(", "  split: \"train\",", "  classes: [0, 1]],", "  validation: 300,", ")", "objective elbo()");
    expect(where(parseChecked(multi))).toEqual(["4:20 IV1001"]);
  });

  it("takes a surplus '}' in the middle of a line as a typo", () => {
    const r = parseChecked(inModel("encoder q(y | x) = } mlp_encoder()", "intermediary y : Real[2] ~ Normal(0, I)"));
    expect(where(r)).toEqual(["2:22 IV1001"]);
    expect((r.program.items[0] as ModelDecl).items.map((i) => i.kind)).toEqual(["EncoderItem", "IntermediaryItem"]);
  });

  it("drops the builder's checks on a line that already has a syntax problem", () => {
    expect(where(parseChecked(inNetwork("conv(1, k: 4, 5 6)")))).toEqual(["2:19 IV1001"]);
  });

  it("never reports a lexing problem and a parse problem for the same mistake", () => {
    expect(where(parseChecked(inBias("let s = y $ 2")))).toEqual(["2:13 IV1003"]);
    expect(where(parseChecked(inBias("let s = $")))).toEqual(["2:11 IV1003"]);
    expect(where(parseChecked(inBias('let s = f("abc)', "let t = 1")))).toEqual(["2:13 IV1002"]);
  });
});
