// What a run's data files were when it started: each file's size and sha256 (or, above
// FULL_HASH_BYTES, its size and the sha256 of 16 evenly spaced 64 KiB samples, so a 10 GiB file
// is checked in milliseconds), recorded in config.json. A resume refuses data that changed (it
// would not repeat its numbers); eval warns. Built-in data (mnist, synthetic) has no files.
import { createHash } from "node:crypto";
import { closeSync, existsSync, fstatSync, readSync } from "node:fs";
import { join } from "node:path";
import type { DataIR, SourceRef } from "../../compiler/ir/types";
import { openRegularFile } from "../fs/read-file";
import { DataError } from "./dataset";
import { FASHION_MNIST_DIR } from "./sources";

export interface DataFileRecord {
  path: string;
  size: number;
  mtime: string;
  /** sha256 of the whole file (files up to FULL_HASH_BYTES) */
  sha256?: string;
  /** sha256 of the size and SAMPLES samples (larger files) */
  sampledSha256?: string;
}

export const FULL_HASH_BYTES = 64 << 20;
const SAMPLES = 16;
const SAMPLE_BYTES = 64 << 10;

/** The files a data source reads, as the IR names them (paths are resolved by the compiler). */
export function dataFiles(data: DataIR): string[] {
  const a = data.args;
  const named = (k: string) => (typeof a[k] === "string" && a[k] !== "" ? [a[k] as string] : []);
  if (data.source === "idx" || data.source === "npy") return [...named("path"), ...named("labels")];
  if (data.source === "csv") return named("path");
  if (data.source === "fashion_mnist") {
    const dir = typeof a.path === "string" ? a.path : FASHION_MNIST_DIR;
    const stems = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];
    return stems.flatMap((s) => [`${s}.gz`, s].map((f) => join(dir, f)).filter((f) => existsSync(f)).slice(0, 1));
  }
  return [];
}

function hashFile(path: string): Omit<DataFileRecord, "path"> {
  const { fd, size } = openRegularFile(path, Number.MAX_SAFE_INTEGER, "data file");
  try {
    const mtime = fstatSync(fd).mtime.toISOString();
    const h = createHash("sha256");
    const buf = Buffer.allocUnsafe(size <= FULL_HASH_BYTES ? Math.min(size, 4 << 20) || 1 : SAMPLE_BYTES);
    const feed = (pos: number, len: number) => {
      for (let done = 0; done < len; ) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, len - done), pos + done);
        if (n <= 0) break;
        h.update(buf.subarray(0, n));
        done += n;
      }
    };
    if (size <= FULL_HASH_BYTES) {
      feed(0, size);
      return { size, mtime, sha256: h.digest("hex") };
    }
    h.update(String(size));
    for (let i = 0; i < SAMPLES; i++) feed(Math.floor(((size - SAMPLE_BYTES) * i) / (SAMPLES - 1)), SAMPLE_BYTES);
    return { size, mtime, sampledSha256: h.digest("hex") };
  } finally {
    closeSync(fd);
  }
}

/** The records of every file `data` reads (a missing one is left out: loading reports it). */
export function fingerprintData(data: DataIR): DataFileRecord[] {
  return dataFiles(data)
    .filter((p) => existsSync(p))
    .map((path) => ({ path, ...hashFile(path) }));
}

/** How the files differ from their records, in words; [] when they are the same. */
export function dataChanges(recorded: readonly DataFileRecord[]): string[] {
  const out: string[] = [];
  for (const r of recorded) {
    if (!existsSync(r.path)) {
      out.push(`${r.path} is gone (it had ${r.size} bytes)`);
      continue;
    }
    const now = hashFile(r.path);
    const diffs: string[] = [];
    if (now.size !== r.size) diffs.push(`size ${r.size} → ${now.size} bytes`);
    const [was, is, what] = r.sha256 !== undefined ? [r.sha256, now.sha256, "sha256"] : [r.sampledSha256, now.sampledSha256, "sampled sha256"];
    if (was !== is) diffs.push(`${what} ${String(was).slice(0, 12)}… → ${String(is ?? "(now sampled)").slice(0, 12)}…`);
    if (diffs.length) out.push(`${r.path} changed since ${r.mtime} (${diffs.join(", ")}; modified ${now.mtime})`);
  }
  return out;
}

/** A resume must see the data its run started with: a DataError (IV6010) naming what changed. */
export function requireSameData(at: SourceRef, recorded: readonly DataFileRecord[] | undefined): void {
  const changes = recorded ? dataChanges(recorded) : [];
  if (changes.length) {
    throw new DataError(
      `the data changed since the run started: ${changes.join("; ")}. A resume would not compute what the run would have: restore the data, or start a new run`,
      "IV6010",
      at,
    );
  }
}
