#!/usr/bin/env node
// Entry point for `intel`: runs the built bundle (dist/cli.js, made by `npm run build`, which
// `npm ci` runs through `prepare`). In a checkout whose sources are newer than the build, it runs
// the TypeScript sources through tsx instead (slower to start, never stale); so does
// INTEL_FROM_SOURCE=1.
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isStale } from "../scripts/build-info.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
let main;
if (!process.env.INTEL_FROM_SOURCE && !isStale(root)) {
  ({ main } = await import(pathToFileURL(join(root, "dist/cli.js")).href));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../cli/main.ts"));
}
process.exitCode = await main(process.argv.slice(2));
