// The training loop. Everything random is a function of (run seed, epoch, step): the minibatch order
// of epoch e is shuffle(seed, e), the noise of global step s is noise(seed, s), validation noise is
// validation(seed, e·batches + b), the learning rate of step s is schedule(s, e). So a run resumed
// from a checkpoint (weights, optimizer state, position, running sums) computes exactly what the
// uninterrupted run would have.
//
// The loop knows nothing of files: metrics lines and checkpoints go out through `hooks`.
import * as tf from "@tensorflow/tfjs";
import type { TrainIR } from "../../compiler/ir/types";
import type { Dataset } from "../data/dataset";
import type { NonFiniteOrigin, CompiledModel, LossOptions, LossTerms } from "../model/compiled";
import { constraintRecord, nextConstraint, startingConstraint, type ConstraintState } from "../objectives/constraint";
import { betaAt } from "../objectives/objective";
import { deriveSeed, shuffledIndices } from "../random/seeds";
import { firstBadTerm, termSource, TrainingDivergedError, type TermValues } from "./divergence";
import { setLearningRate } from "./optimizer";
import type { ProgressListener } from "./progress";
import { learningRateAt } from "./schedule";
import { isGrouped } from "./groups";
import { makeScheme } from "./schemes";
import { applyGradients, type StepValues } from "./step";
import { loopSettings, type LoopSettings } from "./settings";
import { batchNormLag, batchNormLagWarning } from "./batch-norm-lag";
import { addTerms, batchCount, batchTensor, emptySums, evaluateTerms, meanTerms, readTerms, type TermSums } from "./terms";

/** Where a run is; saved in every checkpoint. */
export interface TrainState {
  /** 0-based epoch in progress (batch > 0) or next to start (batch = 0) */
  epoch: number;
  /** batches done in that epoch */
  batch: number;
  /** optimizer steps done in the whole run: the noise seeds' counter */
  step: number;
  /** this epoch's training terms so far */
  sums: TermSums;
  /** the monitored loss's best value (`monitor`; the training loss when there is no validation data) */
  best: { value: number; epoch: number } | null;
  /** checks of the monitored loss since the best (validations, or epochs when it is the training
   * loss), for early stopping */
  badEpochs: number;
  /** early stopping ended the run */
  earlyStopped: boolean;
  /** a constrained objective's λ and moving average (GECO); absent for the others */
  constraint?: ConstraintState;
}

export const initialState = (): TrainState => ({ epoch: 0, batch: 0, step: 0, sums: emptySums(), best: null, badEpochs: 0, earlyStopped: false });

export type CheckpointSlot = "last" | "best" | "periodic";

export interface TrainHooks {
  /** one metrics.jsonl record */
  metric(record: Record<string, unknown>): void;
  /** saves the model, optimizer and `state` into `slots`; returns the path of what was saved */
  checkpoint(state: TrainState, slots: CheckpointSlot[]): Promise<string>;
  /** after every optimizer step (tests use it to slow a run down or to stop it at a given step) */
  afterStep?(state: TrainState): void | Promise<void>;
}

export interface TrainOptions {
  model: CompiledModel;
  optimizer: tf.Optimizer;
  train: Dataset;
  validation: Dataset | null;
  settings: TrainIR;
  runSeed: number;
  hooks: TrainHooks;
  /** where to start (a checkpoint's state); default: the beginning */
  state?: TrainState;
  /** the checkpoint the state came from, reported if training diverges before the next one */
  lastCheckpoint?: string | null;
  progress?: ProgressListener;
  /** set `requested` (from a signal handler) to save a checkpoint and return at the next step */
  stop?: { requested: boolean };
}

export interface TrainResult {
  status: "completed" | "early_stopped" | "interrupted";
  state: TrainState;
  lastCheckpoint: string | null;
}

/** β warm-up (ObjectiveIR.warmup, in epochs) follows the fraction of epochs done, step by step; so
 * does `progress` (the fraction of all epochs), for schedules inside the objective (spike-and-slab).
 * Validation always uses the objective's full β, so the monitored loss means the same every epoch. */
function lossOptions(model: CompiledModel, epochs: number, total: number, state: TrainState, datasetSize: number): LossOptions {
  const obj = model.ir.objective;
  const o: LossOptions = obj.kind === "elbo" && obj.warmup > 0 ? { beta: betaAt(obj, epochs) } : {};
  if (obj.kind === "tc_elbo") o.datasetSize = datasetSize;
  if (state.constraint) o.constraint = state.constraint;
  if (model.ir.latent.prior.kind !== "normal") o.progress = Math.min(1, epochs / total);
  return o;
}

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/** The terms besides the loss, which variableGrads returns (and disposes) itself. */
const lossScalars = (t: LossTerms): tf.Scalar[] => [t.recon, t.kl, ...Object.values(t.penalties), ...Object.values(t.estimates ?? {})];

export type { StepValues };

/**
 * One optimizer step; returns the batch's terms, or the bad term without touching the weights. With
 * `clipNorm`, the gradients are clipped to that global norm first; a non-finite norm (NaN or ±Inf in
 * a gradient) leaves the weights untouched too: the caller sees it in `gradNorm`.
 */
