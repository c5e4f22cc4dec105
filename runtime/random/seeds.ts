// One seed stream per run (docs/architecture.md §3). tfjs treats seed 0 as "unseeded" (Math.random) and a fixed
// seed repeats the same numbers, so every random op gets its own seed, derived from
// (run seed, purpose, counter). The counters are positions in the run (global step, epoch, batch),
// never call counts, so a resumed run draws exactly what an uninterrupted one would.
//
// The derivation is a keyed bijection on 31-bit integers: for a fixed run seed, distinct
// (purpose, counter) pairs give distinct seeds, all in [1, 2^31 − 1] (safe as int32, never 0).

/** Why a seed is drawn; each purpose has its own counter space of 2^26 values. */
export const SEED_PURPOSES = [
  "init", // parameter initialisation (counter 0)
  "data", // synthetic data generation / dataset order (counter: 0 train, 1 test)
  "split", // the validation hold-out
  "shuffle", // minibatch order (counter: epoch)
  "noise", // reparameterisation noise of a training step (counter: global step)
  "validation", // noise of validation batches (counter: epoch · batches + batch)
  "eval", // `intel eval` (counter: batch)
  "sample", // `intel sample`
  "encode", // `intel encode`
] as const;
export type SeedPurpose = (typeof SEED_PURPOSES)[number];

const MASK31 = 0x7fffffff;
export const MAX_COUNTER = 2 ** 26 - 1;

/** splitmix32-style mixer for key schedules (not a bijection requirement here). */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A bijection on [0, 2^31): xor-shifts and odd multiplications modulo 2^31 are each invertible,
 * and so is adding a key. Four rounds with run-seed-dependent keys.
 */
function permute31(x: number, keys: readonly number[]): number {
  for (const k of keys) {
    x = (x + k) & MASK31;
    x ^= x >>> 16;
    x = Math.imul(x, 0x2c1b3c6d) & MASK31;
    x ^= x >>> 12;
    x = Math.imul(x, 0x297a2d39) & MASK31;
    x ^= x >>> 15;
  }
  return x;
}

const keyCache = new Map<number, number[]>();
function keysFor(runSeed: number): number[] {
  let keys = keyCache.get(runSeed);
  if (!keys) {
    // Fold the (possibly > 32-bit) run seed in as two words.
    const lo = runSeed >>> 0;
    const hi = Math.floor(runSeed / 2 ** 32) >>> 0;
    let s = mix32(lo ^ mix32(hi));
    keys = [];
    for (let i = 0; i < 4; i++) {
      s = mix32(s + i);
      keys.push(s & MASK31);
    }
    keyCache.set(runSeed, keys);
  }
  return keys;
}

/** Checks a user-given run seed: a non-negative safe integer. */
export function checkRunSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
}

/**
 * The seed for `purpose` at position `counter` of the run seeded `runSeed`: in [1, 2^31 − 1],
 * distinct for distinct (purpose, counter) under one run seed.
 */
export function deriveSeed(runSeed: number, purpose: SeedPurpose, counter: number): number {
  checkRunSeed(runSeed);
  const p = SEED_PURPOSES.indexOf(purpose);
  if (p < 0) throw new RangeError(`unknown seed purpose '${purpose}'`);
  if (!Number.isInteger(counter) || counter < 0 || counter > MAX_COUNTER) {
    throw new RangeError(`seed counter out of range: ${counter} (0..${MAX_COUNTER})`);
  }
  // Domain point in [1, 2^31): purpose in the top 5 bits, counter + 1 below (never 0).
  // permute31 is a bijection with permute31(0) possibly ≠ 0, so walk the cycle past 0:
  // restricted to the non-zero values this is still a bijection (cycle walking).
  const x = p * 2 ** 26 + counter + 1;
  const keys = keysFor(runSeed);
  let y = permute31(x, keys);
  while (y === 0) y = permute31(y, keys);
  return y;
}

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw from a uniform source (Box–Muller; one value per call, for simplicity). */
export function normalFrom(rand: () => number): () => number {
  return () => {
    let u = rand();
    while (u === 0) u = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
}

/** An integer in [0, n) without modulo bias worth caring about for n ≪ 2^32. */
export function randomInt(rand: () => number, n: number): number {
  return Math.floor(rand() * n);
}

/** Fisher–Yates over 0..n−1 with mulberry32(seed): the same seed always gives the same order. */
export function shuffledIndices(n: number, seed: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const rand = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(rand, i + 1);
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx;
}
