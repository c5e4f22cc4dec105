// Where the compiler reads files from. The CLI uses the disk; editors and tests pass their own.
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, realpathSync } from "node:fs";
import { delimiter, dirname, extname, isAbsolute, relative, resolve, sep } from "node:path";
import { packagePath } from "./package-root";

/** The prelude ships with the compiler: `import "prelude"` names it. */
export const PRELUDE_PATH = packagePath("specs", "prelude.intel");

/** A spec larger than this is refused unread (a spec is text a person writes: kilobytes). */
export const MAX_SPEC_BYTES = 4 << 20;

export interface FileHost {
  /** the file's text, or undefined when it does not exist or cannot be read (then `readError` says why) */
  read(absPath: string): string | undefined;
  readError?(absPath: string): string | undefined;
  exists(absPath: string): boolean;
  /** the name shown in diagnostics (relative to the working directory when inside it) */
  display(absPath: string): string;
  /** absolute path of the file */
  absolute(path: string): string;
  /** the path with symbolic links resolved (what the import root is checked against) */
  realpath?(absPath: string): string;
  /** folders whose specs any spec may import (INTEL_PATH), besides its own folder tree and the prelude */
  libraryPaths?: readonly string[];
}

/** INTEL_PATH: library folders, separated like PATH. */
export const libraryPathsFromEnv = (env: NodeJS.ProcessEnv = process.env): string[] =>
  (env.INTEL_PATH ?? "").split(delimiter).filter((p) => p.length > 0).map((p) => resolve(p));

/** A spec's text if it is a regular file within MAX_SPEC_BYTES; else why not. */
function readSpec(p: string): { text: string } | { why: string } {
  // O_NONBLOCK: a FIFO must not block the open; fstat then refuses it, and devices, unread.
  const fd = openSync(p, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { why: "it is a folder" };
    if (!st.isFile()) return { why: "it is not a regular file" };
    if (st.size > MAX_SPEC_BYTES) return { why: `it is ${(st.size / 2 ** 20).toFixed(1)} MiB, over the ${MAX_SPEC_BYTES / 2 ** 20} MiB a spec may be` };
    const buf = Buffer.alloc(st.size);
    let got = 0;
    for (let n = 1; got < st.size && n > 0; got += n) n = readSync(fd, buf, got, st.size - got, got);
    return { text: buf.subarray(0, got).toString("utf8") };
  } finally {
    closeSync(fd);
  }
}

export function diskHost(cwd: string = process.cwd()): FileHost {
  const errors = new Map<string, string>();
  return {
    read(p) {
      try {
        const r = readSpec(p);
        if ("text" in r) return r.text;
        errors.set(p, r.why);
      } catch (e) {
        errors.set(p, (e as NodeJS.ErrnoException).code ?? String(e));
      }
      return undefined;
    },
    readError: (p) => errors.get(p),
    exists: (p) => existsSync(p),
    display(p) {
      const r = relative(cwd, p);
      return r && !r.startsWith("..") && !isAbsolute(r) ? r : p;
    },
    absolute: (p) => resolve(cwd, p),
    realpath(p) {
      try {
        return realpathSync(p);
      } catch {
        return p;
      }
    },
    libraryPaths: libraryPathsFromEnv(),
  };
}

/** In-memory files (for checkSource and tests); falls back to the disk for the prelude. */
export function memoryHost(files: Record<string, string>, cwd: string = process.cwd()): FileHost {
  const disk = diskHost(cwd);
  const abs = new Map(Object.entries(files).map(([k, v]) => [resolve(cwd, k), v]));
  return {
    read: (p) => abs.get(p) ?? disk.read(p),
    readError: (p) => disk.readError?.(p),
    exists: (p) => abs.has(p) || disk.exists(p),
    display: (p) => disk.display(p),
    absolute: (p) => resolve(cwd, p),
    realpath: (p) => (abs.has(p) ? p : disk.realpath!(p)),
    libraryPaths: disk.libraryPaths,
  };
}

/**
 * Resolves an import path as written to an absolute path: "prelude"; else a `.intel` file relative
 * to the importer (the extension may be left out), else in a library folder. Null when the path
 * names a file of another kind: imports read only specs.
 */
export function resolveImport(host: FileHost, importer: string, path: string): string | null {
  if (path === "prelude") return PRELUDE_PATH;
  const ext = extname(path);
  if (ext !== "" && ext !== ".intel") return null;
  const file = ext === "" ? `${path}.intel` : path;
  const local = resolve(dirname(importer), file);
  if (isAbsolute(file) || host.exists(local)) return local;
  for (const lib of host.libraryPaths ?? []) {
    const there = resolve(lib, file);
    if (host.exists(there)) return there;
  }
  return local;
}

/** The folders a spec rooted at `rootSpec` may import from: its own folder tree and the library paths (and the prelude). */
export function importRoots(host: FileHost, rootSpec: string): string[] {
  const real = (p: string) => host.realpath?.(p) ?? p;
  return [dirname(real(rootSpec)), ...(host.libraryPaths ?? []).map(real)];
}

/** Whether `target` (resolved through links) is the prelude or lies within one of `roots`. */
export function insideImportRoot(host: FileHost, roots: readonly string[], target: string): boolean {
  const real = host.realpath?.(target) ?? target;
  if (real === (host.realpath?.(PRELUDE_PATH) ?? PRELUDE_PATH)) return true;
  if (extname(real) !== ".intel") return false; // a link named x.intel to a file of another kind
  return roots.some((r) => {
    const rel = relative(r, real);
    return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
  });
}
