// Where `intel sample` and `intel encode` write arrays: the format follows the file's extension
// (.npy: NumPy float32; .csv: a table with a header), never CSV text under another name.
import { extname } from "node:path";
import { writeFileAtomic } from "../runtime/run/atomic";
import { encodeNpy } from "../runtime/run/npy";
import { toCsv } from "../runtime/run/outputs";
import { UsageError } from "./args";

export type ArrayFormat = "npy" | "csv";

/** The format for `path`; a usage error for an extension that is neither (`also`: e.g. ".png"). */
export function arrayFormat(path: string, also: readonly string[] = []): ArrayFormat | "other" {
  const ext = extname(path).toLowerCase();
  if (ext === ".npy" || ext === ".csv") return ext.slice(1) as ArrayFormat;
  if (also.includes(ext)) return "other";
  throw new UsageError(`-o ${path}: the extension says the format: .npy or .csv${also.length ? ` (or ${also.join(", ")})` : ""}`);
}

/**
 * n rows of `shape` values: a .npy array [n, ...shape], or a CSV with columns prefix0, prefix1, …
 * Labels go into the CSV's last column, or next to an .npy as F.labels.npy (int32); returns the files written.
 */
export function writeArray(path: string, format: ArrayFormat, values: Float32Array, n: number, shape: readonly number[], prefix: string, labels: Int32Array | null = null): string[] {
  if (format === "csv") {
    writeFileAtomic(path, toCsv(values, n, values.length / Math.max(1, n), prefix, labels));
    return [path];
  }
  writeFileAtomic(path, encodeNpy(values, [n, ...shape]));
  if (!labels) return [path];
  const lp = path.replace(/\.npy$/i, ".labels.npy");
  writeFileAtomic(lp, encodeNpy(labels, [n]));
  return [path, lp];
}
