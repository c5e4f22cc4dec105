// vitest globalSetup: rebuilds dist/ when a source is newer than it (scripts/build.mjs --if-stale),
// because emitted programs import intel-vae/support, which `intel compile --check` resolves through
// the package's own exports to dist/types, and a child process run by plain node to dist/support.js.
// --dev: the declarations re-export the sources (no 15 s tsc run). In-process imports take vitest's
// alias to the sources, and tsx (`npx tsx model.ts`) tsconfig.json's paths.
import { spawnSync } from "node:child_process";

export default function setup(): void {
  const r = spawnSync(process.execPath, ["scripts/build.mjs", "--if-stale", "--dev", "--quiet"], { stdio: "inherit" });
  if (r.status !== 0) throw new Error(`scripts/build.mjs --if-stale --dev failed (exit ${r.status})`);
}
