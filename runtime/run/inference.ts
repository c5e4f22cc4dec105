// What `intel eval`, `intel sample` and `intel encode` compute from a trained run: the model rebuilt
// from ir.json with a checkpoint's weights, and the run's data in the roles training gave it.
import * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../data/dataset";
import { loadTestData, loadTrainingData } from "../data/load";
import { dataChanges } from "../data/fingerprint";
import type { CompiledModel } from "../model/compiled";
import { dequantizedLevels, likelihoodMean } from "../objectives/likelihood";
import { discreteBitsPerDim } from "../objectives/dequantize";
import { drawPosterior } from "../objectives/posterior-draw";
import { deriveSeed } from "../random/seeds";
import type { ConstraintState } from "../objectives/constraint";
import { batchCount, batchTensor, evaluateTerms } from "../train/terms";
import type { TermValues } from "../train/divergence";
import { TaskProgress, type ProgressSink } from "../train/progress";
import { restoreCheckpoint, type Checkpoint } from "./checkpoint";
import { chooseCheckpoint, skippedWarnings, type ChosenCheckpoint } from "./checkpoint-choice";
import { runWriter, stillTrainingWarning, type LockInfo } from "./lock";
import { openRunDir, RunDirError, type OpenedRun } from "./run-dir";
import type { ModelFactory } from "./session";

export type DataRole = "train" | "validation" | "test";

export interface LoadedRun extends OpenedRun {
  model: CompiledModel;
  checkpoint: Checkpoint;
  checkpointPath: string;
  /** damaged checkpoints passed over on the way to this one */
  skipped: ChosenCheckpoint["skipped"];
  /** the run's data files that changed since it trained, in words (config.json's records) */
  dataChanges: string[];
  /** the process still training the run (its lock), when one is */
  writer: LockInfo | null;
}

/**
 * Opens a run and loads a checkpoint into a fresh model: "best" (else "last"), "last", or a path;
 * a damaged slot falls back to the newest intact checkpoint (see checkpoint-choice.ts).
 */
