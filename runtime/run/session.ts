// Starting and resuming training runs: data, model, optimizer, run directory, checkpoints, metrics.
// The CLI's `intel train` is a thin layer over startRun/resumeRun; tests call them directly.
import type * as tf from "@tensorflow/tfjs";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ModelIR, TrainIR } from "../../compiler/ir/types";
import { loadTrainingData, type DataSplits } from "../data/load";
import { fingerprintData, requireSameData } from "../data/fingerprint";
import type { CompiledModel } from "../model/compiled";
import type { Dataset } from "../data/dataset";
import { deriveSeed, shuffledIndices } from "../random/seeds";
import { trainModel, type CheckpointSlot, type TrainHooks, type TrainResult, type TrainState } from "../train/loop";
import { makeTrainOptimizer, optimizerKindOf } from "../train/groups";
import { TrainSettingsError } from "../train/optimizer";
import { loopSettings } from "../train/settings";
import { Progress, type ProgressListener, type ProgressSink } from "../train/progress";
import { batchCount, batchTensor } from "../train/terms";
import { removeStaleTemps, writeFileAtomic } from "./atomic";
import { captureCheckpoint, encodeCheckpoint, restoreCheckpoint } from "./checkpoint";
import { chooseCheckpoint, skippedWarnings, type CheckpointSlotName } from "./checkpoint-choice";
import { lockRun, type HeldLock } from "./lock";
import { makeDirs } from "../fs/write-file";
import {
  checkpointPath,
  createRunDir,
  dataLine,
  defaultRunDir,
  intelVaeVersion,
  MetricsWriter,
  openRunDir,
  RUN_FILES,
  RunDirError,
  writeConfig,
  type OpenedRun,
  type RunConfig,
} from "./run-dir";

/** Builds a model from the IR; `seed` drives its parameter initialisation. */
export type ModelFactory = (ir: ModelIR, seed: number) => CompiledModel | Promise<CompiledModel>;

export interface BackendUsed {
  name: string;
  detail: string;
  tfjsVersion: string;
}

interface CommonOptions {
  buildModel: ModelFactory;
  backend: BackendUsed;
  /** the command line, recorded in config.json */
  command: string[];
  /** where progress goes; null for none */
  progress?: ProgressSink | null;
  /** set `requested` to stop at the next step with a checkpoint (the CLI's SIGINT/SIGTERM) */
  stop?: { requested: boolean };
  afterStep?: TrainHooks["afterStep"];
  /** warnings (a damaged checkpoint skipped, a stale lock taken over), one line each */
  warn?: (line: string) => void;
  /** structured progress (the API's callbacks), besides or instead of `progress` */
  listener?: Partial<ProgressListener>;
}

export interface StartRunOptions extends CommonOptions {
  ir: ModelIR;
  specText: string | null;
  specPath: string | null;
  /** the run directory; default runsRoot/NAME-TIMESTAMP */
  outDir?: string;
  runsRoot?: string;
  epochs?: number;
  seed?: number;
  now?: Date;
  /** `--set` overrides already applied to `ir` and `specText`, recorded in config.json */
  overrides?: Record<string, string>;
}

export interface ResumeRunOptions extends CommonOptions {
  dir: string;
  /** train to this many epochs in all (default: the run's setting) */
  epochs?: number;
  /** the checkpoint to continue from: "last" (default), "best" or a path */
  checkpoint?: CheckpointSlotName | string;
}

export interface RunOutcome {
  dir: string;
  result: TrainResult;
  config: RunConfig;
}

/** The IR's training settings with the command line's overrides, validated. */
export function effectiveTrain(ir: ModelIR, epochs?: number, seed?: number): TrainIR {
  const t: TrainIR = { ...ir.train, optimizer: { ...ir.train.optimizer }, groups: ir.train.groups?.map((g) => ({ ...g, optimizer: { ...g.optimizer } })) ?? null };
  if (epochs !== undefined) t.epochs = epochs;
  if (seed !== undefined) t.seed = seed;
  if (!Number.isSafeInteger(t.seed) || t.seed < 0) throw new TrainSettingsError(`seed must be a non-negative integer, got ${t.seed}`);
  if (!Number.isInteger(t.epochs) || t.epochs < 1) throw new TrainSettingsError(`epochs must be a positive integer, got ${t.epochs}`);
  if (!Number.isInteger(t.batch) || t.batch < 1) throw new TrainSettingsError(`batch must be a positive integer, got ${t.batch}`);
  // The hold-out count lives in TrainIR; older lowering may leave it on the data's arguments only.
  if (!t.validation && typeof ir.data.args.validation === "number") t.validation = ir.data.args.validation;
  loopSettings(t); // the other `train { … }` settings, checked before a run directory exists
  return t;
}