export function trainStep(model: CompiledModel, optimizer: tf.Optimizer, vars: tf.Variable[], x: tf.Tensor, seed: number, opts: LossOptions, clipNorm: number | null = null): StepValues {
  let terms: LossTerms | undefined;
  const { value, grads } = tf.variableGrads(() => {
    terms = model.loss(x, seed, true, opts);
    for (const t of lossScalars(terms)) tf.keep(t);
    return terms.loss;
  }, vars);
  const t = terms!;
  let values: TermValues;
  try {
    values = readTerms({ ...t, loss: value });
  } finally {
    for (const s of lossScalars(t)) s.dispose();
    value.dispose();
  }
  if (firstBadTerm(values)) {
    tf.dispose(grads);
    return values;
  }
  const gradNorm = applyGradients(optimizer, vars, grads, clipNorm);
  return gradNorm === null ? values : { ...values, gradNorm };
}

export async function trainModel(o: TrainOptions): Promise<TrainResult> {
  const { model, optimizer, train, validation, runSeed, hooks } = o;
  const s = loopSettings(o.settings);
  const state: TrainState = structuredClone(o.state ?? initialState());
  const objective = model.ir.objective;
  if (!state.constraint) {
    const c = startingConstraint(objective);
    if (c) state.constraint = c;
  }
  const vars = [...model.variables.values()];
  if (isGrouped(optimizer)) optimizer.bind(model.variables);
  const scheme = makeScheme(o.settings.scheme, model, optimizer);
  const batches = batchCount(train.n, s.batch);
  const valBatches = validation ? batchCount(validation.n, s.batch) : 0;
  const lrAt = (step: number, epoch: number): number => learningRateAt(s, step, epoch, batches);
  let lrSet = s.lr; // the optimizer was made with the base rate; set it only when it changes
  let lastCheckpoint = o.lastCheckpoint ?? null;
  let unsaved = false; // steps taken since the last checkpoint
  let savedAt = Date.now();
  const save = async (slots: CheckpointSlot[]): Promise<void> => {
    const path = await hooks.checkpoint(state, slots);
    if (slots.includes("last")) lastCheckpoint = path;
    unsaved = false;
    savedAt = Date.now();
  };
  // Within an epoch too (checkpoint_steps, checkpoint_minutes): a kill then loses minutes, not an
  // epoch. The epoch's end saves anyway. Saving reads the state and changes no number.
  const midEpochDue = (): boolean =>
    state.batch < batches && ((s.checkpointSteps !== null && state.step % s.checkpointSteps === 0) || (s.checkpointMs > 0 && Date.now() - savedAt >= s.checkpointMs));

  // Training ended: say so when evaluation's batch-norm statistics lag the weights (batch-norm-lag.ts).
  const checkBatchNorm = (): void => {
    if (!o.progress || model.state.size === 0) return;
    const ds = validation ?? train;
    const x = batchTensor(ds, null, 0, Math.min(ds.n, s.batch));
    try {
      const warning = batchNormLagWarning(batchNormLag(model, x, deriveSeed(runSeed, "validation", 0), lossOptions(model, s.epochs, s.epochs, state, train.n)));
      if (warning) o.progress.message(warning);
    } finally {
      x.dispose();
    }
  };

  while (state.epoch < s.epochs && !state.earlyStopped) {
    const e = state.epoch;
    const order = s.shuffle ? shuffledIndices(train.n, deriveSeed(runSeed, "shuffle", e)) : null;
    const epochStart = Date.now();
    let samples = 0;
    while (state.batch < batches) {
      if (o.stop?.requested) {
        await save(["last"]);
        return { status: "interrupted", state, lastCheckpoint };
      }
      if (s.maxSteps !== null && state.step >= s.maxSteps) {
        // Mid-epoch: "last" holds the position; a resume finds nothing left to do.
        if (unsaved) await save(["last"]);
        o.progress?.message(`stopped after max_steps = ${s.maxSteps} optimizer steps`);
        checkBatchNorm();
        return { status: "completed", state, lastCheckpoint };
      }
      const lr = lrAt(state.step, e);
      if (lr !== lrSet) {
        setLearningRate(optimizer, lr);
        lrSet = lr;
      }
      const start = state.batch * s.batch;
      const end = Math.min(train.n, start + s.batch);
      const x = batchTensor(train, order, start, end);
      const seed = deriveSeed(runSeed, "noise", state.step);
      let values: StepValues;
      let bad: ReturnType<typeof firstBadTerm>;
      let origin: NonFiniteOrigin | null = null;
      try {
        const opts = lossOptions(model, e + state.batch / batches, s.epochs, state, train.n);
        const plain = () => trainStep(model, optimizer, vars, x, seed, opts, s.clipNorm);
        values = scheme ? scheme.step({ x, seed, step: state.step, opts, clipNorm: s.clipNorm, plain }) : plain();
        bad = firstBadTerm(values);
        // The bad step was not applied, so the weights are those that produced it: find the op.
        if (bad) origin = model.locateNonFinite?.(x, seed) ?? null;
        else if (values.gradNorm !== undefined && !Number.isFinite(values.gradNorm)) bad = { term: GRADIENT_NORM, value: values.gradNorm };
      } finally {
        x.dispose();
      }
      if (bad) {
        hooks.metric({ type: "diverged", epoch: e + 1, batch: state.batch + 1, step: state.step + 1, term: bad.term, value: String(bad.value), ...(origin ? { origin: origin.what } : {}) });
        o.progress?.clear();
        throw new TrainingDivergedError(bad.term, bad.value, e + 1, state.step + 1, origin?.at ?? termSource(model.ir, bad.term), lastCheckpoint, origin?.what);
      }
      const { gradNorm, ...terms } = values;
      if (state.constraint && objective.kind === "geco") state.constraint = nextConstraint(objective, state.constraint, terms.recon);
      state.step++;
      state.batch++;
      unsaved = true;
      samples += end - start;
      addTerms(state.sums, terms, end - start);
      if (state.step % s.logEvery === 0) {
        hooks.metric({ type: "step", epoch: e + 1, batch: state.batch, step: state.step, lr, ...terms, ...(gradNorm !== undefined ? { grad_norm: gradNorm } : {}), ...constraintRecord(state.constraint), ...scheme?.metrics?.() });
      }
      o.progress?.step({ epoch: e + 1, epochs: s.epochs, batch: state.batch, batches, step: state.step, terms, samples: end - start });
      if (midEpochDue()) await save(["last"]);
      await hooks.afterStep?.(state);
      await yieldToEventLoop(); // lets SIGINT/SIGTERM handlers run
    }

    const trainMean = meanTerms(state.sums);
    const valMean = validation && (e + 1) % s.validationEvery === 0
      ? evaluateTerms(model, validation, s.batch, (b) => deriveSeed(runSeed, "validation", e * valBatches + b), state.constraint ? { constraint: state.constraint } : {})
      : null;
    if (valMean) {
      const bad = firstBadTerm(valMean);
      if (bad) {
        o.progress?.clear();
        throw new TrainingDivergedError(`validation ${bad.term}`, bad.value, e + 1, state.step, termSource(model.ir, bad.term), lastCheckpoint);
      }
    }
    const improved = updateBest(state, s, e + 1, monitoredLoss(s, validation !== null, trainMean, valMean));
    const seconds = (Date.now() - epochStart) / 1000;
    hooks.metric({
      type: "epoch",
      epoch: e + 1,
      step: state.step,
      lr: lrAt(Math.max(0, state.step - 1), e), // the rate of the epoch's last step
      train: trainMean,
      validation: valMean,
      best: improved,
      wall_s: seconds,
      samples_per_s: seconds > 0 ? samples / seconds : null,
      ...constraintRecord(state.constraint),
    });
    o.progress?.epoch({ epoch: e + 1, epochs: s.epochs, train: trainMean, validation: valMean, seconds, improved });

    const stopEarly = s.earlyStop > 0 && state.badEpochs >= s.earlyStop && e + 1 >= s.minEpochs;
    state.epoch++;
    state.batch = 0;
    state.sums = emptySums();
    state.earlyStopped = stopEarly;
    // "last" goes last: a kill between the writes then repeats the epoch, rewriting best too.
    const slots: CheckpointSlot[] = [];
    if (improved) slots.push("best");
    if (s.checkpointEvery > 0 && state.epoch % s.checkpointEvery === 0) slots.push("periodic");
    slots.push("last");
    await save(slots);
    if (stopEarly) {
      const checks = monitorsTrainLoss(s, validation !== null) ? "epochs" : "validations";
      o.progress?.message(`early stopping: no improvement in ${s.earlyStop} ${checks} (best ${state.best!.value} at epoch ${state.best!.epoch})`);
      checkBatchNorm();
      return { status: "early_stopped", state, lastCheckpoint };
    }
  }
  checkBatchNorm();
  return { status: "completed", state, lastCheckpoint };
}

const GRADIENT_NORM = "gradient norm";

/** The training loss is watched when asked for, or when there is no validation data to watch. */
const monitorsTrainLoss = (s: LoopSettings, hasValidation: boolean): boolean => s.monitor === "train_loss" || !hasValidation;

/** This epoch's value of the monitored loss; null when it is the validation loss and this epoch
 * did not validate (`validation_every`). */
function monitoredLoss(s: LoopSettings, hasValidation: boolean, train: TermValues, validation: TermValues | null): number | null {
  if (monitorsTrainLoss(s, hasValidation)) return train.loss;
  return validation ? validation.loss : null;
}

/** Records a check of the monitored loss; returns whether it is a new best. */
function updateBest(state: TrainState, s: LoopSettings, epoch: number, monitored: number | null): boolean {
  if (monitored === null) return false;
  if (state.best === null || monitored < state.best.value) {
    state.best = { value: monitored, epoch };
    state.badEpochs = 0;
    return true;
  }
  state.badEpochs++;
  return false;
}