export async function loadTrainedRun(dir: string, buildModel: ModelFactory, which: "best" | "last" | string = "best"): Promise<LoadedRun> {
  const run = openRunDir(dir);
  const writer = runWriter(dir);
  const chosen = chooseCheckpoint(dir, which);
  if (!chosen) throw new RunDirError(writer ? stillTrainingWarning(dir, writer, null) : `${dir} has no checkpoint yet (did training save one?)`);
  const { checkpoint, path } = chosen;
  const model = await buildModel(run.ir, deriveSeed(run.config.train.seed, "init", 0));
  try {
    await restoreCheckpoint(checkpoint, model);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { ...run, model, checkpoint, checkpointPath: path, skipped: chosen.skipped, dataChanges: run.config.data ? dataChanges(run.config.data) : [], writer };
}

/** What a reader says before using a loaded run: damaged checkpoints passed over, a run still training. */
export const readerWarnings = (run: LoadedRun): string[] => [
  ...skippedWarnings(run.skipped, run.checkpointPath, run.checkpoint),
  ...(run.writer ? [stillTrainingWarning(run.dir, run.writer, `${run.checkpointPath} (epoch ${run.checkpoint.state.epoch}, step ${run.checkpoint.state.step})`)] : []),
];

/** The run's data in one role: what it trained on, what it held out, or the test split. */
export function runData(run: OpenedRun, role: DataRole): Dataset | null {
  const { seed, validation } = run.config.train;
  if (role === "test") return loadTestData(run.ir.data, seed);
  const splits = loadTrainingData(run.ir.data, seed, validation);
  return role === "train" ? splits.train : splits.validation;
}

export interface SplitEvaluation extends TermValues {
  n: number;
  /** −(recon + kl): the evidence lower bound per datapoint (β = 1, no penalties) */
  elbo: number;
  /** −mean log p(x) estimated with K importance samples */
  iwae_nll: number;
  k: number;
  /** mean squared error per value between x and the decoder's mean at z = g(μ(x)) */
  recon_mse: number;
  /** a density on dequantised data (FlowDecoder): the bounds on the discrete data's −log P(x) in
   *  bits per dimension, from −ELBO and the IWAE NLL (runtime/objectives/dequantize.ts) */
  bits_per_dim?: { elbo: number; iwae: number };
}

const EVAL_COUNTERS = 2 ** 22; // counter space of each (split, quantity) pair

/** ELBO terms, IWAE NLL and reconstruction error of `ds` (in order, evaluation mode). */
export function evaluateSplit(
  model: CompiledModel,
  ds: Dataset,
  opts: { k: number; batch: number; seed: number; slot: number; progress?: ProgressSink; label?: string; constraint?: ConstraintState },
): SplitEvaluation {
  const seedAt = (quantity: number, b: number) => deriveSeed(opts.seed, "eval", (opts.slot * 2 + quantity) * EVAL_COUNTERS + b);
  // a constrained objective's loss at the checkpoint's λ (TrainState.constraint)
  const terms = evaluateTerms(model, ds, opts.batch, (b) => seedAt(0, b), opts.constraint ? { constraint: opts.constraint } : {});
  let logpx = 0;
  let se = 0;
  const progress = opts.progress ? new TaskProgress(opts.progress, `${opts.label ?? "evaluating"}: IWAE (K = ${opts.k})`, ds.n) : null;
  for (let b = 0; b < batchCount(ds.n, opts.batch); b++) {
    const start = b * opts.batch;
    const end = Math.min(ds.n, start + opts.batch);
    tf.tidy(() => {
      const x = batchTensor(ds, null, start, end);
      logpx += tf.sum(model.iwae(x, opts.k, seedAt(1, b))).dataSync()[0]!;
      const xhat = likelihoodMean(model.ir.likelihood, model.decode(model.map(pointEstimate(model, x), false, undefined, x).z, false), model.variables);
      se += tf.sum(tf.squaredDifference(x, xhat.reshape(x.shape))).dataSync()[0]!;
    });
    progress?.advance(end);
  }
  progress?.finish();
  const size = ds.x.length / ds.n;
  const elbo = -(terms.recon + terms.kl);
  const levels = dequantizedLevels(model.ir.likelihood);
  const bits = levels === null ? {} : { bits_per_dim: { elbo: discreteBitsPerDim(-elbo, size, levels), iwae: discreteBitsPerDim(-logpx / ds.n, size, levels) } };
  return { n: ds.n, ...terms, elbo, iwae_nll: -logpx / ds.n, k: opts.k, recon_mse: se / (ds.n * size), ...bits };
}

/** The y that representations are taken at: the model's hook (spike-and-slab: γ ⊙ μ), else μ(x). */
export function pointEstimate(model: CompiledModel, x: tf.Tensor): tf.Tensor2D {
  return model.representation ? model.representation(x) : model.encode(x, false).mean;
}

/** y ~ p(y) (N(0, I) or the baseline's prior) → z = g(y) → decoder mean: [n, ...data shape] as a flat array. */
export function drawSamples(model: CompiledModel, n: number, seed: number): Float32Array {
  return tf.tidy(() => model.sample(n, seed).dataSync() as Float32Array).slice();
}

/** Representations g(μ(x)) of every datapoint, [n, Dz] row-major. */
export function encodeData(model: CompiledModel, ds: Dataset, batch: number, progress?: ProgressSink): { z: Float32Array; dim: number } {
  return latentCodes(model, ds, "z", { batch, ...(progress ? { progress, label: "encoding g(μ(x))" } : {}) });
}

/**
 * Latent codes of every datapoint, [n, dim]: which = "y" gives the point estimate (pointEstimate: μ(x),
 * or γ ⊙ μ for spike-and-slab) (or a draw
 * y ~ q(y|x) with `sample`); "z" gives the representation g(μ(x)) (or g(y), y ~ q(y|x)).
 */
export function latentCodes(model: CompiledModel, ds: Dataset, which: "y" | "z", o: { batch: number; sample?: boolean; seed?: number; progress?: ProgressSink; label?: string }): { z: Float32Array; dim: number } {
  const rows: Float32Array[] = [];
  let dim = 0;
  const progress = o.progress ? new TaskProgress(o.progress, o.label ?? `encoding ${which}`, ds.n) : null;
  for (let b = 0; b < batchCount(ds.n, o.batch); b++) {
    const start = b * o.batch;
    const end = Math.min(ds.n, start + o.batch);
    tf.tidy(() => {
      const x = batchTensor(ds, null, start, end);
      let y: tf.Tensor2D;
      if (o.sample) {
        // an exact draw from q(y|x): the encoder flow, a spike-and-slab's hard selection (posterior-draw.ts)
        const seed = deriveSeed(o.seed ?? 1, "eval", 9 * 2 ** 22 + b);
        const fw = model.forward?.();
        if (!fw) throw new Error("sampled representations need the model's stages (CompiledModel.forward)");
        y = drawPosterior(fw, x, tf.randomNormal([end - start, model.latentDim], 0, 1, "float32", seed), seed);
      } else y = pointEstimate(model, x);
      const out = which === "y" ? y : model.map(y, false, undefined, x).z;
      dim = out.size / (end - start);
      rows.push((out.dataSync() as Float32Array).slice());
    });
    progress?.advance(end);
  }
  progress?.finish();
  const z = new Float32Array(ds.n * dim);
  let off = 0;
  for (const r of rows) {
    z.set(r, off);
    off += r.length;
  }
  return { z, dim };
}
