// The objectives: ELBO with β (and its warm-up), IWAE(K) as a training objective and as an
// estimate of log p(x). Log-weights are taken on the intermediary y, never on z = g(y).
import * as tf from "@tensorflow/tfjs";
import type { ObjectiveIR } from "../../compiler/ir/types";
import type { LossTerms } from "../model/compiled";
import type { MapResult } from "../mapping/graph";
import { reparamNoise } from "../model/random";
import { repeatRows } from "../ops/layout";
import type { Posterior, Prior } from "../priors";
import { elboTermsGeneral, isGeneralElbo, type ElboEstimator } from "./elbo-mc";
import { klStdNormal, logPriorMinusLogQ } from "./likelihood";
import { sampleLogRatio, tilePosterior, type QFlow } from "./q-flow";

/** What the objectives need from a model; seeds are already derived per stage. */
export interface Forward {
  readonly latentDim: number;
  /** a baseline's prior; absent for N(0, I), whose analytic path stays exactly as it is */
  readonly prior?: Prior | null;
  /** the encoder flow y = f(y₀) (ObjectiveIR.qFlow); absent or null: q is the encoder's Gaussian */
  readonly qFlow?: QFlow | null;
  /** `inputIsData` false: x carries gradients to be followed (re-encoded decodings: soft_intro) */
  encode(x: tf.Tensor, training: boolean, seed: number, inputIsData?: boolean): Posterior;
  /** `x`: the datapoints of y's rows (a mapping conditioned on x reads them) */
  map(y: tf.Tensor2D, training: boolean, seed: number, x?: tf.Tensor): MapResult;
  decode(z: tf.Tensor, training: boolean, seed: number): tf.Tensor;
  /** log p(x | decoder output) per datapoint: [rows] */
  logLik(x: tf.Tensor, out: tf.Tensor): tf.Tensor1D;
}

/** Seeds of one loss call's stages, derived by the caller from the call's seed. */
export interface StageSeeds {
  call: number; // the noise: reparamNoise(call, …, chunk)
  encoder: number;
  mapping: number;
  decoder: number;
}

/**
 * β after `t` units of training when the objective warms β up linearly over `warmup` units
 * (the unit, steps or epochs, is the training loop's choice; warmup 0 = constant β). IWAE: 1.
 */
export function betaAt(objective: ObjectiveIR, t: number): number {
  if (objective.kind !== "elbo") return 1;
  if (!(objective.warmup > 0)) return objective.beta;
  return objective.beta * Math.min(1, Math.max(0, t / objective.warmup));
}

function sumPenalties(p: Record<string, tf.Scalar>): tf.Scalar | null {
  const list = Object.values(p);
  return list.length === 0 ? null : list.length === 1 ? list[0]! : (tf.addN(list) as tf.Scalar);
}

