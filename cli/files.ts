// Expands the CLI's path arguments: files as given, directories to the .intel files below them.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { FileError } from "../runtime/fs/read-file";

/**
 * A spec named on the command line must be a .intel file: intel-vae reads only specs, so no
 * diagnostic ever quotes another file (`intel check /etc/passwd`). A missing file is left to the reader.
 */
export function requireSpecName(path: string): string {
  if (!path.endsWith(".intel") && existsSync(path) && !statSync(path).isDirectory()) {
    throw new FileError(`${path} is not a spec: intel reads only .intel files`, path, "kind");
  }
  return path;
}

export function expandSpecPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      // a missing file is reported by the checker, with the others
    }
    if (!isDir) {
      out.push(requireSpecName(p));
      continue;
    }
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const full = join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (e.name.endsWith(".intel")) out.push(full);
      }
    };
    walk(p);
  }
  return out;
}
