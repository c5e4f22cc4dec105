// Size-limited reads of regular files. Every file intel-vae reads goes through here (or through
// openRegularFile for the data readers that stream): a device, a FIFO or a folder is refused before
// a byte is read (`/dev/zero` would otherwise be read until memory runs out), and a file over its
// limit is refused with its size. /proc files report size 0 and are read up to that: nothing.
import { constants as bufferConstants } from "node:buffer";
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";

/** The limits, by what is read. Specs are small; data files are read in chunks up to their own limits. */
export const DEFAULT_READ_LIMITS = {
  spec: 4 << 20,
  json: 256 << 20,
  checkpoint: 2 ** 31,
  /** a CSV is parsed as one string, and V8's longest string is ~512 MiB */
  csv: 256 << 20,
} as const;

type LimitKind = keyof typeof DEFAULT_READ_LIMITS;

/** INTEL_READ_LIMITS="csv=400M,checkpoint=3G" raises (or lowers) these, up to what Node can hold:
 *  text read whole is one string (V8's longest), a checkpoint one Buffer. A spec stays at 4 MiB (the
 *  compiler's MAX_SPEC_BYTES: text a person writes). */
export const READ_LIMITS_ENV = "INTEL_READ_LIMITS";
const CEILINGS: Partial<Record<LimitKind, number>> = {
  json: bufferConstants.MAX_STRING_LENGTH,
  csv: bufferConstants.MAX_STRING_LENGTH,
  checkpoint: bufferConstants.MAX_LENGTH,
};
const UNITS: Record<string, number> = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };

/** A setting of INTEL_READ_LIMITS that cannot be used: the user's environment (exit 1), not a bug. */
export class ReadLimitsError extends Error {
  override readonly name = "ReadLimitsError";
}

/** The limits with INTEL_READ_LIMITS applied. */
export function readLimits(env: NodeJS.ProcessEnv = process.env): Record<LimitKind, number> {
  const out: Record<LimitKind, number> = { ...DEFAULT_READ_LIMITS };
  const setting = env[READ_LIMITS_ENV]?.trim();
  if (!setting) return out;
  const kinds = Object.keys(CEILINGS).join(", ");
  for (const part of setting.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\w+)\s*=\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(part);
    const kind = m?.[1]?.toLowerCase() as LimitKind | undefined;
    const ceiling = kind ? CEILINGS[kind] : undefined;
    if (!m || !kind || ceiling === undefined) {
      throw new ReadLimitsError(`${READ_LIMITS_ENV}: cannot use '${part}': write KIND=SIZE, separated by commas, with KIND one of ${kinds} and SIZE in bytes or with K, M or G (e.g. ${READ_LIMITS_ENV}=csv=400M)`);
    }
    const bytes = Math.floor(Number(m[2]) * UNITS[m[3]!.toLowerCase()]!);
    if (bytes < 1 || bytes > ceiling) throw new ReadLimitsError(`${READ_LIMITS_ENV}: ${kind}=${m[2]}${m[3]} is ${bytes < 1 ? "below 1 byte" : `over the ${mib(ceiling)} Node can hold as ${kind === "checkpoint" ? "one buffer" : "one string"}`}`);
    out[kind] = bytes;
  }
  return out;
}

/** The limits in force (read at each use, so a test or a long-lived process sees the environment's). */
export const READ_LIMITS: Readonly<Record<LimitKind, number>> = {
  get spec() {
    return readLimits().spec;
  },
  get json() {
    return readLimits().json;
  },
  get checkpoint() {
    return readLimits().checkpoint;
  },
  get csv() {
    return readLimits().csv;
  },
};

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
