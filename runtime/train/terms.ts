// Loss terms as numbers: reading them off a batch, and averaging them over many batches.
import * as tf from "@tensorflow/tfjs";
import type { CompiledModel, LossOptions, LossTerms } from "../model/compiled";
import { gatherRows, type Dataset } from "../data/dataset";
import type { TermValues } from "./divergence";

/** Running sums over an epoch, each batch's mean weighted by its size (so the epoch mean is exact
 * for a partial last batch). Plain numbers: they go into checkpoints for mid-epoch resume. */
export interface TermSums {
  n: number;
  loss: number;
  recon: number;
  kl: number;
  penalties: Record<string, number>;
  /** the objective's estimated terms (TermValues.estimates), when it has any */
  estimates?: Record<string, number>;
}

export const emptySums = (): TermSums => ({ n: 0, loss: 0, recon: 0, kl: 0, penalties: {} });

export function addTerms(s: TermSums, t: TermValues, count: number): void {
  s.n += count;
  s.loss += t.loss * count;
  s.recon += t.recon * count;
  s.kl += t.kl * count;
  for (const [k, v] of Object.entries(t.penalties)) s.penalties[k] = (s.penalties[k] ?? 0) + v * count;
  if (t.estimates) {
    const e = (s.estimates ??= {});
    for (const [k, v] of Object.entries(t.estimates)) e[k] = (e[k] ?? 0) + v * count;
  }
}

const divided = (r: Record<string, number>, d: number): Record<string, number> => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v / d]));

export function meanTerms(s: TermSums): TermValues {
  const d = s.n || 1;
  const t: TermValues = { loss: s.loss / d, recon: s.recon / d, kl: s.kl / d, penalties: divided(s.penalties, d) };
  if (s.estimates) t.estimates = divided(s.estimates, d);
  return t;
}

const scalarValue = (t: tf.Tensor): number => t.dataSync()[0]!;

/** Reads the numbers off a batch's terms (does not dispose them). */
export function readTerms(t: LossTerms): TermValues {
  const read = (r: Record<string, tf.Scalar>): Record<string, number> => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, scalarValue(v)]));
  const v: TermValues = { loss: scalarValue(t.loss), recon: scalarValue(t.recon), kl: scalarValue(t.kl), penalties: read(t.penalties) };
  if (t.estimates) v.estimates = read(t.estimates);
  return v;
}

/** A batch tensor of rows [start, end) of `ds` (through `order` when given). */
export function batchTensor(ds: Dataset, order: ArrayLike<number> | null, start: number, end: number): tf.Tensor {
  return tf.tensor(gatherRows(ds, order, start, end), [end - start, ...ds.shape], "float32");
}

export const batchCount = (n: number, batch: number): number => Math.ceil(n / batch);

/** The objective's terms averaged over a whole dataset, in order, not training (no dropout, no
 * batch-norm updates); `seedAt(b)` gives batch b's noise seed, `opts` the loss's (GECO's λ). */
export function evaluateTerms(model: CompiledModel, ds: Dataset, batch: number, seedAt: (b: number) => number, opts: LossOptions = {}): TermValues {
  const sums = emptySums();
  for (let b = 0; b < batchCount(ds.n, batch); b++) {
    const start = b * batch;
    const end = Math.min(ds.n, start + batch);
    tf.tidy(() => addTerms(sums, readTerms(model.loss(batchTensor(ds, null, start, end), seedAt(b), false, { ...opts, datasetSize: ds.n })), end - start));
  }
  return meanTerms(sums);
}
