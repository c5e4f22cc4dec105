// One sweep job: one arm at one seed, `intel train` then `intel eval` (and `intel sample`), each a
// child process so that a crash or an out-of-memory cannot take the worker down. Idempotent and
// resumable: a finished job has result.json and is returned as it is; a started one continues with
// `intel train --resume` from its last checkpoint (bit for bit), so a job retried after its worker
// was killed gives the numbers an uninterrupted run gives.
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, closeSync, existsSync, openSync, rmSync, writeFileSync } from "node:fs";
import { makeDirs } from "../../runtime/fs/write-file";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { packageRoot } from "../../compiler/package-root";
import { readMetric } from "../../runtime/report/compare-data";
import { PARENT_WATCH_ENV } from "./parent-watch";
import { READ_LIMITS, readTextFile } from "../../runtime/fs/read-file";

/** What a queue carries: everything a worker needs, as plain JSON. */
export interface JobData {
  key: string;
  sweep: string;
  arm: string;
  spec: string;
  /** override path → value source text */
  set: Record<string, string>;
  swept: Record<string, string>;
  seed: number;
  /** absolute run folder */
  dir: string;
  epochs?: number;
  backend: string;
  evalK: number;
  samples: number;
  metrics: string[];
}

export interface JobResult extends Pick<JobData, "key" | "arm" | "spec" | "set" | "swept" | "seed"> {
  /** the run folder, absolute (on the worker's machine) */
  dir: string;
  /** the sweep's metrics, read from eval.json (null when a metric was skipped or missing) */
  metrics: Record<string, number | null>;
  /** every metric eval.json has (the spec's evaluate block) */
  evalMetrics: Record<string, unknown>;
  backend: string;
  /** the commit the job ran at ("+changes" when tracked files other than docs differed) */
  code: string;
  host: string;
  trainSeconds: number;
  evalSeconds: number;
  wallSeconds: number;
  /** how many times training was resumed from a checkpoint */
  resumes: number;
}

const ROOT = packageRoot();
const INTEL = join(ROOT, "bin", "intel.js");
export const RESULT_FILE = "result.json";
export const JOB_FILE = "job.json";

/** Which code produced a number: HEAD, marked "+changes" when tracked files other than docs differ from it. */
export function codeVersion(): string {
  const git = (...a: string[]) => spawnSync("git", ["-C", ROOT, ...a], { encoding: "utf8" });
  const head = git("rev-parse", "--short", "HEAD").stdout.trim() || "unknown";
  // documentation edits do not change a number: only tracked files other than *.md count
  const dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)*.md").stdout.trim() !== "";
  return dirty ? `${head}+changes` : head;
}

export interface JobIo {
  /** progress lines */
  log(s: string): void;
}

export const JOB_LOG = "job.log";

/** Runs `intel ARGS` as a child that dies with this process; resolves to its exit code. */
function intel(args: string[], logFile: string): Promise<number> {
  appendFileSync(logFile, `$ intel ${args.join(" ")}\n`);
  const fd = openSync(logFile, "a");
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [INTEL, ...args], {
      stdio: ["ignore", fd, fd],
      env: { ...process.env, NO_COLOR: "1", [PARENT_WATCH_ENV]: String(process.pid) },
    });
    closeSync(fd);
    child.on("error", fail);
    child.on("exit", (code, signal) => done(code ?? (signal ? 128 + 9 : 1)));
  });
}

export class JobError extends Error {
  override readonly name = "JobError";
}

export function readResult(dir: string): JobResult | null {
  const path = join(dir, RESULT_FILE);
  return existsSync(path) ? (JSON.parse(readTextFile(path, READ_LIMITS.json, "job result")) as JobResult) : null;
}

export async function runJob(job: JobData, io: JobIo): Promise<JobResult> {
  const dir = job.dir;
  const done = readResult(dir);
  if (done) {
    io.log(`${job.key}: done earlier, kept (${dir})\n`);
    return done;
  }
  // A folder left by another job (another sweep of the same name) must not be resumed as this one.
  const what = JSON.stringify({ spec: job.spec, set: job.set, seed: job.seed, epochs: job.epochs ?? null });
  const jobFile = join(dir, JOB_FILE);
  if (existsSync(jobFile) && readTextFile(jobFile, READ_LIMITS.json, "job file") !== what + "\n") throw new JobError(`${dir} holds another job's run (its ${JOB_FILE} differs); remove it or give the sweep another out`);
  const code = codeVersion();
  const t0 = Date.now();
  const config = join(dir, "config.json");
  if (existsSync(config) && !existsSync(join(dir, "checkpoints", "last.ckpt"))) {
    io.log(`${job.key}: ${dir} has no checkpoint yet: starting it again\n`);
    rmSync(dir, { recursive: true, force: true });
  }
  const started = existsSync(config);
  if (!started) {
    makeDirs(dir); // Node's recursive mkdir spins forever under /proc
    writeFileSync(jobFile, what + "\n");
  }
  const log = join(dir, JOB_LOG);
  io.log(`${job.key}: ${started ? "resuming" : "training"} in ${dir} (children's output: ${log})\n`);
  const sets = Object.entries(job.set).flatMap(([p, v]) => ["--set", `${p}=${v}`]);
  const epochs = job.epochs ? ["--epochs", String(job.epochs)] : [];
  const rc = started
    ? await intel(["train", "--resume", dir, "--backend", job.backend], log)
    : await intel(["train", job.spec, ...sets, "--seed", String(job.seed), "--out", dir, "--backend", job.backend, ...epochs], log);
  if (rc !== 0) throw new JobError(`intel train exited with ${rc} for ${job.key}; retrying the job resumes it`);
  const t1 = Date.now();
  if ((await intel(["eval", dir, "--k", String(job.evalK), "--backend", job.backend], log)) !== 0) throw new JobError(`intel eval exited with an error for ${dir}`);
  if (job.samples > 0 && (await intel(["sample", dir, "-n", String(job.samples), "--backend", job.backend], log)) !== 0) throw new JobError(`intel sample exited with an error for ${dir}`);
  const t2 = Date.now();
  const ev = JSON.parse(readTextFile(join(dir, "eval.json"), READ_LIMITS.json, "eval file")) as { metrics?: Record<string, unknown>; splits?: Record<string, Record<string, unknown>> };
  const cfg = JSON.parse(readTextFile(config, READ_LIMITS.json, "config")) as { backend: { name: string }; resumes: unknown[] };
  const result: JobResult = {
    key: job.key,
    arm: job.arm,
    spec: job.spec,
    set: job.set,
    swept: job.swept,
    seed: job.seed,
    dir: resolve(dir),
    metrics: Object.fromEntries(job.metrics.map((m) => [m, readMetric(ev, m)])),
    evalMetrics: ev.metrics ?? {},
    backend: cfg.backend.name,
    code,
    host: hostname(),
    trainSeconds: (t1 - t0) / 1000,
    evalSeconds: (t2 - t1) / 1000,
    wallSeconds: (t2 - t0) / 1000,
    resumes: cfg.resumes.length,
  };
  writeFileSync(join(dir, RESULT_FILE), JSON.stringify(result, null, 2) + "\n");
  return result;
}
