// A run directory (docs/architecture.md §3):
//
//   runs/NAME-YYYYMMDD-HHMMSS/     (or --out DIR)
//     spec.intel                   copy of the spec as it was trained
//     ir.json                      the model's IR (what every later command rebuilds the model from)
//     config.json                  backend, versions, seed, effective training settings, command, times
//     metrics.jsonl                one JSON record a line: {"type":"step"|"epoch"|"diverged", …}
//     checkpoints/last.ckpt        end of the latest epoch, or within one (checkpoint_steps,
//                                  checkpoint_minutes, or where Ctrl-C stopped it)
//     checkpoints/best.ckpt        lowest validation loss so far
//     checkpoints/epoch-NNNN.ckpt  after every `checkpointEvery` epochs
//     train.lock                   while a process trains the run (lock.ts)
//     eval.json, samples.png …     written by intel eval / sample / encode
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { kindOf, READ_LIMITS, readTextFile } from "../fs/read-file";
import { makeDirs } from "../fs/write-file";
import { isAbsolute, join, resolve } from "node:path";
import type { ModelIR, SourceRef, TrainIR } from "../../compiler/ir/types";
import type { DataFileRecord } from "../data/fingerprint";
import { validateIR, type IRIssue } from "../../compiler/ir/schema";
import { packageFile } from "../package-files";
import { writeFileAtomic } from "./atomic";

export const RUN_FILES = {
  spec: "spec.intel",
  ir: "ir.json",
  config: "config.json",
  metrics: "metrics.jsonl",
  checkpoints: "checkpoints",
  eval: "eval.json",
  /** held while a process trains the run (lock.ts) */
  lock: "train.lock",
} as const;

export interface RunConfig {
  name: string;
  /** the spec's path as given on the command line */
  spec: string | null;
  seed: number;
  backend: { name: string; detail: string };
  versions: { intelVae: string; tfjs: string; node: string };
  command: string[];
  cwd: string;
  startedAt: string;
  /** the training settings actually used (the IR's, with --epochs/--seed applied) */
  train: TrainIR;
  /** `--set PATH=VALUE` overrides (path → value), when any were given */
  overrides?: Record<string, string>;
  /** the spec's text with the overrides applied (also in spec.intel), when any were given */
  effectiveSpec?: string;
  /** each data file's size and hash when the run started (absent in runs from before they were recorded) */
  data?: DataFileRecord[];
  /** each --resume: when, from where, on which backend */
  resumes: { at: string; command: string[]; backend: string; fromEpoch: number; fromBatch: number; fromStep: number }[];
}

/** The files (and the checkpoints folder) a run cannot lose: no command's output may replace them. */
export const runOwnFiles = (dir: string): string[] =>
  [RUN_FILES.spec, RUN_FILES.ir, RUN_FILES.config, RUN_FILES.metrics, RUN_FILES.checkpoints, RUN_FILES.lock].map((f) => join(dir, f));

export const RUN_OWN_WHY = "a file the run needs (its spec, IR, config, metrics, checkpoints or lock)";

export class RunDirError extends Error {
  override readonly name = "RunDirError";
}