/** y = μ + σ·ε, the K·B rows ordered sample-major (row c·B + b is sample c of datapoint b). */
export function reparam(mean: tf.Tensor2D, logvar: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor2D {
  const k = eps.shape[0] / mean.shape[0];
  const sd = tf.exp(tf.mul(logvar, 0.5));
  if (k === 1) return tf.add(mean, tf.mul(sd, eps));
  const d = mean.shape[1];
  const e3 = tf.reshape(eps, [k, mean.shape[0], d]);
  return tf.reshape(tf.add(mean, tf.mul(sd, e3)), [-1, d]) as tf.Tensor2D;
}

/**
 * −E_q log p(x|g(y)) + β·KL + Σ penalties with one sample of y per datapoint. A baseline prior gives
 * y and the KL (analytic, or Monte Carlo on that same y); `progress` drives its schedules. `est`:
 * the objective's samples and kl options (absent: one sample, kl "auto").
 */
export function elboTerms(fw: Forward, x: tf.Tensor, s: StageSeeds, training: boolean, beta: number, progress?: number, est?: ElboEstimator): LossTerms {
  // several samples, or a Monte Carlo KL (asked for, or made by an encoder flow): elbo-mc.ts
  if (est && isGeneralElbo(fw, est)) return elboTermsGeneral(fw, x, s, training, beta, est, progress);
  const b = x.shape[0]!;
  const q = fw.encode(x, training, s.encoder);
  const { mean, logvar } = q;
  const eps = reparamNoise(s.call, b, fw.latentDim, 0);
  const p = fw.prior ? fw.prior.elbo(q, eps, { seed: s.call, chunk: 0, progress }) : null;
  const y = p ? p.y : reparam(mean, logvar, eps);
  const { z, penalties } = fw.map(y, training, s.mapping, x);
  const recon = tf.neg(tf.mean(fw.logLik(x, fw.decode(z, training, s.decoder)))) as tf.Scalar;
  const kl = tf.mean(p ? p.kl : klStdNormal(mean, logvar)) as tf.Scalar;
  let loss = beta === 0 ? recon : (tf.add(recon, beta === 1 ? kl : tf.mul(kl, beta)) as tf.Scalar);
  const pen = sumPenalties(penalties);
  if (pen) loss = tf.add(loss, pen);
  return { loss, recon, kl, penalties };
}

/**
 * log-weights log p(x|g(y_c)) + log p(y_c) − log q(y_c|x), [k, B], for k samples drawn as chunk
 * `chunk`; p = N(0, I) unless the model has a baseline prior. Also the log-ratio log p(y) − log q(y|x).
 */
function logWeights(
  fw: Forward,
  x: tf.Tensor,
  q: Posterior,
  k: number,
  s: StageSeeds,
  chunk: number,
  training: boolean,
): { lw: tf.Tensor2D; ll: tf.Tensor2D; ratio: tf.Tensor2D; penalties: Record<string, tf.Scalar> } {
  const { mean, logvar } = q;
  const b = x.shape[0]!;
  const eps = reparamNoise(s.call, k * b, fw.latentDim, chunk);
  // an encoder flow: log p(y) − log q(y|x) with the flow's log-det (q-flow.ts), for any prior
  const p = fw.qFlow
    ? sampleLogRatio(tilePosterior(q, k), eps, fw.qFlow, fw.prior)
    : fw.prior
    ? fw.prior.importance({ mean: repeatRows(mean, k), logvar: repeatRows(logvar, k), logits: q.logits && repeatRows(q.logits, k) }, eps, { seed: s.call, chunk })
    : null;
  const y = p ? p.y : reparam(mean, logvar, eps);
  const xs = repeatRows(x, k);
  const { z, penalties } = fw.map(y, training, s.mapping, xs);
  const ll = tf.reshape(fw.logLik(xs, fw.decode(z, training, s.decoder)), [k, b]) as tf.Tensor2D;
  const ratio = tf.reshape(p ? p.logRatio : logPriorMinusLogQ(y, eps, repeatRows(logvar, k)), [k, b]) as tf.Tensor2D;
  const lw = tf.add(ll, ratio) as tf.Tensor2D;
  return { lw, ll, ratio, penalties };
}

/** The IWAE(K) bound as a training objective: loss = −mean_b IWAE_b + Σ penalties (the mapping sees all K·B rows). */
export function iwaeTerms(fw: Forward, x: tf.Tensor, k: number, s: StageSeeds, training: boolean): LossTerms {
  const q = fw.encode(x, training, s.encoder);
  const { lw, ll, ratio, penalties } = logWeights(fw, x, q, k, s, 0, training);
  const bound = tf.sub(tf.logSumExp(lw, 0), Math.log(k));
  const recon = tf.neg(tf.mean(tf.slice(ll, [0, 0], [1, -1]))) as tf.Scalar; // sample 0, for reporting
  // reported KL: analytic for N(0, I); for a baseline prior or an encoder flow sample 0's log q − log p (Monte Carlo)
  const kl = tf.mean(fw.prior || fw.qFlow ? tf.neg(tf.slice(ratio, [0, 0], [1, -1])) : klStdNormal(q.mean, q.logvar)) as tf.Scalar;
  let loss = tf.neg(tf.mean(bound)) as tf.Scalar;
  const pen = sumPenalties(penalties);
  if (pen) loss = tf.add(loss, pen);
  return { loss, recon, kl, penalties };
}

/**
 * log p(x) ≈ logsumexp_k(lw_k) − log K per datapoint, [B], in evaluation mode. The K samples are
 * drawn in chunks of at most `maxRows` decoder rows; chunk c uses reparamNoise(seed, ·, ·, c), so
 * K = 1 reuses exactly the ELBO's noise for the same seed.
 */
export function iwaeEstimate(fw: Forward, x: tf.Tensor, k: number, s: StageSeeds, maxRows = 2048): tf.Tensor1D {
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`IWAE needs an integer K ≥ 1, got ${k}`);
  const b = x.shape[0]!;
  const per = Math.max(1, Math.min(k, Math.floor(maxRows / Math.max(1, b))));
  return tf.tidy(() => {
    const q = fw.encode(x, false, s.encoder);
    const parts: tf.Tensor2D[] = [];
    for (let c = 0, done = 0; done < k; c++) {
      const kc = Math.min(per, k - done);
      // each chunk in its own scope: only its [kc, B] log-weights survive it
      parts.push(tf.tidy(() => logWeights(fw, x, q, kc, s, c, false).lw));
      done += kc;
    }
    const lw = parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
    return tf.sub(tf.logSumExp(lw, 0), Math.log(k)) as tf.Tensor1D;
  });
}
