// In-memory datasets: datapoints as one flat Float32Array, so batches are cheap row gathers and
// nothing touches tfjs until a batch is made.
import type { SourceRef } from "../../compiler/ir/types";

export interface Dataset {
  /** n datapoints of `shape`, row-major, concatenated */
  x: Float32Array;
  /** one datapoint's shape (no batch axis) */
  shape: number[];
  n: number;
  /** integer labels where the source has them */
  labels: Int32Array | null;
  /** the generative factors behind each datapoint, where the source knows them (dsprites) */
  factors?: Factors;
}

/** Known generative factors: `values` is [n, names.length], row-major. */
export interface Factors {
  names: string[];
  values: Float32Array;
  /** per factor: takes a few integer values (shape) rather than a continuum (x, y, …) */
  discrete: boolean[];
}

/**
 * Bad data or data arguments: reported to the user as is, never as an internal error. `code` is an
 * IV6xxx code of the diagnostic catalog and `at` the spec's `data` line, so the CLI renders it in the
 * compiler's format; errors raised deep in a file reader get both at the loading boundary.
 */
export class DataError extends Error {
  override readonly name = "DataError";
  constructor(
    message: string,
    public code = "IV6005",
    public at?: SourceRef,
  ) {
    super(message);
  }
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function makeDataset(x: Float32Array, shape: number[], labels: Int32Array | null): Dataset {
  const size = sizeOf(shape);
  if (size === 0 || x.length % size !== 0) throw new DataError(`data of ${x.length} values does not divide into points of shape [${shape.join(", ")}]`);
  const n = x.length / size;
  if (labels && labels.length !== n) throw new DataError(`${labels.length} labels for ${n} datapoints`);
  return { x, shape, n, labels };
}

/** The datapoints at `indices`, in that order (copies). */
export function subset(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const size = sizeOf(ds.shape);
  const x = new Float32Array(indices.length * size);
  const labels = ds.labels ? new Int32Array(indices.length) : null;
  const f = ds.factors;
  const k = f?.names.length ?? 0;
  const values = f ? new Float32Array(indices.length * k) : null;
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i]!;
    x.set(ds.x.subarray(j * size, (j + 1) * size), i * size);
    if (labels) labels[i] = ds.labels![j]!;
    if (values) values.set(f!.values.subarray(j * k, (j + 1) * k), i * k);
  }
  const out: Dataset = { x, shape: ds.shape, n: indices.length, labels };
  if (f) out.factors = { names: f.names, values: values!, discrete: f.discrete };
  return out;
}

/** Rows [start, end) as a batch buffer, gathered through `order` when given. */
export function gatherRows(ds: Dataset, order: ArrayLike<number> | null, start: number, end: number): Float32Array {
  const size = sizeOf(ds.shape);
  if (!order) return ds.x.slice(start * size, end * size);
  const out = new Float32Array((end - start) * size);
  for (let i = start; i < end; i++) {
    const j = order[i]!;
    out.set(ds.x.subarray(j * size, (j + 1) * size), (i - start) * size);
  }
  return out;
}
