// One finished arm of one experiment at one seed, as reproduce.json in its run folder: what the
// results table reads. Written from the sweep job's result (cli/sweep/run-job.ts does the work:
// `intel train` then `intel eval` in child processes, resumable with `intel train --resume`).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { JobResult } from "../../cli/sweep/run-job";
import { saveArm } from "./ledger";
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
  /** optimizer steps the run trained for (the last epoch line of metrics.jsonl) */
  steps?: number | null;
  /** the step of the best-validation epoch, whose checkpoint `intel eval` measures */
  bestStep?: number | null;
}

/** Optimizer steps of a run folder (the last epoch line of metrics.jsonl) and of its best-validation epoch. */
export function stepsOf(dir: string): { steps: number | null; bestStep: number | null } {
  const path = join(dir, "metrics.jsonl");
  const out = { steps: null as number | null, bestStep: null as number | null };
  if (!existsSync(path)) return out;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as { type?: string; step?: number; best?: boolean };
    if (e.type !== "epoch" || typeof e.step !== "number") continue;
    out.steps = e.step;
    if (e.best) out.bestStep = e.step;
  }
  return out;
}

export function armDone(dir: string): ArmResult | null {
  const path = join(dir, "reproduce.json");
  if (!existsSync(path)) return null;
  const r = JSON.parse(readFileSync(path, "utf8")) as ArmResult;
  return r.steps === undefined || r.bestStep === undefined ? { ...r, ...stepsOf(dir) } : r;
}

/** Records a finished sweep job as the arm's reproduce.json (`dir` as the sweep file names it) and in the ledger (ledger.ts). */
export function recordArm(dir: string, r: JobResult, ledger?: string): ArmResult {
  const result: ArmResult = { spec: r.spec, seed: r.seed, backend: r.backend, code: r.code, dir, trainSeconds: r.trainSeconds, evalSeconds: r.evalSeconds, metrics: r.evalMetrics, ...stepsOf(dir) };
  saveArm(dir, result, ledger);
  return result;
}
