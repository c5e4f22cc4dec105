// Batch norm trains on each batch's statistics but evaluates, samples and checkpoints with running
// ones, which start at mean 0, variance 1 and follow the batches with weight (1 − momentum) per
// step. After a short run they can still be far from the batches' own (a conv channel's variance
// can be ~1e-3 against the initial 1; docs/results.md, table1-conv), and every evaluation then
// sees a worse model than training did. After training, the loop compares the two on one batch.
import * as tf from "@tensorflow/tfjs";
import type { CompiledModel, LossOptions } from "../model/compiled";

export interface BatchNormLag {
  /** the batch's loss with the running statistics (as every evaluation computes it) */
  running: number;
  /** the same batch's loss with its own statistics (as training computed it), same noise */
  batch: number;
}

/** Relative excess of the running-statistics loss over the batch-statistics one that is reported. */
export const LAG_TOLERANCE = 0.1;

/** Whether any network of the IR drops units in training (its noise would enter the comparison). */
function hasDropout(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasDropout);
  if (v === null || typeof v !== "object") return false;
  const o = v as Record<string, unknown>;
  if (o.kind === "dropout" && typeof o.rate === "number" && o.rate > 0) return true;
  return Object.values(o).some(hasDropout);
}

/** One batch's loss both ways, or null for a model without batch norm (no model state) or with
 * dropout. The running statistics that the batch-statistics pass moves are put back. */
export function batchNormLag(model: CompiledModel, x: tf.Tensor, seed: number, opts: LossOptions = {}): BatchNormLag | null {
  if (model.state.size === 0 || hasDropout(model.ir)) return null;
  const saved = [...model.state.values()].map((v) => [v, tf.clone(v)] as const);
  const loss = (training: boolean) => tf.tidy(() => model.loss(x, seed, training, opts).loss.dataSync()[0]!);
  try {
    return { running: loss(false), batch: loss(true) };
  } finally {
    for (const [v, copy] of saved) {
      v.assign(copy);
      copy.dispose();
    }
  }
}

/** The warning when the two losses differ by more than LAG_TOLERANCE (either way: evaluation then
 * reports on, and samples from, another model than the one training fitted), or null. */
export function batchNormLagWarning(l: BatchNormLag | null): string | null {
  if (!l || !(Math.abs(l.running - l.batch) > LAG_TOLERANCE * Math.abs(l.batch))) return null;
  const f = (v: number) => v.toPrecision(4);
  return (
    `warning: batch norm's running statistics lag the weights: a validation batch's loss is ${f(l.running)} with them ` +
    `(what eval, sample and the checkpoints use) and ${f(l.batch)} with the batch's own; ` +
    `a smaller momentum (batch_norm(momentum: 0.9); bn_momentum: 0.9 for the prelude's conv networks) or more steps closes the gap`
  );
}
