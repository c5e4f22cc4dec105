// `npm run reproduce -- NAME... | all [--seeds 1,2] [--arms A,B] [--backend wasm] [--eval-k 20] [--runs DIR]
//   [--parallel N] [--queue redis://HOST:PORT] [--table-only] [--ledger DIR]`
// Runs the paper's experiments: each is a sweep file, bench/reproduce/sweeps/NAME.json (its arms,
// seeds and settings), run on the sweep machinery (cli/sweep/): locally, N jobs at a time (default
// 1), or on a BullMQ queue served by `intel worker`s. Runs land in runs/reproduce/EXPERIMENT/ARM-sSEED/;
// then docs/results.md is rewritten from every finished arm on disk and in the committed ledger
// (ledger.ts; --ledger DIR elsewhere; experiments.ts has the claims and rules). Interrupt it at any time: the same command resumes where it stopped.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { renderDiagnostics } from "../../compiler/diagnostics/render";
import { runLocal } from "../../cli/sweep/local";
import { enqueue, waitFor, type Outcome } from "../../cli/sweep/queue";
import { jobData } from "../../cli/sweep/sweep-command";
import { parseSweep } from "../../cli/sweep/sweep-file";
import type { JobData } from "../../cli/sweep/run-job";
import { EXPERIMENTS, findExperiment, sweepFile, type Experiment } from "./experiments";
import { resultsMarkdown, type ExperimentResults } from "./results-md";
import { armDone, recordArm, type ArmResult } from "./run-arm";
import { LEDGER_DIR, ledgerArm, ledgerArms } from "./ledger";
import { addFids } from "./fid-conv";
import { selectBackend } from "../../runtime/backend/select";

function parse(argv: string[]) {
  const o = { names: [] as string[], seeds: null as number[] | null, backend: null as string | null, evalK: null as number | null, runs: "runs/reproduce", out: "docs/results.md", only: false, arms: null as string[] | null, parallel: 1, queue: null as string | null, ledger: LEDGER_DIR };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--seeds") o.seeds = val().split(",").map((s) => Number.parseInt(s, 10));
    else if (a === "--backend") o.backend = val();
    else if (a === "--eval-k") o.evalK = Number.parseInt(val(), 10);
    else if (a === "--runs") o.runs = val();
    else if (a === "--out") o.out = val();
    else if (a === "--arms") o.arms = val().split(",");
    else if (a === "--parallel") o.parallel = Number.parseInt(val(), 10);
    else if (a === "--queue") o.queue = val();
    else if (a === "--table-only") o.only = true;
    else if (a === "--ledger") o.ledger = val();
    else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else o.names.push(a);
  }
  if (o.seeds?.some((s) => !Number.isInteger(s) || s < 1)) throw new Error("--seeds takes positive integers, e.g. 1,2,3");
  if (!Number.isInteger(o.parallel) || o.parallel < 1) throw new Error("--parallel takes a positive integer");
  return o;
}

/** Every finished arm of an experiment found on disk, whatever seeds earlier commands used. */
function collect(e: Experiment, runs: string, ledger = LEDGER_DIR): ExperimentResults {
  const byArm = new Map<string, ArmResult[]>();
  const dir = join(runs, e.name);
  for (const arm of e.arms) {
    // the run folders on this machine, then the ledger's arms (ledger.ts) that no folder here has
    const found = new Map<string, ArmResult>();
    if (existsSync(dir)) {
      for (const d of readdirSync(dir).sort()) {
        if (!d.startsWith(`${arm.name}-s`)) continue;
        const r = armDone(join(dir, d));
        if (r) found.set(d, r);
      }
    }
    for (const [d, r] of ledgerArms(e.name, arm.name, ledger)) if (!found.has(d)) found.set(d, { ...r, dir: join(dir, d) });
    byArm.set(arm.name, [...found.keys()].sort().map((d) => found.get(d)!));
  }
  return { experiment: e, runs: byArm };
}

