// Seed streams. tfjs treats seed 0 as "unseeded" and repeats a fixed seed's numbers, so every random
// draw gets its own seed derived from the run seed and a path of small integers (stage, index, …).
import * as tf from "@tensorflow/tfjs";

/** Well-known path heads, so different uses of one seed never collide. */
export const STREAM = {
  param: 1,
  noise: 2, // reparameterisation noise: deriveSeed(seed, STREAM.noise, chunk)
  encoder: 3, // dropout in the encoder
  decoder: 4,
  mapping: 5,
  prior: 6, // y ~ N(0, I) in sample()
  auto: 7, // calls that gave no seed: a per-model counter
  dequantize: 8, // a FlowDecoder's dequantisation noise u ~ U(0, 1): deriveSeed(call seed, STREAM.dequantize)
} as const;

function mix32(h: number): number {
  // murmur3's finaliser: every input bit affects every output bit
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A seed in [1, 2³¹ − 1] from a base seed and a path; deterministic, never 0. */
export function deriveSeed(base: number, ...path: number[]): number {
  const b = Math.floor(Math.abs(base));
  let h = mix32((b % 0x100000000) ^ 0x9e3779b9);
  h = mix32(h ^ Math.floor(b / 0x100000000));
  for (const p of path) h = mix32(h ^ mix32((Math.floor(p) >>> 0) + 0x632be5ab));
  return (h % 0x7ffffffe) + 1;
}

/** Standard normal noise of the given shape, reproducible from `seed` (already derived). */
export function standardNormal(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, "float32", seed);
}

/** The reparameterisation noise the model uses for chunk `chunk` of a call seeded with `seed`. */
export function reparamNoise(seed: number, rows: number, dim: number, chunk = 0): tf.Tensor2D {
  return standardNormal([rows, dim], deriveSeed(seed, STREAM.noise, chunk)) as tf.Tensor2D;
}
