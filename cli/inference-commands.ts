// `intel eval RUN`, `intel sample RUN`, `intel encode RUN`: use a trained run's checkpoint.
// Each rebuilds the model from RUN/ir.json and loads RUN/checkpoints/best.ckpt (else last.ckpt;
// --checkpoint last|best|PATH picks another).
import { extname, join } from "node:path";
import { writeFileAtomic } from "../runtime/run/atomic";
import { drawSamples, encodeData, evaluateSplit, loadTrainedRun, readerWarnings, runData, type DataRole, type LoadedRun, type SplitEvaluation } from "../runtime/run/inference";
import { imageGridPng, imageLayout } from "../runtime/run/outputs";
import { dataLine, RUN_FILES, RUN_OWN_WHY, runOwnFiles } from "../runtime/run/run-dir";
import { checkOutputPath } from "../runtime/fs/write-file";
import { environmentMessage } from "../runtime/fs/env-error";
import { arrayFormat, writeArray, type ArrayFormat } from "./array-output";
import { subset, type Dataset } from "../runtime/data/dataset";
import { evaluateMetrics } from "./run-support";
import { renderDataError } from "./data-diagnostic";
import { DataError } from "../runtime/data/dataset";
import { deriveSeed } from "../runtime/random/seeds";
import { parseArgs, UsageError, type ParsedArgs } from "./args";
import type { Io } from "./io";
import type { ProgressSink } from "../runtime/train/progress";
import { backendFlag, defaultDeps, intFlag, stringFlag, useBackend, userError, type RunDeps } from "./run-support";

export interface InferenceSpec<O> {
  name: string;
  valued: string[];
  booleans?: string[];
  /** flags → options; usage errors surface before any work */
  parse(args: ParsedArgs): O;
  run(run: LoadedRun, o: O, io: Io, tty: boolean): number | Promise<number>;
}

/** The shared frame: arguments, backend, run and checkpoint, user errors, disposal. */
export function inferenceCommand<O>(spec: InferenceSpec<O>, overrides: Partial<RunDeps>) {
  return async (argv: readonly string[], io: Io): Promise<number> => {
    const deps = { ...defaultDeps(), ...overrides };
    const args = parseArgs(argv, ["backend", "checkpoint", ...spec.valued], spec.booleans ?? []);
    if (args.positionals.length !== 1) throw new UsageError("needs exactly one run directory");
    const backend = backendFlag(args);
    const options = spec.parse(args);
    let run: LoadedRun | undefined;
    try {
      await useBackend(deps, backend, io.err);
      run = await loadTrainedRun(args.positionals[0]!, deps.buildModel, stringFlag(args, "checkpoint") ?? "best");
      for (const w of readerWarnings(run)) io.err(`intel ${spec.name}: ${w}\n`);
      if (run.dataChanges.length) io.err(dataChangedWarning(run, io.color));
      io.err(`checkpoint: ${run.checkpointPath} (epoch ${run.checkpoint.state.epoch}, step ${run.checkpoint.state.step})\n`);
      return await spec.run(run, options, io, deps.tty);
    } catch (e) {
      return userError(e, io, spec.name);
    } finally {
      run?.model.dispose();
    }
  };
}

/** Progress of long evaluation work goes to stderr, beside the other messages (stdout holds the JSON). */
const progressSink = (io: Io, tty: boolean): ProgressSink => ({ write: io.err, tty, columns: process.stderr.columns });
/** IV6011 at the spec's data line: evaluation goes on, on the data as it is now. */
function dataChangedWarning(run: LoadedRun, color: boolean): string {
  const e = new DataError(`the data changed since the run was trained: ${run.dataChanges.join("; ")}; the results are for the data as it is now`, "IV6011", dataLine(run));
  return renderDataError(e, color) ?? `intel: warning: ${e.message}\n`;
}

/** An output must not replace what the run needs; another existing file needs --force. */
export function checkRunOutput(run: { dir: string }, path: string, isDefault: boolean, force: boolean): void {
  checkOutputPath(path, { keep: { paths: runOwnFiles(run.dir), why: RUN_OWN_WHY }, isDefault, force });
}

const ROLES: readonly DataRole[] = ["train", "validation", "test"];
function roleFlag(args: ParsedArgs, name: string, fallback: DataRole): DataRole {
  const v = stringFlag(args, name) ?? fallback;
  if (!(ROLES as readonly string[]).includes(v)) throw new UsageError(`--${name} must be train, validation or test`);
  return v as DataRole;
}

