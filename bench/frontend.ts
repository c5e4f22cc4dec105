// Front-end benchmark: parse + check of a 200-line spec and of the largest spec in the repository,
// median of many runs after warm-up. The goal is under 50 ms each.
import { performance } from "node:perf_hooks";
import { checkSource } from "../compiler/check";
import { parse } from "../grammar/parse";
import { largestSpecUnder } from "../test/golden";

/** A synthetic spec of about `lines` lines: biases and networks like the prelude's, and a model. */
export function syntheticSpec(lines: number): string {
  const out = ["intel 0.1", ""];
  let i = 0;
  while (out.length < lines - 12) {
    out.push(
      `bias scaled_${i}<D>(y: Real[D], gamma: Real = 30, eps: Real = 1e-7) -> Real[D] {`,
      `  param ds = mlp(D, [10, 10], D)`,
      `  let s = 0.2 + 0.8 * sigmoid(ds(y))  # a gate in [0.2, 1]`,
      `  let n = y / (norm(y) + eps)`,
      `  penalty gamma * entropy_spread(s)`,
      `  return n * s + y[0] * 0.5`,
      `}`,
      ``,
      `network block_${i}(x: Real[?], width: Int) -> Real[?] {`,
      `  dense(width)`,
      `  relu`,
      `}`,
      ``,
    );
    i++;
  }
  out.push(
    `network enc(x: Real[28, 28, 1]) -> Real[20] {`,
    `  flatten`,
    `  dense(64)`,
    `  relu`,
    `  dense(20)`,
    `}`,
    `network dec(z: Real[10]) -> Real[28, 28, 1] {`,
    `  dense(784)`,
    `  reshape(28, 28, 1)`,
    `}`,
    `model m {`,
    `  data x : Real[28, 28, 1] ~ mnist(split: "train")`,
    `  encoder q(y | x) = enc()`,
    `  intermediary y : Real[10] ~ Normal(0, I)`,
    `  mapping z = scaled_0(y)`,
    `  decoder p(x | z) : Bernoulli = dec()`,
    `}`,
  );
  return out.join("\n") + "\n";
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void, runs: number): number {
  for (let i = 0; i < 20; i++) fn(); // warm-up: JIT and chevrotain's lookahead caches
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  return median(ts);
}

export function benchFrontend(): void {
  const spec = syntheticSpec(200);
  const lines = spec.split("\n").length;
  const parseMs = time(() => parse(spec, "bench.intel"), 200);
  const checkMs = time(() => checkSource(spec, { file: "bench.intel" }), 200);
  console.log(`front end, ${lines}-line synthetic spec: parse ${parseMs.toFixed(2)} ms, parse + check ${checkMs.toFixed(2)} ms (median of 200; goal < 50 ms)`);
  const largest = largestSpecUnder("specs");
  if (largest) {
    const ms = time(() => checkSource(largest.text, { file: largest.f }), 100);
    console.log(`front end, largest spec ${largest.f} (${largest.text.split("\n").length} lines): parse + check ${ms.toFixed(2)} ms (median of 100; goal < 50 ms)`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) benchFrontend();
