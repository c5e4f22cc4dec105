// DataIR → datasets: the training data with its validation hold-out, and a test split for `intel eval`.
// Everything is a function of the data's seed (the `seed` argument, else the run's seed), so the
// training run, its resume and `intel eval` all see the same points in the same roles.
import type { DataIR } from "../../compiler/ir/types";
import { deriveSeed, shuffledIndices } from "../random/seeds";
import { DataError, sizeOf, subset, type Dataset } from "./dataset";
import { generateDsprites } from "./dsprites";
import { loadMnist } from "./mnist";
import { loadCsvSource, loadFashionMnist, loadIdxSource, loadNpySource } from "./sources";
import { generateSynthetic, isSynthetic, SYNTHETIC_SOURCES } from "./synthetic";

export interface DataSplits {
  train: Dataset;
  /** null when nothing is held out */
  validation: Dataset | null;
}

function intArgs(v: unknown, what: string): number[] | null {
  if (v == null) return null;
  if (!Array.isArray(v) || !v.every((c) => typeof c === "number")) throw new DataError(`${what} must be a list of numbers`);
  return v as number[];
}

/** The seed that orders and generates this data. */
export function dataSeed(data: DataIR, runSeed: number): number {
  const s = data.args.seed;
  return typeof s === "number" ? s : runSeed;
}

/** All of a source's points for one split, before any hold-out. */
export function loadSource(data: DataIR, runSeed: number, split: "train" | "test"): Dataset {
  const seed = deriveSeed(dataSeed(data, runSeed), "data", split === "train" ? 0 : 1);
  const a = data.args;
  if (data.source === "mnist") {
    const declared = a.split ?? "train";
    if (declared !== "train" && declared !== "test") throw new DataError(`mnist: split must be "train" or "test", got ${JSON.stringify(declared)}`);
    // "test" for evaluation means the split the spec does not train on.
    const which = split === "train" ? declared : declared === "train" ? "test" : "train";
    return loadMnist({
      split: which,
      classes: intArgs(a.classes, "mnist: classes"),
      multipliers: intArgs(a.multipliers, "mnist: multipliers"),
      binarize: a.binarize === true,
      limit: typeof a.limit === "number" ? a.limit : null,
      flatten: a.flatten === true,
      seed,
    });
  }
  if (data.source === "fashion_mnist") {
    const declared = a.split ?? "train";
    if (declared !== "train" && declared !== "test") throw new DataError(`fashion_mnist: split must be "train" or "test", got ${JSON.stringify(declared)}`);
    return loadFashionMnist(a, split === "train" ? declared : declared === "train" ? "test" : "train", seed);
  }
  // idx, csv, npy have no second split: evaluation reads the same file (in-sample), same order.
  const fileSeed = deriveSeed(dataSeed(data, runSeed), "data", 0);
  if (data.source === "idx") return loadIdxSource(a, fileSeed);
  if (data.source === "csv") return loadCsvSource(a, fileSeed);
  if (data.source === "npy") return loadNpySource(a, fileSeed);
  if (isSynthetic(data.source)) return generateSynthetic(data.source, a, seed);
  if (data.source === "dsprites") return generateDsprites(a, seed);
  throw new DataError(`data source '${data.source}' is not supported by the runtime yet (supported: ${["mnist", "fashion_mnist", "idx", "csv", "npy", ...SYNTHETIC_SOURCES, "dsprites"].join(", ")})`);
}

/** Holds out `validation` points (a seeded choice), keeping both parts in source order. */
export function holdOut(ds: Dataset, validation: number, seed: number): DataSplits {
  if (!Number.isInteger(validation) || validation < 0) throw new DataError(`validation must be a non-negative integer, got ${validation}`);
  if (validation === 0) return { train: ds, validation: null };
  if (validation >= ds.n) throw new DataError(`validation holds out ${validation} of ${ds.n} datapoints, leaving none to train on`);
  const perm = shuffledIndices(ds.n, seed);
  const val = Array.from(perm.subarray(0, validation)).sort((p, q) => p - q);
  const train = Array.from(perm.subarray(validation)).sort((p, q) => p - q);
  return { train: subset(ds, train), validation: subset(ds, val) };
}

/** The training data and its validation hold-out, checked against the DataIR. */
export function loadTrainingData(data: DataIR, runSeed: number, validation: number): DataSplits {
  return atDataLine(data, () => {
    const all = loadSource(data, runSeed, "train");
    checkDataset(all, data);
    return holdOut(all, validation, deriveSeed(dataSeed(data, runSeed), "split", 0));
  });
}

/** The source's other split (mnist, fashion_mnist), a fresh sample (synthetic) or the same file (idx, csv, npy), for evaluation. */
export function loadTestData(data: DataIR, runSeed: number): Dataset {
  return atDataLine(data, () => {
    const ds = loadSource(data, runSeed, "test");
    checkDataset(ds, data);
    return ds;
  });
}

/** Points every data error at the spec's `data` line. */
function atDataLine<T>(data: DataIR, load: () => T): T {
  try {
    return load();
  } catch (e) {
    if (e instanceof DataError) e.at ??= data.at;
    throw e;
  }
}

/**
 * The data must be what the spec declared: the same point shape and values in the declared range.
 * Checked before any tensor is made, so a mismatch is a clear message and not a tfjs shape error.
 */
export function checkDataset(ds: Dataset, data: DataIR): void {
  const name = `data ${data.name} ~ ${data.source}`;
  if (ds.n === 0) throw new DataError(`${name}: no datapoints (check classes, limit and multipliers)`, "IV6001", data.at);
  const same = ds.shape.length === data.shape.length && ds.shape.every((d, i) => d === data.shape[i]);
  if (!same) {
    throw new DataError(`${name}: the source yields points of shape [${ds.shape.join(", ")}] but the spec declares Real[${data.shape.join(", ")}]`, "IV6002", data.at);
  }
  const size = sizeOf(ds.shape);
  const [lo, hi] = data.range ?? [-Infinity, Infinity];
  for (let i = 0; i < ds.x.length; i++) {
    const v = ds.x[i]!;
    if (!Number.isFinite(v)) throw new DataError(`${name}: datapoint ${Math.floor(i / size)} holds ${v}`, "IV6003", data.at);
    if (v < lo || v > hi) {
      throw new DataError(`${name}: value ${v} in datapoint ${Math.floor(i / size)} is outside the declared range [${lo}, ${hi}]`, "IV6004", data.at);
    }
  }
}
