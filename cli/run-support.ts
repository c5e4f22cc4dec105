// Shared by the run commands (train, eval, sample, encode): their dependencies (injectable, so tests
// can use a fake model), flag parsing, backend reporting, and turning user errors into messages.
import { compileFile, type CompileResult } from "../compiler/compile";
import { renderDiagnostics } from "../compiler/diagnostics/render";
import { checkFile } from "../compiler/check";
import { compileWithOverrides, overridesFromArgs, type OverrideCompile } from "../compiler/overrides/compile";
import { BACKEND_NAMES, selectBackend, type BackendInfo, type BackendName } from "../runtime/backend/select";
import { DataError } from "../runtime/data/dataset";
import { isUserError } from "../runtime/run/user-errors";
import { renderDataError } from "./data-diagnostic";
import { buildModel } from "../runtime/model/build";
import type { ModelFactory } from "../runtime/run/session";
import { UsageError, type ParsedArgs } from "./args";
import type { Dataset } from "../runtime/data/dataset";
import { computeMetric, FROM_SPLIT } from "../runtime/metrics/evaluate";
import type { Classifier } from "../runtime/metrics/classifier";
import { runData, type LoadedRun, type SplitEvaluation } from "../runtime/run/inference";
import type { Io } from "./io";
import type { ProgressSink } from "../runtime/train/progress";
import { environmentMessage } from "../runtime/fs/env-error";

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

export const BACKENDS: readonly BackendName[] = BACKEND_NAMES;

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
    io.err(`intel: internal error: ${path} checks clean but lowering produced no IR and no diagnostic (a bug in intel-vae; please report it)\n`);
  }
  return null;
}

/** Compiles a spec with `--set` overrides; null (after printing why) when there is no IR to run. */
export function compileOverridden(path: string, sets: readonly string[], io: Io): (OverrideCompile & { effectiveText: string }) | null {
  const parsed = overridesFromArgs(sets);
  const r: OverrideCompile = parsed.diagnostics.length ? { check: { ...checkFile(path), diagnostics: parsed.diagnostics, sources: parsed.sources }, effectiveText: null, applied: {} } : compileWithOverrides(path, parsed.overrides, parsed.sources);
  const ds = r.check.diagnostics;
  if (ds.length) io.err(renderDiagnostics(ds, r.check.sources, { color: io.color }) + "\n");
  return r.ir && r.effectiveText !== null ? (r as OverrideCompile & { effectiveText: string }) : null;
}

/** Errors that are the user's input or environment, not bugs: a message and exit 1. */
export function userError(e: unknown, io: Io, command: string): number {

  const env = environmentMessage(e);
  if (env) {
    io.err(`intel ${command}: ${env}\n`);
    return 1;
  }
  if (!isUserError(e)) throw e;
  const rendered = e instanceof DataError ? renderDataError(e, io.color) : undefined;
  if (rendered) io.err(rendered);
  else io.err(`intel ${command}: ${(e as Error).message}\n`);
  return 1;
}

/**
 * The IR's `evaluate { … }` metrics on the test split (`test`), keyed by metric name (a repeated name
 * gets "#2", "#3"…): elbo, kl and recon_error come from the split's evaluation; the others from
 * runtime/metrics. Progress goes to stderr; a metric that fails reports { error } without losing the others.
 */
export function evaluateMetrics(run: LoadedRun, test: Dataset, split: SplitEvaluation, io: Io, progress?: ProgressSink): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const cache = new Map<string, Classifier>();
  let train: Dataset | null = null;
  for (const m of run.ir.evaluate) {
    let key = m.name;
    for (let i = 2; key in out; i++) key = `${m.name}#${i}`;
    io.err(`metric ${key}\n`);
    if (FROM_SPLIT.has(m.name)) {
      const kind = typeof m.args.kind === "string" ? m.args.kind : "nll";
      out[key] =
        m.name === "elbo" ? { value: -split.elbo } : m.name === "kl" ? { value: split.kl } : kind === "mse" ? { value: split.recon_mse, kind } : kind === "nll" ? { value: split.recon, kind, note: "−E_q[log p(x | g(y))], one sample of y" } : { skipped: `recon_error kind "${kind}" is not implemented (nll, mse)` };
      continue;
    }
    try {
      train ??= runData(run, "train")!;
      const v = computeMetric(m, { model: run.model, train, test, seed: run.config.train.seed, batch: run.config.train.batch, log: io.err, ...(progress ? { progress } : {}) }, cache);
      out[key] = v ?? { skipped: `unknown metric ${m.name}` };
    } catch (e) {
      if (e instanceof DataError) throw e;
      out[key] = { error: (e as Error).message };
    }
  }
  return out;
}