export function intelVaeVersion(): string {
  try {
    return (JSON.parse(readFileSync(packageFile("package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

const pad = (n: number): string => String(n).padStart(2, "0");
export const timestamp = (d: Date): string =>
  `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;

/** `root/NAME-TIMESTAMP`, with -2, -3 … when two runs start in the same second. */
export function defaultRunDir(root: string, name: string, now: Date): string {
  const base = join(root, `${name.replace(/[^A-Za-z0-9_.-]/g, "_")}-${timestamp(now)}`);
  let dir = base;
  for (let i = 2; existsSync(dir); i++) dir = `${base}-${i}`;
  return dir;
}

export const checkpointPath = (dir: string, slot: "last" | "best" | number): string =>
  join(dir, RUN_FILES.checkpoints, typeof slot === "number" ? `epoch-${String(slot).padStart(4, "0")}.ckpt` : `${slot}.ckpt`);

/** Creates the directory with spec, IR and config. Refuses a folder that already holds a run. */
export function createRunDir(dir: string, ir: ModelIR, specText: string | null, config: RunConfig): void {
  if (existsSync(join(dir, RUN_FILES.config))) throw new RunDirError(`${dir} already holds a run; use --resume ${dir} to continue it, or another --out`);
  makeDirs(join(dir, RUN_FILES.checkpoints));
  if (specText !== null) writeFileAtomic(join(dir, RUN_FILES.spec), specText);
  writeFileAtomic(join(dir, RUN_FILES.ir), JSON.stringify(ir, null, 2) + "\n");
  writeConfig(dir, config);
  writeFileAtomic(join(dir, RUN_FILES.metrics), "");
}

export function writeConfig(dir: string, config: RunConfig): void {
  writeFileAtomic(join(dir, RUN_FILES.config), JSON.stringify(config, null, 2) + "\n");
}

function readJson<T>(path: string, what: string): T {
  if (!existsSync(path)) throw new RunDirError(`${path} is missing: is this a run directory?`);
  const text = readTextFile(path, READ_LIMITS.json, what);
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new RunDirError(`${what} ${path} is not valid JSON (${(e as Error).message})`);
  }
}

export interface OpenedRun {
  dir: string;
  ir: ModelIR;
  config: RunConfig;
}

/** A run's ir.json that the IR schema refuses (IV9010): the file and each bad field. */
export class IRFileError extends RunDirError {
  constructor(
    readonly path: string,
    readonly issues: IRIssue[],
  ) {
    super(`${path}: error IV9010: this run's IR is not one this intel-vae reads:\n${issues.slice(0, 5).map((i) => `  ${i.path}: ${i.message}`).join("\n")}${issues.length > 5 ? `\n  … and ${issues.length - 5} more` : ""}\n  hint: train the run again from its spec with this version (intel train SPEC), or use the intel-vae that wrote it`);
  }
}

/** The spec's `data` line, found from here: a relative spec path was relative to the run's working folder. */
export function dataLine(run: OpenedRun): SourceRef {
  const at = run.ir.data.at;
  return isAbsolute(at.file) || existsSync(at.file) ? at : { ...at, file: resolve(run.config.cwd, at.file) };
}

export function openRunDir(dir: string): OpenedRun {
  if (!existsSync(dir)) throw new RunDirError(`no run directory at ${dir}`);
  const st = statSync(dir);
  if (!st.isDirectory()) throw new RunDirError(`${dir} is not a run directory: it is ${st.isFile() ? "a file" : kindOf(st)}`);
  const path = join(dir, RUN_FILES.ir);
  const checked = validateIR(readJson<unknown>(path, "the IR"));
  if (checked.issues) throw new IRFileError(path, checked.issues);
  return { dir, ir: checked.ir, config: readJson<RunConfig>(join(dir, RUN_FILES.config), "the config") };
}

/** Appends metrics records, one JSON line each, and counts the lines. */
export class MetricsWriter {
  private fd: number;
  lines: number;

  /** Opens `path` keeping its first `keepLines` lines (those a checkpoint accounts for). */
  constructor(readonly path: string, keepLines = 0) {
    const old = existsSync(path) ? readTextFile(path, READ_LIMITS.json, "metrics file") : "";
    const kept = old.split("\n").filter((l) => l.length > 0);
    if (kept.length < keepLines) throw new RunDirError(`${path} has ${kept.length} lines but the checkpoint expects ${keepLines}`);
    if (kept.length !== keepLines) {
      // Lines after the checkpoint come from steps that the resumed run will do again.
      writeFileAtomic(path, kept.slice(0, keepLines).map((l) => l + "\n").join(""));
    }
    this.lines = keepLines;
    this.fd = openSync(path, "a");
  }

  write(record: Record<string, unknown>): void {
    writeSync(this.fd, JSON.stringify(record) + "\n");
    this.lines++;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** Parses metrics.jsonl (skipping a torn last line from a killed process). */
export function readMetrics(path: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of readTextFile(path, READ_LIMITS.json, "metrics file").split("\n")) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      break;
    }
  }
  return out;
}
