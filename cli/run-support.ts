// Shared by the run commands (train, eval, sample, encode): their dependencies (injectable, so tests
// can use a fake model), flag parsing, backend reporting, and turning user errors into messages.
import { compileFile, type CompileResult } from "../compiler/compile";
import { renderDiagnostics } from "../compiler/diagnostics/render";
import { BackendUnavailableError, selectBackend, type BackendInfo, type BackendName } from "../runtime/backend/select";
import { DataError } from "../runtime/data/dataset";
import { buildModel } from "../runtime/model/build";
import { CheckpointError } from "../runtime/run/checkpoint";
import { RunDirError } from "../runtime/run/run-dir";
import type { ModelFactory } from "../runtime/run/session";
import { TrainingDivergedError } from "../runtime/train/divergence";
import { TrainSettingsError } from "../runtime/train/optimizer";
import { UsageError, type ParsedArgs } from "./args";
import type { Io } from "./io";

export interface RunDeps {
  compile: (path: string) => CompileResult;
  buildModel: ModelFactory;
  selectBackend: (name: BackendName) => Promise<BackendInfo>;
  /** progress as one rewritten line (a terminal) or plain lines */
  tty: boolean;
  /** install SIGINT/SIGTERM handlers during training (off in in-process tests) */
  signals: boolean;
  /** where runs go without --out */
  runsRoot: string;
}

export const defaultDeps = (): RunDeps => ({
  compile: (path) => compileFile(path),
  buildModel,
  selectBackend: (name) => selectBackend(name),
  tty: Boolean(process.stdout.isTTY),
  signals: true,
  runsRoot: "runs",
});

export const BACKENDS: readonly BackendName[] = ["auto", "tensorflow-gpu", "tensorflow", "wasm", "cpu"];

export function backendFlag(args: ParsedArgs): BackendName {
  const b = args.flags.get("backend") ?? "auto";
  if (b === true || !(BACKENDS as readonly string[]).includes(b)) throw new UsageError(`--backend must be one of ${BACKENDS.join(", ")}`);
  return b as BackendName;
}

/** An integer flag ≥ min, or undefined when absent. */
export function intFlag(args: ParsedArgs, name: string, min: number): number | undefined {
  const v = args.flags.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === true || !Number.isSafeInteger(n) || n < min) throw new UsageError(`${name.length === 1 ? "-" : "--"}${name} needs an integer ≥ ${min}, got '${String(v)}'`);
  return n;
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === "string" ? v : undefined;
}

/** Selects the backend and says which it is, with the versions that make a run reproducible. */
export async function useBackend(deps: RunDeps, name: BackendName, say: (s: string) => void): Promise<BackendInfo> {
  const info = await deps.selectBackend(name);
  say(`backend: ${info.name} (${info.detail}) · tfjs ${info.tfjsVersion} · node ${process.version}\n`);
  return info;
}

/** Compiles a spec for a run; null (after printing why) when there is no IR to run. */
export function compileForRun(path: string, deps: RunDeps, io: Io): CompileResult | null {
  const r = deps.compile(path);
  const ds = r.check.diagnostics;
  if (ds.length) io.err(renderDiagnostics(ds, r.check.sources, { color: io.color }) + "\n");
  if (r.ir) return r;
  if (!ds.some((d) => d.severity === "error")) {
    io.err(`intel: ${path} checks clean but its model could not be lowered to the IR (the lowering is not available yet)\n`);
  }
  return null;
}

/** Errors that are the user's input or environment, not bugs: a message and exit 1. */
export function userError(e: unknown, io: Io, command: string): number {
  const known = [DataError, RunDirError, CheckpointError, TrainSettingsError, TrainingDivergedError, BackendUnavailableError];
  if (!known.some((k) => e instanceof k)) throw e;
  io.err(`intel ${command}: ${(e as Error).message}\n`);
  return 1;
}
