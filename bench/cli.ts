// Process wall time of the `intel` command, as a user waits for it: `intel help` and `intel check` of
// the largest spec, from the built bundle (dist/, what bin/intel.js runs after `npm ci`) and from the
// TypeScript sources through tsx (INTEL_FROM_SOURCE=1: how every call started before the build).
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");

function largestSpec(): string {
  const specs = ["specs/examples", "specs/paper"].flatMap((d) => readdirSync(join(ROOT, d)).filter((f) => f.endsWith(".intel")).map((f) => `${d}/${f}`));
  return specs.map((f) => [f, readFileSync(join(ROOT, f), "utf8").length] as const).sort((a, b) => b[1] - a[1])[0]![0];
}

function wall(args: string[], fromSource: boolean, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [join(ROOT, "bin/intel.js"), ...args], {
      cwd: ROOT, encoding: "utf8", env: { ...process.env, ...(fromSource ? { INTEL_FROM_SOURCE: "1" } : {}) },
    });
    if (r.status !== 0 && !(args[0] === "check" && r.status === 1)) throw new Error(`intel ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

export function benchCli(runs = 5): Record<string, number> {
  // --dev: the bundle is what is timed; the declarations' tsc run is not needed for it
  const build = spawnSync(process.execPath, [join(ROOT, "scripts/build.mjs"), "--if-stale", "--dev"], { cwd: ROOT, stdio: "inherit" });
  if (build.status !== 0) throw new Error("npm run build failed");
  const spec = largestSpec();
  const out: Record<string, number> = {};
  for (const [name, args] of [["help", ["help"]], [`check ${spec}`, ["check", spec]]] as const) {
    const built = wall([...args], false, runs);
    const source = wall([...args], true, runs);
    out[`${name} (built)`] = built;
    out[`${name} (tsx)`] = source;
    console.log(`  intel ${name.padEnd(44)} built ${built.toFixed(0).padStart(5)} ms   tsx ${source.toFixed(0).padStart(5)} ms   ${(source / built).toFixed(1)}× faster (median of ${runs} processes)`);
  }
  // (bench/run.ts prints the load before; wall time on a shared machine depends on it)
  console.log(`  load average after: ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${cpus().length} cores`);
  return out;
}
