// Files that ship with intel-vae (its package.json, the explore page's scripts), found through Node's
// package self-reference: the same answer from the sources, the bundle in dist/ and an installed
// copy, whatever the depth of the module the code ended up in. (The compiler has its own
// packageRoot(): the runtime reads nothing of the compiler but the IR.)
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

let root: string | undefined;

/** a path inside the package, e.g. packageFile("package.json") */
export function packageFile(...parts: string[]): string {
  root ??= dirname(createRequire(import.meta.url).resolve("intel-vae/package.json"));
  return join(root, ...parts);
}
