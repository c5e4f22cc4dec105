// Spans (line/col/offset/end), end-of-file positions and the comment side table.
import { describe, expect, it } from "vitest";
import type { BiasDecl, ModelDecl } from "../../grammar/ast";
import { parse } from "../../grammar/parse";
import { expectValidSpans, parseChecked, parseOk, SMOKE } from "./helpers";

const text = (src: string, s: { offset: number; end: number }): string => src.slice(s.offset, s.end);

describe("spans", () => {
  it("are valid everywhere in the smoke spec and cover the source of each node", () => {
    const { program } = parseOk(SMOKE);
    const bias = program.items[1] as BiasDecl;
    expect(text(SMOKE, bias.name.span)).toBe("sparse");
    expect(bias.name.span).toMatchObject({ line: 5, col: 6, endLine: 5, endCol: 12 });
    expect(text(SMOKE, bias.span)).toMatch(/^@allow\(discontinuous\)\nbias sparse<D>[\s\S]*return y \* s\n\}$/);
    expect(text(SMOKE, bias.params[1]!.span)).toBe("gamma: Real = 30");
    expect(text(SMOKE, bias.returnType.span)).toBe("Real[D]");
    expect(text(SMOKE, bias.body[1]!.span)).toBe("let s = floor + (1 - floor) * sigmoid(ds(y))");
    const model = program.items[3] as ModelDecl;
    const enc = model.items[1]!;
    expect(text(SMOKE, enc.span)).toBe("encoder q(y | x) = conv_encoder(filters: [32, 64, 128],\n                                  latent: 50)");
    expect(enc.span.endLine).toBe(enc.span.line + 1);
    expect(text(SMOKE, model.items[6]!.span)).toMatch(/^train \{.*seed: 1 \}$/);
    expect(text(SMOKE, program.items[0]!.span)).toBe('import "prelude"');
    expect(program.version).toMatchObject({ text: "0.1", span: { line: 1, col: 1, offset: 0, end: 9 } });
  });

  it("give end-exclusive offsets and the position just past the end", () => {
    const src = "bias b(y: Real) -> Real {\n  return y\n}\n";
    const { program } = parseOk(src);
    const ret = (program.items[0] as BiasDecl).body[0]!;
    expect(ret.span).toEqual({ file: "test.intel", line: 2, col: 3, offset: 28, end: 36, endLine: 2, endCol: 11 });
  });

  it("point errors at the end of the file at the last line, never NaN", () => {
    for (const src of ["bias b(y: Real) -> Real {\n  let x =", "bias b(y: Real) -> Real {\n  return f(y", "model m {\n  train { a:", "intel", "@allow(", "bias"]) {
      const r = parseChecked(src);
      expect(r.problems.length).toBeGreaterThan(0);
      const lastLine = src.split("\n").length;
      const last = r.problems[r.problems.length - 1]!;
      expect(last.span.line).toBeLessThanOrEqual(lastLine);
      expect(r.problems.some((p) => p.span.line === lastLine)).toBe(true);
    }
  });

  it("puts 'found end of file' at the end of the last token", () => {
    const src = "model m {\n  objective elbo(beta: 1) +";
    const r = parseChecked(src);
    const p = r.problems.find((x) => x.message.includes("end of file"))!;
    expect(p.span).toMatchObject({ line: 2, col: 28, offset: src.length, end: src.length });
  });

  it("put missing parts at the end of what was parsed", () => {
    const src = "bias b(y: Real) -> Real {\n  let x = \n  return y\n}\n";
    const r = parseChecked(src);
    const let_ = (r.program.items[0] as BiasDecl).body[0]!;
    expect(let_).toMatchObject({ kind: "LetStmt", name: { name: "x" }, value: { kind: "Missing", span: { line: 2, col: 10 } } });
  });

  it("survive files with tabs, unicode and no trailing newline", () => {
    const src = "# héllo ✓\nbias b(y: Real) -> Real {\n\treturn y # ok\n}";
    const r = parseOk(src);
    expectValidSpans(r, src, "test.intel");
    expect((r.program.items[0] as BiasDecl).body[0]!.span).toMatchObject({ line: 3, col: 2 });
  });
});

describe("comments", () => {
  it("are kept in a side table with text, span and ownLine", () => {
    const { program } = parseOk(SMOKE);
    expect(program.comments).toMatchObject([
      { text: " a comment", ownLine: true, span: { line: 3, col: 1 } },
      { text: " learnable", ownLine: false, span: { line: 6 } },
    ]);
    const c = program.comments[1]!;
    expect(SMOKE.slice(c.span.offset, c.span.end)).toBe("# learnable");
  });

  it("are found everywhere, including inside brackets, and do not affect parsing", () => {
    const src = "#!\n  # indented\nmodel m { # after brace\n  train { a: f(1, # inside\n  2) }\n}#end";
    const { program } = parseOk(src);
    expect(program.comments.map((c) => [c.text, c.ownLine])).toEqual([
      ["!", true],
      [" indented", true],
      [" after brace", false],
      [" inside", false],
      ["end", false],
    ]);
  });

  it("are not confused with '#' in strings", () => {
    const { program } = parseOk('import "a#b" # c\n');
    expect(program.items[0]).toMatchObject({ path: "a#b" });
    expect(program.comments).toHaveLength(1);
  });
});

describe("parse", () => {
  it("uses the file name it is given in every span", () => {
    const r = parse(SMOKE, "specs/x.intel");
    expectValidSpans(r, SMOKE, "specs/x.intel");
    expect(r.program.file).toBe("specs/x.intel");
  });
});
