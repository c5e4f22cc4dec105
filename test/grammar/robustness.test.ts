// Random damage to a valid spec: the parser never throws, every span stays valid, every code is known.
import { describe, expect, it } from "vitest";
import { isCode } from "../../compiler/diagnostics/catalog";
import { parse } from "../../grammar/parse";
import { expectValidSpans, SMOKE } from "./helpers";
import { mulberry32 as rng } from "../../runtime/random/seeds";


const PIECES = SMOKE.match(/\s+|[A-Za-z_]\w*|\d[\w.]*|"[^"\n]*"|#[^\n]*|->|\*\*|[^\s\w]/g)!;
const EXTRA = ["(", ")", "[", "]", "{", "}", ",", ":", "=", "~", "|", "@", "?", "->", "-", "**", "<", ">", "\n", "let", "return",
  "for", "in", "model", "bias", "train", "x", "1", "1e", "\"s", "\"ok\"", "$", "#c", "Real", "==", "intel 0.2", "\t"];

function mutate(pieces: string[], r: () => number): string {
  const out = [...pieces];
  const n = 1 + Math.floor(r() * 3);
  for (let k = 0; k < n; k++) {
    const i = Math.floor(r() * out.length);
    const choice = r();
    if (choice < 0.45) out.splice(i, 1);
    else if (choice < 0.9) out.splice(i, 0, EXTRA[Math.floor(r() * EXTRA.length)]!);
    else out.splice(i, 0, out[Math.floor(r() * out.length)]!);
  }
  return out.join("");
}

describe("robustness", () => {
  it("survives hundreds of random token deletions and insertions", () => {
    const r = rng(20220425);
    for (let iter = 0; iter < 400; iter++) {
      const src = mutate(PIECES, r);
      let result: ReturnType<typeof parse>;
      try {
        result = parse(src, "fuzz.intel");
      } catch (e) {
        throw new Error(`parse threw on:\n${src}\n${String(e)}`);
      }
      try {
        expectValidSpans(result, src, "fuzz.intel");
        for (const p of result.problems) {
          expect(isCode(p.code) && p.code.startsWith("IV1")).toBe(true);
          expect(p.message).not.toMatch(/undefined|NaN|\[object|token|EOF/);
        }
        // one mutation site cannot produce a flood of problems
        expect(result.problems.length).toBeLessThanOrEqual(12);
      } catch (e) {
        throw new Error(`on input:\n${src}\n${String(e)}`);
      }
    }
  });

  it("survives degenerate inputs", () => {
    for (const src of ["", "\n", "{", "}", "(", ")", "[[[[", "]]]]", "@", "#", '"', "bias", "model", "intel", "\u0000", "bias b(", "model m {{{{", "a".repeat(5000), "(".repeat(2000), "{\n".repeat(500)]) {
      const result = parse(src, "x.intel");
      expectValidSpans(result, src, "x.intel");
    }
  });

  it("gives the same answer twice (the shared parser keeps no state between calls)", () => {
    const bad = SMOKE.replace("batch: 100,", "batch: 100").replace("let s =", "let s");
    const a = parse(bad, "a.intel");
    parse(SMOKE, "b.intel");
    const b = parse(bad, "a.intel");
    expect(b).toEqual(a);
    expect(a.problems.length).toBe(2);
  });
});

describe("a bracket left open after a stray '}' inside a call, at the end of the file", () => {
  it("is reported as IV1004 at the end, not thrown (found by the fuzzer)", () => {
    const text = 'model m {\n  decoder p(x | z) : Gaussian(sigma: }"learned") = d()\n  evaluate  region_mass(center: [0, 0], radius';
    const { problems } = parse(text, "f.intel");
    expect(problems.map((p) => p.code)).toContain("IV1004");
    expectValidSpans(problems, text, "f.intel");
  });
});

describe("variadic built-ins called with names only", () => {
  it("concat(y: sin(y)) is the unknown-argument error, not an internal error (found by the fuzzer)", async () => {
    const { checkSource } = await import("../../compiler/check");
    const r = checkSource("bias pair<D>(y: Real[D]) -> Real[2 * D] {\n  return concat(y: sin(y))\n}\n", { file: "pair.intel" });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["IV2008"]);
  });
});