export async function startRun(o: StartRunOptions): Promise<RunOutcome> {
  const train = effectiveTrain(o.ir, o.epochs, o.seed);
  // Data first: a bad dataset is reported before a run directory exists.
  const data = loadTrainingData(o.ir.data, train.seed, train.validation);
  const dataFiles = fingerprintData(o.ir.data);
  const now = o.now ?? new Date();
  const dir = o.outDir ?? defaultRunDir(o.runsRoot ?? "runs", o.ir.name, now);
  const config: RunConfig = {
    name: o.ir.name,
    spec: o.specPath,
    seed: train.seed,
    backend: { name: o.backend.name, detail: o.backend.detail },
    versions: { intelVae: intelVaeVersion(), tfjs: o.backend.tfjsVersion, node: process.version },
    command: o.command,
    cwd: process.cwd(),
    startedAt: now.toISOString(),
    train,
    ...(o.overrides && Object.keys(o.overrides).length ? { overrides: o.overrides, effectiveSpec: o.specText ?? "" } : {}),
    data: dataFiles,
    resumes: [],
  };
  const optimizer = makeTrainOptimizer(train); // bad optimizer settings fail before the folder exists
  let model: CompiledModel;
  let lock: HeldLock | undefined;
  try {
    makeDirs(dir);
    lock = takeLock(o, dir);
    createRunDir(dir, o.ir, o.specText, config);
    model = await o.buildModel(o.ir, deriveSeed(train.seed, "init", 0));
    initFromData(model, data.train, train.seed);
  } catch (e) {
    optimizer.dispose();
    lock?.release();
    throw e;
  }
  try {
    const metrics = new MetricsWriter(join(dir, RUN_FILES.metrics), 0);
    const result = await runTraining(o, dir, model, train, data, undefined, null, metrics, optimizer);
    return { dir, result, config };
  } finally {
    lock.release();
  }
}

function takeLock(o: CommonOptions, dir: string): HeldLock {
  const lock = lockRun(dir, o.command);
  if (lock.replaced) o.warn?.(`warning: took over the lock of process ${lock.replaced.pid} on ${lock.replaced.host}, which no longer runs`);
  return lock;
}

/**
 * Before the first step of a new run (never on resume: the checkpoint has the trained values), a
 * prior may take training points (VampPrior init "data"): k of them, in an order seeded by the run.
 */
function initFromData(model: CompiledModel, train: Dataset, seed: number): void {
  if (!model.initFromData) return;
  model.initFromData((k) => {
    const order = shuffledIndices(train.n, deriveSeed(seed, "init", 1));
    // more pseudo-inputs than points: go round the shuffled order again
    const rows = Int32Array.from({ length: k }, (_, i) => order[i % train.n]!);
    return batchTensor(train, rows, 0, k);
  });
}

export async function resumeRun(o: ResumeRunOptions): Promise<RunOutcome> {
  const run = openRunDir(o.dir);
  const train: TrainIR = { ...run.config.train, epochs: o.epochs ?? run.config.train.epochs };
  effectiveTrain({ ...run.ir, train }); // validates
  const lock = takeLock(o, o.dir);
  try {
    return await resumeLocked(o, run, train);
  } finally {
    lock.release();
  }
}

