// File-backed sources: `fashion_mnist` (Debian dataset-fashion-mnist), `idx`, `csv`, `npy`.
// Argument names and defaults follow compiler/builtins/data.ts. File sources other than
// fashion_mnist have no test split: their "test" data for `intel eval` is the same file (in-sample).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DataError, makeDataset, type Dataset } from "./dataset";
import { checkFinite, checkLabels, readCsv, readIdx, readNpy, type NumericArray } from "./files";
import { applyFilters } from "./transforms";

type Args = Record<string, unknown>;

export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";
const INSTALL = "install it with `apt-get install dataset-fashion-mnist`";

function str(a: Args, k: string, source: string, fallback: string | null): string | null {
  const v = a[k] ?? fallback;
  if (v !== null && typeof v !== "string") throw new DataError(`${source}: ${k} must be a string, got ${JSON.stringify(v)}`);
  return v;
}
function requiredPath(a: Args, source: string): string {
  const p = str(a, "path", source, null);
  if (!p) throw new DataError(`${source}: needs a path`);
  return p;
}
function numOr(a: Args, k: string, source: string, fallback: number | null): number | null {
  const v = a[k] ?? fallback;
  if (v !== null && (typeof v !== "number" || !Number.isFinite(v))) throw new DataError(`${source}: ${k} must be a number, got ${JSON.stringify(v)}`);
  return v;
}
function ints(v: unknown, what: string): number[] | null {
  if (v == null) return null;
  if (!Array.isArray(v) || !v.every((c) => typeof c === "number")) throw new DataError(`${what} must be a list of numbers`);
  return v as number[];
}
const limitOf = (a: Args, source: string) => numOr(a, "limit", source, null);

function scaled(arr: NumericArray, scale: number | null): Float32Array {
  const s = scale ?? (arr.dtype === "u8" ? 1 / 255 : 1);
  if (s !== 1) for (let i = 0; i < arr.values.length; i++) arr.values[i]! *= s;
  return arr.values;
}

/** IDX images (+ labels) → a dataset: [H, W, 1] per 3-D datapoint (or flattened), [M] for 2-D files. */
function idxDataset(file: string, labelsFile: string | null, o: { scale: number | null; flatten: boolean; maxLabel: number; hint?: string }): Dataset {
  const img = readIdx(file, o.hint);
  if (img.shape.length < 2 || img.shape.length > 4) throw new DataError(`${file}: an IDX file of shape [${img.shape.join(", ")}]; expected datapoints on the first axis of a 2-, 3- or 4-D array`);
  const [n, ...rest] = img.shape as [number, ...number[]];
  if (n === 0) throw new DataError(`${file}: holds no datapoints`);
  const point = rest.length === 2 ? [rest[0]!, rest[1]!, 1] : rest;
  const shape = o.flatten ? [point.reduce((a, b) => a * b, 1)] : point;
  const x = scaled(img, o.scale);
  checkFinite(file, x, x.length / n);
  let labels: Int32Array | null = null;
  if (labelsFile) {
    const lab = readIdx(labelsFile, o.hint);
    if (lab.shape.length !== 1) throw new DataError(`${labelsFile}: a labels file must be 1-D, got shape [${lab.shape.join(", ")}]`);
    if (lab.shape[0] !== n) throw new DataError(`${labelsFile}: ${lab.shape[0]} labels for the ${n} datapoints of ${file}`);
    labels = checkLabels(labelsFile, lab.values, n, o.maxLabel);
  }
  return makeDataset(x, shape, labels);
}

/** The fashion_mnist file of a split under `dir` (.gz as Debian ships it, or gunzipped). */
function fashionFile(dir: string, stem: string): string {
  for (const f of [`${stem}.gz`, stem]) if (existsSync(join(dir, f))) return join(dir, f);
  if (!existsSync(dir)) throw new DataError(`fashion_mnist: ${dir} does not exist: ${INSTALL}`);
  throw new DataError(`fashion_mnist: ${join(dir, stem)}.gz is missing: ${INSTALL}`);
}

