// Size-limited reads of regular files. Every file intel-vae reads goes through here (or through
// openRegularFile for the data readers that stream): a device, a FIFO or a folder is refused before
// a byte is read (`/dev/zero` would otherwise be read until memory runs out), and a file over its
// limit is refused with its size. /proc files report size 0 and are read up to that: nothing.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";

/** The limits, by what is read. Specs are small; data files are read in chunks up to their own limits. */
export const READ_LIMITS = {
  spec: 4 << 20,
  json: 256 << 20,
  checkpoint: 2 ** 31,
  /** a CSV is parsed as one string, and V8's longest string is ~512 MiB */
  csv: 256 << 20,
} as const;

/** A file that cannot be used for what it is (not its permissions: those are errno errors). */
export class FileError extends Error {
  override readonly name = "FileError";
  constructor(
    message: string,
    readonly path: string,
    /** "size": over a limit; "kind": not a regular file; "place": a path intel-vae may not use */
    readonly problem: "size" | "kind" | "place" = "place",
  ) {
    super(message);
  }
}

const mib = (n: number): string => (n >= 1 << 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${n} bytes`);

export function kindOf(st: Stats): string {
  if (st.isDirectory()) return "a folder";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isFIFO()) return "a pipe";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/**
 * Opens `path` for reading if it is a regular file of at most `maxBytes`; returns the descriptor
 * and its size (the caller closes it). O_NONBLOCK: opening a FIFO must not wait for a writer.
 */
export function openRegularFile(path: string, maxBytes: number, what = "file"): { fd: number; size: number } {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new FileError(`${path}: cannot read this ${what}: it is ${kindOf(st)}`, path, "kind");
    if (st.size > maxBytes) {
      throw new FileError(`${path}: the ${what} is ${mib(st.size)}, over the ${mib(maxBytes)} intel-vae reads`, path, "size");
    }
    return { fd, size: st.size };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** The whole of a regular file of at most `maxBytes` (read up to the size it had when opened). */
export function readRegularFile(path: string, maxBytes: number, what = "file"): Buffer {
  const { fd, size } = openRegularFile(path, maxBytes, what);
  try {
    const buf = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n <= 0) break;
      got += n;
    }
    return got === size ? buf : buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

export const readTextFile = (path: string, maxBytes: number, what = "file"): string => readRegularFile(path, maxBytes, what).toString("utf8");