export function makeEvalCommand(overrides: Partial<RunDeps> = {}) {
  return inferenceCommand(
    {
      name: "eval",
      valued: ["k", "limit"],
      parse: (args) => ({ k: intFlag(args, "k", 1) ?? 500, limit: intFlag(args, "limit", 1) }),
      run(run, { k, limit }, io, tty) {
        const splits: Record<string, SplitEvaluation> = {};
        let testData: Dataset | null = null;
        (["validation", "test"] as const).forEach((role, slot) => {
          let ds = runData(run, role);
          if (!ds) return;
          if (limit !== undefined && limit < ds.n) ds = subset(ds, Array.from({ length: limit }, (_, i) => i));
          if (role === "test") testData = ds;
          io.err(`evaluating ${role}: ${ds.n} datapoints, IWAE with K = ${k}\n`);
          splits[role] = evaluateSplit(run.model, ds, { k, batch: run.config.train.batch, seed: run.config.train.seed, slot, progress: progressSink(io, tty), label: role, constraint: run.checkpoint.state.constraint });
        });
        const metrics = testData && splits.test ? evaluateMetrics(run, testData, splits.test, io, progressSink(io, tty)) : {};
        const checkpoint = { path: run.checkpointPath, epoch: run.checkpoint.state.epoch, step: run.checkpoint.state.step };
        const json = JSON.stringify({ run: run.dir, checkpoint, k, splits, metrics }, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2) + "\n";
        // a read-only run (an archive, another user's) still gets its results printed
        try {
          writeFileAtomic(join(run.dir, RUN_FILES.eval), json);
        } catch (e) {
          const env = environmentMessage(e);
          if (!env) throw e;
          io.err(`intel eval: warning: results not saved: ${env}\n`);
        }
        io.out(json);
        return 0;
      },
    },
    overrides,
  );
}

export function makeSampleCommand(overrides: Partial<RunDeps> = {}) {
  return inferenceCommand(
    {
      name: "sample",
      valued: ["n", "o", "seed"],
      booleans: ["force"],
      parse: (args) => {
        const out = stringFlag(args, "o");
        return { n: intFlag(args, "n", 1) ?? 64, out, seed: intFlag(args, "seed", 1), force: args.flags.has("force") };
      },
      run(run, o, io) {
        const layout = imageLayout(run.ir.data);
        let out = o.out ?? join(run.dir, layout ? "samples.png" : "samples.csv");
        if (!layout && extname(out).toLowerCase() === ".png") out = out.slice(0, -4) + ".csv";
        checkRunOutput(run, out, o.out === undefined, o.force); // before the format: a run's own file is the first thing to say
        const format = o.out === undefined ? undefined : arrayFormat(o.out, [".png"]);
        const values = drawSamples(run.model, o.n, o.seed ?? deriveSeed(run.config.train.seed, "sample", 0));
        if (format === "npy") writeArray(out, "npy", values, o.n, run.ir.data.shape, "x");
        else if (layout && format !== "csv") writeFileAtomic(out, imageGridPng(values, o.n, layout));
        else {
          if (o.out !== undefined && extname(o.out).toLowerCase() === ".png") io.err(`the data is not images (Real[${run.ir.data.shape.join(", ")}]): writing the samples as CSV instead\n`);
          writeArray(out, "csv", values, o.n, run.ir.data.shape, "x");
        }
        io.out(`wrote ${o.n} samples to ${out}\n`);
        return 0;
      },
    },
    overrides,
  );
}

export function makeEncodeCommand(overrides: Partial<RunDeps> = {}) {
  return inferenceCommand(
    {
      name: "encode",
      valued: ["data", "o"],
      booleans: ["force"],
      parse: (args) => {
        const out = stringFlag(args, "o");
        return { role: roleFlag(args, "data", "train"), out, force: args.flags.has("force") };
      },
      run(run, { role, out, force }, io, tty) {
        const path = out ?? join(run.dir, `z-${role}.csv`);
        checkRunOutput(run, path, out === undefined, force);
        const format: ArrayFormat = out === undefined ? "csv" : (arrayFormat(out) as ArrayFormat);
        const ds = runData(run, role);
        if (!ds) {
          io.err(`intel encode: the run holds out no validation data\n`);
          return 1;
        }
        const { z, dim } = encodeData(run.model, ds, run.config.train.batch, progressSink(io, tty));
        const files = writeArray(path, format, z, ds.n, [dim], "z", ds.labels);
        io.out(`wrote ${ds.n} representations g(μ(x)) (${dim} dims${ds.labels ? ", with labels" : ""}) of the ${role} data to ${files.join(" and ")}\n`);
        return 0;
      },
    },
    overrides,
  );
}

export const evalCommand = makeEvalCommand();
export const sampleCommand = makeSampleCommand();
export const encodeCommand = makeEncodeCommand();
