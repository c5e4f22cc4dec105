// One arm of one experiment at one seed: `intel train` then `intel eval`, each a child process (a
// crash or an out-of-memory in one run cannot take the others down). Resumable: a finished arm
// has reproduce.json and is skipped; a started one continues with `intel train --resume`.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Metrics } from "./experiments";

export interface ArmResult {
  spec: string;
  seed: number;
  backend: string;
  /** the commit the arm ran at (with "+changes" when the tree had uncommitted changes) */
  code: string;
  dir: string;
  /** wall seconds of training and of evaluation (of the invocation that finished the arm) */
  trainSeconds: number;
  evalSeconds: number;
  metrics: Metrics;
}

const ROOT = join(import.meta.dirname, "..", "..");
const INTEL = join(ROOT, "bin", "intel.js");

/** Which code produced a number: HEAD, marked "+changes" when tracked files other than docs differ from it. */
export function codeVersion(): string {
  const git = (...a: string[]) => spawnSync("git", ["-C", ROOT, ...a], { encoding: "utf8" });
  const head = git("rev-parse", "--short", "HEAD").stdout.trim() || "unknown";
  // documentation edits do not change a number: only tracked files other than *.md count
  const dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)*.md").stdout.trim() !== "";
  return dirty ? `${head}+changes` : head;
}

function intel(args: string[], log: (s: string) => void): number {
  log(`  $ intel ${args.join(" ")}\n`);
  const r = spawnSync(process.execPath, [INTEL, ...args], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NO_COLOR: "1" } });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

export function armDone(dir: string): ArmResult | null {
  const path = join(dir, "reproduce.json");
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as ArmResult) : null;
}

export function runArm(spec: string, seed: number, dir: string, backend: string, evalK: number, log: (s: string) => void): ArmResult {
  const done = armDone(dir);
  if (done) {
    log(`  ${dir}: done earlier, kept\n`);
    return done;
  }
  const code = codeVersion();
  const t0 = Date.now();
  const started = existsSync(join(dir, "config.json"));
  const rc = started
    ? intel(["train", "--resume", dir, "--backend", backend], log)
    : intel(["train", spec, "--seed", String(seed), "--out", dir, "--backend", backend], log);
  if (rc !== 0) throw new Error(`intel train exited with ${rc} for ${spec} (seed ${seed}); rerun the same command to resume it`);
  const t1 = Date.now();
  if (intel(["eval", dir, "--k", String(evalK)], log) !== 0) throw new Error(`intel eval exited with an error for ${dir}`);
  const t2 = Date.now();
  const evaluated = JSON.parse(readFileSync(join(dir, "eval.json"), "utf8")) as { metrics: Metrics };
  const result: ArmResult = { spec, seed, backend, code, dir, trainSeconds: (t1 - t0) / 1000, evalSeconds: (t2 - t1) / 1000, metrics: evaluated.metrics };
  writeFileSync(join(dir, "reproduce.json"), JSON.stringify(result, null, 2) + "\n");
  return result;
}
