// Expands the CLI's path arguments: files as given, directories to the .intel files below them.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

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
      out.push(p);
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
