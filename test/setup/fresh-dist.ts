// vitest globalSetup: rebuilds dist/ when a source is newer than it (scripts/build.mjs --if-stale),
// because emitted programs import intel-vae/support, which Node resolves through the package's own
// exports to dist/support.js (child processes: `npx tsx model.ts`) and TypeScript to dist/types
// (`intel compile --check`). --dev: the declarations re-export the sources (no 15 s tsc run).
// In-process imports of intel-vae/support take vitest's alias to the sources instead.
import { spawnSync } from "node:child_process";

export default function setup(): void {
  const r = spawnSync(process.execPath, ["scripts/build.mjs", "--if-stale", "--dev", "--quiet"], { stdio: "inherit" });
  if (r.status !== 0) throw new Error(`scripts/build.mjs --if-stale --dev failed (exit ${r.status})`);
}
