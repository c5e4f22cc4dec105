// The training loop. Everything random is a function of (run seed, epoch, step): the minibatch order
// of epoch e is shuffle(seed, e), the noise of global step s is noise(seed, s), validation noise is
// validation(seed, e·batches + b). So a run resumed from a checkpoint (weights, optimizer state,
// position, running sums) computes exactly what the uninterrupted run would have.
//
// The loop knows nothing of files: metrics lines and checkpoints go out through `hooks`.
import * as tf from "@tensorflow/tfjs";
import type { TrainIR } from "../../compiler/ir/types";
import type { Dataset } from "../data/dataset";
import type { NonFiniteOrigin, CompiledModel, LossOptions, LossTerms } from "../model/compiled";
import { betaAt } from "../objectives/objective";
import { deriveSeed, shuffledIndices } from "../random/seeds";
import { firstBadTerm, termSource, TrainingDivergedError, type TermValues } from "./divergence";
import type { Progress } from "./progress";
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
  /** the monitored loss's best value (validation loss, or training loss without validation) */
  best: { value: number; epoch: number } | null;
  /** epochs since the best, for early stopping */
  badEpochs: number;
  /** early stopping ended the run */
  earlyStopped: boolean;
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
  progress?: Progress;
  /** set `requested` (from a signal handler) to save a checkpoint and return at the next step */
  stop?: { requested: boolean };
}

export interface TrainResult {
  status: "completed" | "early_stopped" | "interrupted";
  state: TrainState;
  lastCheckpoint: string | null;
}

/** β warm-up (ObjectiveIR.warmup, in epochs) follows the fraction of epochs done, step by step.
 * Validation always uses the objective's full β, so the monitored loss means the same every epoch. */
function lossOptions(model: CompiledModel, epochs: number): LossOptions {
  const obj = model.ir.objective;
  return obj.kind === "elbo" && obj.warmup > 0 ? { beta: betaAt(obj, epochs) } : {};
}

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/** One optimizer step; returns the batch's terms, or the bad term without touching the weights. */
function trainStep(model: CompiledModel, optimizer: tf.Optimizer, vars: tf.Variable[], x: tf.Tensor, seed: number, opts: LossOptions): TermValues {
  let terms: LossTerms | undefined;
  const { value, grads } = tf.variableGrads(() => {
    terms = model.loss(x, seed, true, opts);
    for (const t of [terms.recon, terms.kl, ...Object.values(terms.penalties)]) tf.keep(t);
    return terms.loss;
  }, vars);
  const t = terms!;
  let values: TermValues;
  try {
    values = readTerms({ ...t, loss: value });
  } finally {
    for (const s of [t.recon, t.kl, ...Object.values(t.penalties)]) s.dispose();
    value.dispose();
  }
  if (firstBadTerm(values)) {
    tf.dispose(grads);
    return values;
  }
  // Every variable gets a gradient, in a fixed order: tfjs optimizers index their slots by position.
  const named = vars.map((v) => ({ name: v.name, tensor: grads[v.name] ?? tf.zerosLike(v) }));
  optimizer.applyGradients(named);
  tf.dispose(named.map((n) => n.tensor));
  return values;
}

