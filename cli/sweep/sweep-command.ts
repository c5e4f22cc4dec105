// `intel sweep FILE [--dry-run] [--queue redis://HOST:PORT [--no-wait]] [--parallel N]`
// Reads a sweep file, checks every arm's overrides with the compiler, then runs the jobs: locally,
// N child processes at a time (the default), or on a BullMQ queue that `intel worker`s serve. The
// results go to OUT/sweep.json (one entry per job), which `intel compare OUT` reads.
import { join } from "node:path";
import { sortDiagnostics, hasErrors, type Diagnostic } from "../../compiler/diagnostics/diagnostic";
import { renderDiagnostics, summary } from "../../compiler/diagnostics/render";
import { compileWithOverrides } from "../../compiler/overrides/compile";
import { writeFileAtomic } from "../../runtime/run/atomic";
import { meanStd } from "../../runtime/report/stats";
import { parseArgs, UsageError } from "../args";
import type { Io } from "../io";
import { intFlag, stringFlag } from "../run-support";
import { runLocal } from "./local";
import { enqueue, waitFor, type Outcome } from "./queue";
import type { JobData, JobResult } from "./run-job";
import { parseSweep, type Sweep } from "./sweep-file";
import { FileError, READ_LIMITS, readTextFile } from "../../runtime/fs/read-file";

export const SWEEP_RESULTS = "sweep.json";

export interface SweepSummary {
  name: string;
  file: string;
  sweptPaths: string[];
  metrics: string[];
  arms: { id: string; name: string; spec: string; set: Record<string, string>; swept: Record<string, string> }[];
  results: JobResult[];
  failed: { key: string; reason: string }[];
}

/** Reads, expands and checks a sweep file: the sweep, or null after printing its diagnostics. */
export function loadSweep(file: string, io: Io): Sweep | null {
  let text: string;
  try {
    text = readTextFile(file, READ_LIMITS.json, "sweep file");
  } catch (e) {
    io.err(e instanceof FileError ? `intel sweep: ${e.message}\n` : `intel sweep: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})\n`);
    return null;
  }
  const sources = new Map([[file, text]]);
  const parsed = parseSweep(text, file);
  const ds: Diagnostic[] = [...parsed.diagnostics];
  let all = new Map(sources);
  if (parsed.sweep) {
    // each distinct (spec, overrides) once: a bad path in the grid is one diagnostic, not one per arm
    const seen = new Set<string>();
    for (const arm of parsed.sweep.arms) {
      const key = JSON.stringify([arm.spec, arm.set]);
      if (seen.has(key)) continue;
      seen.add(key);
      const r = compileWithOverrides(arm.spec, arm.overrides, sources);
      ds.push(...r.check.diagnostics.filter((d) => d.severity !== "info"));
      all = new Map([...all, ...r.check.sources]);
    }
  }
  const sorted = sortDiagnostics(ds);
  if (sorted.length) io.err(renderDiagnostics(sorted, all, { color: io.color }) + `-- ${summary(sorted)}\n`);
  return hasErrors(sorted) ? null : parsed.sweep;
}

export function jobData(sweep: Sweep): JobData[] {
  return sweep.jobs.map((j) => ({
    key: j.key,
    sweep: sweep.name,
    arm: j.arm.id,
    spec: j.arm.spec,
    set: j.arm.set,
    swept: j.arm.swept,
    seed: j.seed,
    dir: j.dir,
    ...(sweep.epochs ? { epochs: sweep.epochs } : {}),
    backend: sweep.backend,
    evalK: sweep.evalK,
    samples: sweep.samples,
    metrics: sweep.metrics,
  }));
}

const cell = (xs: number[]) => {
  if (!xs.length) return "n/a";
  const { mean, std } = meanStd(xs);
  return xs.length > 1 ? `${mean.toPrecision(4)} ± ${std.toPrecision(2)}` : mean.toPrecision(4);
};

export function summaryOf(sweep: Sweep, outcomes: Outcome[]): SweepSummary {
  return {
    name: sweep.name,
    file: sweep.file,
    sweptPaths: sweep.sweptPaths,
    metrics: sweep.metrics,
    arms: sweep.arms.map((a) => ({ id: a.id, name: a.name, spec: a.spec, set: a.set, swept: a.swept })),
    results: outcomes.filter((o) => o.result).map((o) => o.result!),
    failed: outcomes.filter((o) => !o.result).map((o) => ({ key: o.key, reason: o.failed ?? "unknown" })),
  };
}

export async function sweepCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ["queue", "parallel", "timeout"], ["dry-run", "no-wait"]);
  if (args.positionals.length !== 1) throw new UsageError("needs exactly one sweep file");
  const file = args.positionals[0]!;
  const queue = stringFlag(args, "queue");
  const parallel = intFlag(args, "parallel", 1) ?? 2;
  const timeout = intFlag(args, "timeout", 1);
  if (args.flags.has("no-wait") && !queue) throw new UsageError("--no-wait needs --queue");
  const sweep = loadSweep(file, io);
  if (!sweep) return 1;

  io.out(`sweep ${sweep.name}: ${sweep.arms.length} arms × ${sweep.seeds.length} seed(s) = ${sweep.jobs.length} jobs, into ${sweep.out}\n`);
  sweep.arms.forEach((a, i) => {
    const set = Object.entries(a.set).map(([p, v]) => `${p}=${v}`).join(" ");
    io.out(`  ${String(i + 1).padStart(3)}. ${a.id}  ${a.spec}${set ? `  ${set}` : ""}\n`);
  });
  if (args.flags.has("dry-run")) return 0;

  const jobs = jobData(sweep);
  const log = (s: string) => io.err(s);
  let finished = 0;
  const onDone = (o: Outcome) => {
    finished++;
    const what = o.result ? Object.entries(o.result.metrics).map(([k, v]) => `${k} ${v === null ? "n/a" : v.toPrecision(5)}`).join(", ") : `FAILED: ${o.failed}`;
    io.err(`[${finished}/${jobs.length}] ${o.key}: ${what}\n`);
  };
  let outcomes: Outcome[];
  if (queue) {
    await enqueue(queue, jobs);
    io.out(`enqueued ${jobs.length} jobs on ${queue}${args.flags.has("no-wait") ? "; start workers with: intel worker --queue " + queue : ""}\n`);
    if (args.flags.has("no-wait")) return 0;
    outcomes = await waitFor(queue, jobs.map((j) => j.key), onDone, timeout ? { timeoutMs: timeout * 1000 } : {});
  } else {
    outcomes = await runLocal(jobs, parallel, { log }, onDone);
  }
  const s = summaryOf(sweep, outcomes);
  const path = join(sweep.out, SWEEP_RESULTS);
  writeFileAtomic(path, JSON.stringify(s, null, 2) + "\n");
  io.out(`\n| arm | seeds | ${sweep.metrics.join(" | ")} |\n|---|---|${sweep.metrics.map(() => "---|").join("")}\n`);
  for (const a of sweep.arms) {
    const rs = s.results.filter((r) => r.arm === a.id);
    io.out(`| ${a.id} | ${rs.map((r) => r.seed).join(", ") || "none"} | ${sweep.metrics.map((m) => cell(rs.map((r) => r.metrics[m]).filter((v): v is number => typeof v === "number"))).join(" | ")} |\n`);
  }
  io.out(`\nresults: ${path}${s.failed.length ? ` (${s.failed.length} job(s) failed; run the sweep again to retry them)` : ""}\ncompare: intel compare ${sweep.out}\n`);
  return s.failed.length ? 1 : 0;
}
