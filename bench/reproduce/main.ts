// `npm run reproduce -- NAME... | all [--seeds 1,2] [--arms A,B] [--backend wasm] [--eval-k 20] [--runs DIR] [--table-only]`
// Runs the paper's experiments (bench/reproduce/experiments.ts) arm by arm and seed by seed into
// runs/reproduce/EXPERIMENT/ARM-sSEED/, then rewrites docs/results.md from every finished arm on
// disk. Interrupt it at any time: the same command resumes where it stopped.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { EXPERIMENTS, findExperiment, type Experiment } from "./experiments";
import { resultsMarkdown, type ExperimentResults } from "./results-md";
import { armDone, runArm, type ArmResult } from "./run-arm";

function parse(argv: string[]) {
  const o = { names: [] as string[], seeds: [1, 2], backend: "wasm", evalK: 20, runs: "runs/reproduce", out: "docs/results.md", only: false, arms: null as string[] | null };
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
    else if (a === "--table-only") o.only = true;
    else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else o.names.push(a);
  }
  if (o.seeds.some((s) => !Number.isInteger(s) || s < 1)) throw new Error("--seeds takes positive integers, e.g. 1,2,3");
  return o;
}

/** Every finished arm of an experiment found on disk, whatever seeds earlier commands used. */
function collect(e: Experiment, runs: string): ExperimentResults {
  const byArm = new Map<string, ArmResult[]>();
  const dir = join(runs, e.name);
  for (const arm of e.arms) {
    const found: ArmResult[] = [];
    if (existsSync(dir)) {
      for (const d of readdirSync(dir).sort()) {
        if (!d.startsWith(`${arm.name}-s`)) continue;
        const r = armDone(join(dir, d));
        if (r) found.push(r);
      }
    }
    byArm.set(arm.name, found);
  }
  return { experiment: e, runs: byArm };
}

function main(): number {
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
    for (const name of names) {
      const e = findExperiment(name)!;
      for (const seed of o.seeds) {
        for (const arm of e.arms) {
          if (o.arms && !o.arms.includes(arm.name)) continue;
          const dir = join(o.runs, e.name, `${arm.name}-s${seed}`);
          mkdirSync(join(o.runs, e.name), { recursive: true });
          log(`[${new Date().toISOString().slice(11, 19)}] ${e.name} / ${arm.name} / seed ${seed}\n`);
          try {
            const r = runArm(arm.spec, seed, dir, o.backend, o.evalK, log);
            log(`  train ${r.trainSeconds.toFixed(0)} s, eval ${r.evalSeconds.toFixed(0)} s\n`);
          } catch (err) {
            failed++;
            log(`  FAILED: ${(err as Error).message}\n`);
          }
        }
      }
    }
  }
  const command = `npm run reproduce -- ${process.argv.slice(2).join(" ")}`.trim();
  const machine = `${cpus().length} CPU cores, Node ${process.version}`;
  const md = resultsMarkdown(EXPERIMENTS.map((e) => collect(e, o.runs)), { command, date: new Date().toISOString().slice(0, 10), machine });
  mkdirSync(join(o.out, ".."), { recursive: true });
  writeFileSync(o.out, md + "\n");
  log(`wrote ${o.out}${failed ? `; ${failed} arm(s) failed (rerun to resume them)` : ""}\n`);
  return failed ? 1 : 0;
}

process.exitCode = main();
