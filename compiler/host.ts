// Where the compiler reads files from. The CLI uses the disk; editors and tests pass their own.
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { packagePath } from "./package-root";

/** The prelude ships with the compiler: `import "prelude"` names it. */
export const PRELUDE_PATH = packagePath("specs", "prelude.intel");

export interface FileHost {
  /** the file's text, or undefined when it does not exist or cannot be read (then `readError` says why) */
  read(absPath: string): string | undefined;
  readError?(absPath: string): string | undefined;
  exists(absPath: string): boolean;
  /** the name shown in diagnostics (relative to the working directory when inside it) */
  display(absPath: string): string;
  /** absolute path of the file */
  absolute(path: string): string;
}

export function diskHost(cwd: string = process.cwd()): FileHost {
  const errors = new Map<string, string>();
  return {
    read(p) {
      try {
        return readFileSync(p, "utf8");
      } catch (e) {
        errors.set(p, (e as NodeJS.ErrnoException).code ?? String(e));
        return undefined;
      }
    },
    readError: (p) => errors.get(p),
    exists: (p) => existsSync(p),
    display(p) {
      const r = relative(cwd, p);
      return r && !r.startsWith("..") && !isAbsolute(r) ? r : p;
    },
    absolute: (p) => resolve(cwd, p),
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
  };
}

/** Resolves an import path as written to an absolute path: "prelude", or relative to the importer. */
export function resolveImport(host: FileHost, importer: string, path: string): string {
  if (path === "prelude") return PRELUDE_PATH;
  const base = resolve(dirname(importer), path);
  if (!base.endsWith(".intel") && !host.exists(base)) return base + ".intel";
  return base;
}
