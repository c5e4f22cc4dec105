#!/usr/bin/env node
// Builds the shipped JavaScript: one esbuild bundle per entry (the CLI, the public API, the support
// module emitted programs import), code-split so that `intel check` never loads tfjs, dependencies
// left as imports. Then writes dist/.stamp, which bin/intel.js compares with the sources' mtimes.
// `--if-stale` skips the build when the stamp is newer than every source (npm test uses it).
import { build } from "esbuild";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ENTRIES, isStale, SOURCE_DIRS, STAMP } from "./build-info.mjs";

// Dependencies stay imports, except the parser library: chevrotain loads lodash-es as hundreds of
// small modules (~0.3 s at every start), bundled they load as one.
const BUNDLED = /^(chevrotain|@chevrotain\/|lodash-es)/;
const externalExceptParser = {
  name: "external-except-parser",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (a) => (BUNDLED.test(a.path) ? undefined : { path: a.path, external: true }));
  },
};

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (process.argv.includes("--if-stale") && !isStale(root)) process.exit(0);

const started = Date.now();
rmSync(join(root, "dist"), { recursive: true, force: true });
mkdirSync(join(root, "dist"), { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: Object.fromEntries(Object.entries(ENTRIES).filter(([, src]) => existsSync(join(root, src)))),
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  plugins: [externalExceptParser],
  sourcemap: true,
  logLevel: "warning",
});
writeFileSync(join(root, STAMP), `${JSON.stringify({ built: new Date().toISOString(), sources: SOURCE_DIRS })}\n`);
if (!process.argv.includes("--quiet")) console.log(`built dist/ in ${Date.now() - started} ms`);