async function resumeLocked(o: ResumeRunOptions, run: OpenedRun, train: TrainIR): Promise<RunOutcome> {
  const ckptDir = join(o.dir, RUN_FILES.checkpoints);
  removeStaleTemps(ckptDir);
  // A run killed before its first checkpoint has none: it starts again from the beginning, which
  // computes what the first attempt would have.
  const chosen = chooseCheckpoint(o.dir, o.checkpoint ?? "last");
  const ckpt = chosen?.checkpoint ?? null;
  if (chosen) {
    for (const w of skippedWarnings(chosen.skipped, chosen.path, chosen.checkpoint)) o.warn?.(w);
    if (ckpt!.model.sourceSha256 !== run.ir.source.sha256 || ckpt!.model.name !== run.ir.name) {
      throw new RunDirError(`${chosen.path} belongs to model '${ckpt!.model.name}' of another spec version than ${join(o.dir, RUN_FILES.ir)}`);
    }
  } else o.warn?.(`warning: ${o.dir} has no checkpoint yet (stopped during its first epoch): training it again from the start`);
  requireSameData(dataLine(run), run.config.data);
  const data = loadTrainingData(run.ir.data, train.seed, train.validation);
  const model = await o.buildModel(run.ir, deriveSeed(train.seed, "init", 0));
  if (!ckpt) initFromData(model, data.train, train.seed);
  const from = ckpt?.state ?? { epoch: 0, batch: 0, step: 0 };
  const config: RunConfig = {
    ...run.config,
    train,
    resumes: [...run.config.resumes, { at: new Date().toISOString(), command: o.command, backend: o.backend.name, fromEpoch: from.epoch, fromBatch: from.batch, fromStep: from.step }],
  };
  writeConfig(o.dir, config);
  const metrics = new MetricsWriter(join(o.dir, RUN_FILES.metrics), ckpt?.metricsLines ?? 0);
  const optimizer = makeTrainOptimizer(train);
  try {
    if (ckpt) await restoreCheckpoint(ckpt, model, optimizer);
  } catch (e) {
    metrics.close();
    optimizer.dispose();
    model.dispose();
    throw e;
  }
  const result = await runTraining(o, o.dir, model, train, data, ckpt?.state, chosen?.path ?? null, metrics, optimizer);
  return { dir: o.dir, result, config };
}

async function runTraining(
  o: CommonOptions,
  dir: string,
  model: CompiledModel,
  train: TrainIR,
  data: DataSplits,
  state: TrainState | undefined,
  lastCheckpoint: string | null,
  metrics: MetricsWriter,
  optimizer: tf.Optimizer,
): Promise<TrainResult> {
  const batches = batchCount(data.train.n, train.batch);
  const { keepCheckpoints, maxSteps } = loopSettings(train);
  const byEpochs = Math.max(0, (train.epochs - (state?.epoch ?? 0)) * batches - (state?.batch ?? 0));
  const left = maxSteps === null ? byEpochs : Math.min(byEpochs, Math.max(0, maxSteps - (state?.step ?? 0)));
  const progress = listeners(o.progress ? new Progress(o.progress, left) : undefined, o.listener);
  const checkpoint = async (s: TrainState, slots: CheckpointSlot[]): Promise<string> => {
    const bytes = encodeCheckpoint(await captureCheckpoint(model, optimizer, optimizerKindOf(train), s, metrics.lines));
    let lastPath = "";
    for (const slot of slots) {
      const path = checkpointPath(dir, slot === "periodic" ? s.epoch : slot);
      writeFileAtomic(path, bytes);
      if (slot === "last") lastPath = path;
    }
    if (slots.includes("periodic")) prunePeriodic(dir, keepCheckpoints);
    return lastPath;
  };
  try {
    return await trainModel({
      model,
      optimizer,
      train: data.train,
      validation: data.validation,
      settings: train,
      runSeed: train.seed,
      hooks: { metric: (r) => metrics.write(r), checkpoint, afterStep: o.afterStep },
      state,
      lastCheckpoint,
      progress,
      stop: o.stop,
    });
  } finally {
    metrics.close();
    optimizer.dispose();
    model.dispose();
  }
}

/** The text progress and the caller's listener, both told everything. */
function listeners(text: ProgressListener | undefined, extra: Partial<ProgressListener> | undefined): ProgressListener | undefined {
  if (!extra) return text;
  return {
    step(s) {
      text?.step(s);
      extra.step?.(s);
    },
    epoch(e) {
      text?.epoch(e);
      extra.epoch?.(e);
    },
    message(m) {
      text?.message(m);
      extra.message?.(m);
    },
    clear() {
      text?.clear();
      extra.clear?.();
    },
  };
}

/** Keeps the `keep` most recent periodic checkpoints (epoch-NNNN.ckpt); best and last are apart. */
function prunePeriodic(dir: string, keep: number): void {
  const ckptDir = join(dir, RUN_FILES.checkpoints);
  const periodic = readdirSync(ckptDir)
    .map((f) => ({ f, epoch: /^epoch-(\d+)\.ckpt$/.exec(f)?.[1] }))
    .filter((p): p is { f: string; epoch: string } => p.epoch !== undefined)
    .sort((a, b) => Number(a.epoch) - Number(b.epoch));
  for (const p of periodic.slice(0, Math.max(0, periodic.length - keep))) rmSync(join(ckptDir, p.f), { force: true });
}
