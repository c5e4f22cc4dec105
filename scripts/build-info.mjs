// What the build bundles and how staleness is decided; shared by scripts/build.mjs and bin/intel.js.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** output name (dist/NAME.js) → source entry */
export const ENTRIES = { cli: "cli/main.ts", index: "index.ts", support: "runtime/support/index.ts" };
/** folders whose .ts (and plain .js) files are bundled */
export const SOURCE_DIRS = ["grammar", "compiler", "runtime", "cli", "lsp", "api"];
/** files outside them whose edit changes the build's output */
const SOURCE_FILES = ["index.ts", "scripts/build.mjs", "scripts/build-info.mjs", "scripts/build-native.mjs", "native/blas.c", "tsconfig.types.json"];
export const STAMP = "dist/.stamp";

function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (/\.(ts|js|mjs)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * True when dist/ is missing or older than a source file. An installed package ships dist/ without
 * the TypeScript sources, so it is never stale; in a checkout an edited source makes it stale.
 */
export function isStale(root) {
  if (!existsSync(join(root, ENTRIES.cli))) return false; // an installed copy: nothing to build from
  const stamp = join(root, STAMP);
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  const sources = [...SOURCE_DIRS, ...SOURCE_FILES].map((p) => join(root, p)).filter(existsSync);
  return sources.some((p) => (statSync(p).isDirectory() ? newestMtime(p) : statSync(p).mtimeMs) > built);
}