/** An experiment's jobs from its sweep file, with the command line's seeds, backend, eval K, arms and runs folder. */
function experimentJobs(e: Experiment, o: ReturnType<typeof parse>): JobData[] {
  const file = sweepFile(e.name);
  const json = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  const edited = { ...json, ...(o.seeds ? { seeds: o.seeds } : {}), ...(o.backend ? { backend: o.backend } : {}), ...(o.evalK ? { eval_k: o.evalK } : {}), out: join(o.runs, e.name) };
  const text = JSON.stringify(edited);
  const parsed = parseSweep(text, file);
  if (!parsed.sweep) throw new Error(renderDiagnostics(parsed.diagnostics, new Map([[file, text]])));
  return jobData(parsed.sweep).filter((j) => !o.arms || o.arms.includes(j.arm));
}

async function main(): Promise<number> {
  let o;
  try {
    o = parse(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`reproduce: ${(e as Error).message}\n`);
    return 2;
  }
  const names = o.names.length === 0 || o.names.includes("all") ? EXPERIMENTS.map((e) => e.name) : o.names;
  const unknown = names.filter((n) => !findExperiment(n));
  if (unknown.length) {
    process.stderr.write(`reproduce: no experiment ${unknown.join(", ")}; there are: ${EXPERIMENTS.map((e) => e.name).join(", ")}, all\n`);
    return 2;
  }
  const log = (s: string) => process.stderr.write(s);
  let failed = 0;
  if (!o.only) {
    // experiment by experiment, seed by seed: every arm gets its first seed before any gets a second
    const jobs = names.flatMap((n) => experimentJobs(findExperiment(n)!, o).sort((a, b) => a.seed - b.seed));
    const todo = jobs.filter((j) => {
      if (!armDone(j.dir) && !ledgerArm(j.dir, o.ledger)) return true;
      log(`${j.dir}: done earlier, kept${armDone(j.dir) ? "" : " (bench/reproduce/ledger)"}\n`);
      return false;
    });
    const byKey = new Map(todo.map((j) => [j.key, j]));
    const onDone = (r: Outcome) => {
      const job = byKey.get(r.key)!;
      if (r.result) {
        recordArm(job.dir, r.result, o.ledger);
        log(`[${new Date().toISOString().slice(11, 19)}] ${job.sweep} / ${job.arm} / seed ${job.seed}: train ${r.result.trainSeconds.toFixed(0)} s, eval ${r.result.evalSeconds.toFixed(0)} s\n`);
      } else {
        failed++;
        log(`[${new Date().toISOString().slice(11, 19)}] ${job.sweep} / ${job.arm} / seed ${job.seed}: FAILED: ${r.failed}\n`);
      }
    };
    for (const j of todo) mkdirSync(join(j.dir, ".."), { recursive: true });
    if (o.queue) {
      await enqueue(o.queue, todo);
      log(`enqueued ${todo.length} jobs on ${o.queue}; waiting for intel workers\n`);
      await waitFor(o.queue, todo.map((j) => j.key), onDone);
    } else await runLocal(todo, o.parallel, { log }, onDone);
  }
  // Table 1's FID is measured here, after the arms have trained, on one conv classifier for every
  // experiment that reports it (kept in RUNS/table1/classifier.json)
  for (const e of o.only ? [] : EXPERIMENTS.filter((x) => x.fid && names.includes(x.name))) {
    const done = [...collect(e, o.runs, o.ledger).runs.values()].flat().map((result) => ({ dir: result.dir, result }));
    if (!done.length) continue;
    await selectBackend("wasm");
    await addFids(join(o.runs, "table1"), done, log, o.ledger);
  }
  const command = `npm run reproduce -- ${process.argv.slice(2).join(" ")}`.trim();
  const machine = `${cpus().length} CPU cores, Node ${process.version}`;
  const previous = existsSync(o.out) ? readFileSync(o.out, "utf8") : undefined;
  const md = resultsMarkdown(EXPERIMENTS.map((e) => collect(e, o.runs, o.ledger)), { command, date: new Date().toISOString().slice(0, 10), machine }, previous);
  mkdirSync(join(o.out, ".."), { recursive: true });
  writeFileSync(o.out, md + "\n");
  log(`wrote ${o.out}${failed ? `; ${failed} arm(s) failed (rerun to resume them)` : ""}\n`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
