import { describe, expect, it } from "vitest";
import { diagnostic } from "../../compiler/diagnostics/diagnostic";
import { diagnosticsToJson, renderDiagnostic, summary } from "../../compiler/diagnostics/render";
import type { Span } from "../../grammar/ast";

const text = "bias b(y: Real[2]) -> Real[2] {\n\treturn y / norm(y)\n}\n";
const span = (line: number, col: number, len: number): Span => {
  const lines = text.split("\n");
  const offset = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + col - 1;
  return { file: "b.intel", line, col, offset, end: offset + len, endLine: line, endCol: col + len };
};

describe("terminal renderer", () => {
  it("prints location, code, the source line, a caret under the span, labels and the hint", () => {
    const d = diagnostic("IV2001", span(2, 13, 4), "'norm' is not defined here", {
      hint: "did you mean 'form'?",
      labels: [{ span: span(1, 6, 1), message: "in this bias" }],
    });
    expect(renderDiagnostic(d, new Map([["b.intel", text]]))).toBe(
      [
        "b.intel:2:13: error IV2001: 'norm' is not defined here",
        "  2 | \treturn y / norm(y)",
        "    | \t           ^~~~",
        "  b.intel:1:6: note: in this bias",
        "  1 | bias b(y: Real[2]) -> Real[2] {",
        "    |      ^",
        "  = hint: did you mean 'form'?",
        "",
      ].join("\n"),
    );
  });

  it("colours only when asked", () => {
    const d = diagnostic("IV2003", span(1, 1, 4), "unused");
    expect(renderDiagnostic(d, new Map())).not.toContain("\x1b[");
    expect(renderDiagnostic(d, new Map(), { color: true })).toContain("\x1b[33mwarning IV2003\x1b[0m");
  });

  it("summarises counts", () => {
    const e = diagnostic("IV2001", span(1, 1, 1), "x");
    const w = diagnostic("IV2003", span(1, 1, 1), "y");
    expect(summary([])).toBe("no problems");
    expect(summary([e, e, w])).toBe("2 errors, 1 warning");
  });

  it("has a stable JSON form", () => {
    const d = diagnostic("IV2001", span(2, 13, 4), "'norm' is not defined here");
    const json = JSON.parse(diagnosticsToJson([d]));
    expect(json.version).toBe(1);
    expect(json.diagnostics[0]).toMatchObject({ code: "IV2001", severity: "error", span: { line: 2, col: 13 } });
  });
});
