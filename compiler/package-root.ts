// The package's root folder (the one with intel-vae's package.json), found from this module's own
// URL: the same answer from the sources (compiler/), from the bundle (dist/) and from an installed
// copy (node_modules/intel-vae/), whatever the depth of the file the code ended up in.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "intel-vae") return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error("internal error: intel-vae's package.json was not found above " + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** a path inside the package, e.g. packagePath("specs", "prelude.intel") */
export const packagePath = (...parts: string[]): string => join(packageRoot(), ...parts);
