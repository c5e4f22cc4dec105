#!/usr/bin/env node
// Builds the shipped JavaScript: one esbuild bundle per entry (the CLI, the public API, the support
// module emitted programs import), code-split so that `intel check` never loads tfjs, dependencies
// left as imports; and the type declarations of the two typed entries (dist/types, tsc with
// tsconfig.types.json). Then writes dist/.stamp, which bin/intel.js compares with the sources' mtimes.
// `--if-stale` skips the build when the stamp is newer than every source (the test run uses it).
// `--dev` writes declarations that re-export the sources instead of running tsc (~15 s of CPU):
// valid only inside this checkout, for the tests; npm ci / npm pack (`prepare`) build the real ones.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { ENTRIES, isStale, SOURCE_DIRS, STAMP } from "./build-info.mjs";
import { buildNative } from "./build-native.mjs";

// Dependencies stay imports, except the parser library: chevrotain loads lodash-es as hundreds of
// small modules (~0.3 s at every start), bundled they load as one.
const BUNDLED = /^(chevrotain|@chevrotain\/|lodash-es)/;
const externalExceptParser = {
  name: "external-except-parser",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (a) => (BUNDLED.test(a.path) ? undefined : { path: a.path, external: true }));
  },
};

/** the entries package.json's exports give types for: source → dist/types/… .d.ts */
const TYPED = ["index.ts", "runtime/support/index.ts"];
/** hand-written declarations of plain-JS sources that the typed entries import */
const HAND_WRITTEN = ["runtime/export/plain-model.d.ts"];

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dev = process.argv.includes("--dev");
if (process.argv.includes("--if-stale") && !isStale(root)) process.exit(0);

const started = Date.now();
// built beside dist/ and then moved in place, so that two builds at once (two test runs) never
// write into one folder, and a reader never sees half a build
const out = join(root, `.dist-${process.pid}`);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
process.on("exit", () => rmSync(out, { recursive: true, force: true })); // a failed build leaves nothing
await Promise.all([
  build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).filter(([, src]) => existsSync(join(root, src)))),
    outdir: out,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    plugins: [externalExceptParser],
    sourcemap: true,
    logLevel: "warning",
  }),
  dev ? sourceDeclarations() : declarations(),
]);
const nativeSkipped = buildNative(root, out);
writeFileSync(join(out, relative("dist", STAMP)), `${JSON.stringify({ built: new Date().toISOString(), sources: SOURCE_DIRS, types: dev ? "sources" : "tsc" })}\n`);
rmSync(join(root, "dist"), { recursive: true, force: true });
try {
  renameSync(out, join(root, "dist"));
} catch (e) {
  // a build running at the same time put its dist/ in place between the two calls: keep that one
  if (e.code !== "ENOTEMPTY" && e.code !== "EEXIST") throw e;
}
if (!process.argv.includes("--quiet")) console.log(`built dist/ in ${Date.now() - started} ms${dev ? " (declarations re-export the sources)" : ""}`);
if (nativeSkipped) console.log(`note: the optional OpenBLAS matmul addon was not built: ${nativeSkipped} (INTEL_MATMUL=openblas needs it; nothing else does)`);

/** tsc's declarations, their relative imports given explicit .js paths (so that they resolve under moduleResolution node16/nodenext too). */
async function declarations() {
  const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
  const types = join(out, "types");
  const code = await new Promise((done) => spawn(process.execPath, [tsc, "-p", join(root, "tsconfig.types.json"), "--outDir", types], { stdio: "inherit" }).on("exit", done));
  if (code !== 0) throw new Error(`tsc -p tsconfig.types.json failed (exit ${code})`);
  for (const f of HAND_WRITTEN) writeFileSync(join(types, f), readFileSync(join(root, f)));
  for (const f of filesUnder(types)) writeFileSync(f, withJsExtensions(f, readFileSync(f, "utf8")));
}

/** `from "./x"` → `from "./x.js"` (or "./x/index.js"), for each relative specifier that names a declaration file. */
function withJsExtensions(file, text) {
  return text.replace(/((?:from|import)\s*\(?\s*)"(\.{1,2}\/[^"]*)"/g, (all, head, spec) => {
    if (/\.(js|mjs|cjs)$/.test(spec)) return all;
    const base = join(dirname(file), spec);
    if (existsSync(`${base}.d.ts`)) return `${head}"${spec}.js"`;
    if (existsSync(join(base, "index.d.ts"))) return `${head}"${spec}/index.js"`;
    return all;
  });
}

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith(".d.ts") ? [join(dir, e.name)] : []));
}

/** --dev: each typed entry's declaration re-exports its source. */
async function sourceDeclarations() {
  for (const src of TYPED) {
    // written at its final depth (dist/types/…), from where the re-export's relative path holds
    const at = join(out, "types", src.replace(/\.ts$/, ".d.ts"));
    mkdirSync(dirname(at), { recursive: true });
    const spec = relative(dirname(join(root, "dist/types", src)), join(root, src.replace(/\.ts$/, ""))).split("\\").join("/");
    writeFileSync(at, `// --dev build: the sources' own types (valid only inside the checkout)\nexport * from "${spec}";\n`);
  }
}