export function loadFashionMnist(a: Args, split: "train" | "test", seed: number): Dataset {
  const dir = str(a, "path", "fashion_mnist", FASHION_MNIST_DIR)!;
  const stem = split === "train" ? "train" : "t10k";
  // Parsed afresh on each call (≈3.5 s for train); no process-wide cache keeps 180 MiB alive.
  const all = idxDataset(fashionFile(dir, `${stem}-images-idx3-ubyte`), fashionFile(dir, `${stem}-labels-idx1-ubyte`), { scale: 1 / 255, flatten: false, maxLabel: 10 });
  if (all.shape.join() !== "28,28,1") throw new DataError(`fashion_mnist: ${dir} holds images of shape [${all.shape.join(", ")}], not 28×28`);
  const ds = applyFilters(
    all,
    { classes: ints(a.classes, "fashion_mnist: classes"), multipliers: ints(a.multipliers, "fashion_mnist: multipliers"), binarize: a.binarize === true, limit: limitOf(a, "fashion_mnist"), seed },
    "fashion_mnist",
    10,
  );
  return a.flatten === true ? { ...ds, shape: [784] } : ds;
}

export function loadIdxSource(a: Args, seed: number): Dataset {
  const path = requiredPath(a, "idx");
  const ds = idxDataset(path, str(a, "labels", "idx", null), { scale: numOr(a, "scale", "idx", null), flatten: a.flatten === true, maxLabel: Infinity });
  return applyFilters(ds, { classes: null, multipliers: null, binarize: false, limit: limitOf(a, "idx"), seed }, "idx", null);
}

export function loadCsvSource(a: Args, seed: number): Dataset {
  const path = requiredPath(a, "csv");
  const label = a.label ?? null;
  if (label !== null && typeof label !== "string" && typeof label !== "number") throw new DataError(`csv: label must be a column name or index`);
  const t = readCsv(path, { label, header: a.header !== false, delimiter: str(a, "delimiter", "csv", ",")! });
  const s = numOr(a, "scale", "csv", 1)!;
  if (s !== 1) for (let i = 0; i < t.values.length; i++) t.values[i]! *= s;
  if (t.columns.length === 0) throw new DataError(`${path}: no data columns besides the label`);
  const ds = makeDataset(t.values, [t.columns.length], t.labels);
  return applyFilters(ds, { classes: null, multipliers: null, binarize: false, limit: limitOf(a, "csv"), seed }, "csv", null);
}

export function loadNpySource(a: Args, seed: number): Dataset {
  const path = requiredPath(a, "npy");
  const arr = readNpy(path);
  if (arr.shape.length === 0) throw new DataError(`${path}: a 0-d array; datapoints must be on the first axis`);
  const [n, ...rest] = arr.shape as [number, ...number[]];
  if (n === 0) throw new DataError(`${path}: holds no datapoints`);
  const point = rest.length ? rest : [1];
  const s = numOr(a, "scale", "npy", 1)!;
  const x = scaled(arr, s);
  checkFinite(path, x, x.length / n);
  let labels: Int32Array | null = null;
  const lp = str(a, "labels", "npy", null);
  if (lp) {
    const lab = readNpy(lp);
    if (lab.dtype.startsWith("f")) throw new DataError(`${lp}: labels must have an integer dtype, got ${lab.dtype}`);
    if (lab.shape.length !== 1) throw new DataError(`${lp}: labels must be 1-D, got shape (${lab.shape.join(", ")})`);
    labels = checkLabels(lp, lab.values, n);
  }
  if (point.reduce((p, q) => p * q, 1) === 0) throw new DataError(`${path}: datapoints of shape (${point.join(", ")}) hold no values`);
  return applyFilters(makeDataset(x, point, labels), { classes: null, multipliers: null, binarize: false, limit: limitOf(a, "npy"), seed }, "npy", null);
}

export const FILE_SOURCES = ["fashion_mnist", "idx", "csv", "npy"] as const;