export async function trainModel(o: TrainOptions): Promise<TrainResult> {
  const { model, optimizer, train, validation, settings, runSeed, hooks } = o;
  const state: TrainState = structuredClone(o.state ?? initialState());
  const vars = [...model.variables.values()];
  const batches = batchCount(train.n, settings.batch);
  const valBatches = validation ? batchCount(validation.n, settings.batch) : 0;
  let lastCheckpoint = o.lastCheckpoint ?? null;
  const save = async (slots: CheckpointSlot[]): Promise<void> => {
    const path = await hooks.checkpoint(state, slots);
    if (slots.includes("last")) lastCheckpoint = path;
  };

  while (state.epoch < settings.epochs && !state.earlyStopped) {
    const e = state.epoch;
    const order = shuffledIndices(train.n, deriveSeed(runSeed, "shuffle", e));
    const epochStart = Date.now();
    let samples = 0;
    while (state.batch < batches) {
      if (o.stop?.requested) {
        await save(["last"]);
        return { status: "interrupted", state, lastCheckpoint };
      }
      const start = state.batch * settings.batch;
      const end = Math.min(train.n, start + settings.batch);
      const x = batchTensor(train, order, start, end);
      const seed = deriveSeed(runSeed, "noise", state.step);
      let terms: TermValues;
      let bad: ReturnType<typeof firstBadTerm>;
      let origin: NonFiniteOrigin | null = null;
      try {
        terms = trainStep(model, optimizer, vars, x, seed, lossOptions(model, e + state.batch / batches));
        bad = firstBadTerm(terms);
        // The bad step was not applied, so the weights are those that produced it: find the op.
        if (bad) origin = model.locateNonFinite?.(x, seed) ?? null;
      } finally {
        x.dispose();
      }
      if (bad) {
        hooks.metric({ type: "diverged", epoch: e + 1, batch: state.batch + 1, step: state.step + 1, term: bad.term, value: String(bad.value), ...(origin ? { origin: origin.what } : {}) });
        o.progress?.clear();
        throw new TrainingDivergedError(bad.term, bad.value, e + 1, state.step + 1, origin?.at ?? termSource(model.ir, bad.term), lastCheckpoint, origin?.what);
      }
      state.step++;
      state.batch++;
      samples += end - start;
      addTerms(state.sums, terms, end - start);
      hooks.metric({ type: "step", epoch: e + 1, batch: state.batch, step: state.step, ...terms });
      o.progress?.step({ epoch: e + 1, epochs: settings.epochs, batch: state.batch, batches, step: state.step, terms, samples: end - start });
      await hooks.afterStep?.(state);
      await yieldToEventLoop(); // lets SIGINT/SIGTERM handlers run
    }

    const trainMean = meanTerms(state.sums);
    const valMean = validation
      ? evaluateTerms(model, validation, settings.batch, (b) => deriveSeed(runSeed, "validation", e * valBatches + b))
      : null;
    if (valMean) {
      const bad = firstBadTerm(valMean);
      if (bad) {
        o.progress?.clear();
        throw new TrainingDivergedError(`validation ${bad.term}`, bad.value, e + 1, state.step, termSource(model.ir, bad.term), lastCheckpoint);
      }
    }
    const monitored = (valMean ?? trainMean).loss;
    const improved = state.best === null || monitored < state.best.value;
    if (improved) {
      state.best = { value: monitored, epoch: e + 1 };
      state.badEpochs = 0;
    } else state.badEpochs++;
    const seconds = (Date.now() - epochStart) / 1000;
    hooks.metric({
      type: "epoch",
      epoch: e + 1,
      step: state.step,
      train: trainMean,
      validation: valMean,
      best: improved,
      wall_s: seconds,
      samples_per_s: seconds > 0 ? samples / seconds : null,
    });
    o.progress?.epoch({ epoch: e + 1, epochs: settings.epochs, train: trainMean, validation: valMean, seconds, improved });

    const stopEarly = settings.earlyStop > 0 && state.badEpochs >= settings.earlyStop;
    state.epoch++;
    state.batch = 0;
    state.sums = emptySums();
    state.earlyStopped = stopEarly;
    // "last" goes last: a kill between the writes then repeats the epoch, rewriting best too.
    const slots: CheckpointSlot[] = [];
    if (improved) slots.push("best");
    if (settings.checkpointEvery > 0 && state.epoch % settings.checkpointEvery === 0) slots.push("periodic");
    slots.push("last");
    await save(slots);
    if (stopEarly) {
      o.progress?.message(`early stopping: no improvement in ${settings.earlyStop} epochs (best ${state.best!.value} at epoch ${state.best!.epoch})`);
      return { status: "early_stopped", state, lastCheckpoint };
    }
  }
  return { status: "completed", state, lastCheckpoint };
}
