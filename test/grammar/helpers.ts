// Shared helpers for the grammar tests.
import { expect } from "vitest";
import type { Span } from "../../grammar/ast";
import { parse, type ParseResult } from "../../grammar/parse";

export const SMOKE = `intel 0.1
import "prelude"
# a comment
@allow(discontinuous)
bias sparse<D>(y: Real[D], gamma: Real = 30, floor: Real = 0.2) -> Real[D] {
  param ds = mlp(D, [10, 10], D)   # learnable
  let s = floor + (1 - floor) * sigmoid(ds(y))
  penalty sparsity = gamma * entropy_spread(s)
  return y * s
}
network conv_encoder<H, W, C>(x: Real[H, W, C], filters: Int[], latent: Int) -> Real[latent * 2] {
  for f in filters {
    conv2d(f, kernel: 4, stride: 2, padding: "same")
    batch_norm
    leaky_relu(0.2)
  }
  flatten
  dense(latent * 2)
}
model mnist_sparse {
  data x : Real[28, 28, 1] ~ mnist(split: "train", validation: 5000)
  encoder q(y | x) = conv_encoder(filters: [32, 64, 128],
                                  latent: 50)
  intermediary y : Real[50] ~ Normal(0, I)
  mapping z = sparse(y, gamma: 30)
  decoder p(x | z) : Bernoulli = conv_decoder(filters: [128, 64, 32])
  objective elbo(beta: 1)
  train { optimizer: adam(lr: 1e-3), batch: 100, epochs: 40, early_stop: 5, seed: 1 }
  evaluate {
    hoyer(z)
    iwae_nll(k: 500), fewshot(z, sizes: [10, 100, 1000])
  }
}
`;

/** parses and checks every span in the result (see `expectValidSpans`) */
export function parseChecked(text: string, file = "test.intel"): ParseResult {
  const r = parse(text, file);
  expectValidSpans(r, text, file);
  return r;
}

/** parses a file that must be free of syntax problems */
export function parseOk(text: string): ParseResult {
  const r = parseChecked(text);
  expect(r.problems).toEqual([]);
  return r;
}

/** the expression bound by `let v = <src>` inside a bias */
export function expr(src: string): unknown {
  const r = parseOk(`bias b(y: Real) -> Real {\n  let v = ${src}\n  return y\n}\n`);
  const decl = r.program.items[0];
  if (decl?.kind !== "BiasDecl" || decl.body[0]?.kind !== "LetStmt") throw new Error("no let statement");
  return decl.body[0].value;
}

/** problems as "line:col CODE" */
export const where = (r: ParseResult): string[] => r.problems.map((p) => `${p.span.line}:${p.span.col} ${p.code}`);

/**
 * Walks the whole result (AST and problems) and asserts that every span is made of finite integers that
 * lie within the file, and that line/col agree with the offsets.
 */
export function expectValidSpans(result: unknown, text: string, file: string): void {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  const pos = (offset: number): [number, number] => {
    let line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= offset) line++;
    return [line + 1, offset - lineStarts[line]! + 1];
  };
  const check = (s: Span, path: string): void => {
    const nums = [s.line, s.col, s.offset, s.end, s.endLine, s.endCol];
    for (const n of nums) if (!Number.isInteger(n)) throw new Error(`${path}: span has a non-integer: ${JSON.stringify(s)}`);
    if (s.file !== file) throw new Error(`${path}: span file ${s.file}`);
    if (!(0 <= s.offset && s.offset <= s.end && s.end <= text.length)) throw new Error(`${path}: span out of the file: ${JSON.stringify(s)}`);
    const [l, c] = pos(s.offset);
    const [el, ec] = pos(s.end);
    if (l !== s.line || c !== s.col || el !== s.endLine || ec !== s.endCol)
      throw new Error(`${path}: line/col disagree with offsets: ${JSON.stringify(s)}`);
  };
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === "span") check(x as Span, path);
        else walk(x, `${path}.${k}`);
      }
    } else if (typeof v === "number" && Number.isNaN(v)) throw new Error(`${path} is NaN`);
  };
  walk(result, "result");
}
