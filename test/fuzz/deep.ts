// Deeply nested specs for fuzzing: random mixes of brackets, calls, indices, `**` chains, unary minus and
// long binary chains, `depth` levels deep, inside a bias, a model mapping or a network, closed or not.
import { MAX_DEPTH, MAX_NESTING } from "../../grammar/nesting";

const WRAPS: ((inner: string, next: () => number) => string)[] = [
  (s) => `(${s})`,
  (s) => `abs(${s})`,
  (s) => `[${s}, y]`,
  (s) => `y ** ${s}`,
  (s) => `-${s}`,
  (s) => `clip(${s}, -1, 1)`,
  (s) => `where(${s} > 0, y, ${s})`.replace(/\$\{s\}/g, s),
  (s, next) => (next() < 0.5 ? `${s} + y` : `y * ${s}`),
  (s) => `${s}[0]`,
];

/** An expression `depth` wrappings deep around `y` (a `where` wraps twice the text, so it is rare). */
export function deepExpr(depth: number, next: () => number): string {
  let s = "y";
  for (let i = 0; i < depth; i++) {
    const w = WRAPS[Math.floor(next() * WRAPS.length)]!;
    s = w === WRAPS[6] && (next() < 0.9 || s.length > 2000) ? `(${s})` : w(s, next);
  }
  return s;
}

/** A whole spec around a deep expression, sometimes cut short (unclosed brackets). */
export function deepSpec(depth: number, next: () => number): string {
  let e = deepExpr(depth, next);
  if (next() < 0.2) e = e.slice(0, Math.floor(e.length * next()));
  switch (Math.floor(next() * 3)) {
    case 0:
      return `bias b(y: Real[2]) -> Real[2] {\n  let t = ${e}\n  return y * t\n}\n`;
    case 1:
      return `import "prelude"\nmodel m {\n  data x : Real[2] ~ csv("d.csv")\n  encoder q(y | x) = mlp_encoder(x, [8], 2)\n  intermediary y : Real[2] ~ Normal(0, I)\n  mapping z = ${e}\n  decoder p(x | z) : Gaussian = mlp_decoder(z, [8], 2)\n}\n`;
    default:
      return `network n(x: Real[4]) -> Real[4] {\n  dense(${e})\n}\n`;
  }
}

/** Pure nesting of one kind: exactly `depth` levels (operations for sum and minus), to test the limits' edge. */
export function exactNesting(depth: number, kind: "paren" | "pow" | "call" | "list" | "sum" | "minus"): string {
  const e =
    kind === "paren" ? "(".repeat(depth) + "y" + ")".repeat(depth)
    : kind === "call" ? "abs(".repeat(depth) + "y" + ")".repeat(depth)
    : kind === "list" ? "[".repeat(depth) + "y" + "]".repeat(depth)
    : kind === "minus" ? "-".repeat(depth) + "y"
    : Array(depth + 1).fill("y").join(kind === "sum" ? " + " : " ** ");
  return `bias b(y: Real[2]) -> Real[2] {\n  let t = ${e}\n  return y\n}\n`;
}

export { MAX_DEPTH, MAX_NESTING };
