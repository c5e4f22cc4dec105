// Test negative log-likelihood −log p(x), the IWAE estimate with K importance samples on y
// (CompiledModel.iwae: weights log p(x|g(y_k)) + log N(y_k) − log q(y_k|x), docs/architecture.md §1), averaged over
// the first `points` datapoints. Biased upwards for finite K; the bias shrinks as K grows.
import * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../data/dataset";
import type { CompiledModel } from "../model/compiled";
import { deriveSeed } from "../random/seeds";
import { batchCount, batchTensor } from "../train/terms";
import { TaskProgress, type ProgressSink } from "../train/progress";

/** counter offset of this metric in the "eval" seed space (clear of evaluateSplit's slots) */
const IWAE_COUNTERS = 8 * 2 ** 22;

export interface IwaeNllResult {
  nll: number;
  k: number;
  points: number;
}

export function iwaeNll(model: CompiledModel, ds: Dataset, o: { k?: number; points?: number; batch?: number; seed: number; progress?: ProgressSink }): IwaeNllResult {
  const k = o.k ?? 500;
  if (!Number.isInteger(k) || k < 1) throw new Error(`iwae_nll: k must be an integer ≥ 1, got ${k}`);
  const n = Math.min(ds.n, o.points ?? 1000);
  const batch = o.batch ?? 100;
  let logpx = 0;
  const progress = o.progress ? new TaskProgress(o.progress, `iwae_nll (K = ${k})`, n) : null;
  for (let b = 0; b < batchCount(n, batch); b++) {
    const start = b * batch;
    const end = Math.min(n, start + batch);
    logpx += tf.tidy(() => tf.sum(model.iwae(batchTensor(ds, null, start, end), k, deriveSeed(o.seed, "eval", IWAE_COUNTERS + b))).dataSync()[0]!);
    progress?.advance(end);
  }
  progress?.finish();
  return { nll: -logpx / n, k, points: n };
}
