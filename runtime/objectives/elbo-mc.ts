// The ELBO's estimator options (ObjectiveIR elbo: samples, kl, qFlow): S samples of y per datapoint,
// rows sample-major like IWAE's (row c·B + b is sample c of datapoint b, noise chunk 0, so S = 1 draws
// the noise of the default path), and the Monte Carlo KL log q(y|x) − log p(y) on those samples,
// which an encoder flow makes the only one. The default (S = 1, kl auto, no flow) stays on
// objective.ts's elboTerms, bit for bit the emitter's program.
import * as tf from "@tensorflow/tfjs";
import type { ObjectiveIR } from "../../compiler/ir/types";
import type { LossTerms } from "../model/compiled";
import { reparamNoise } from "../model/random";
import { repeatRows } from "../ops/layout";
import { klStdNormal } from "./likelihood";
import type { Forward, StageSeeds } from "./objective";
import { sampleLogRatio, tilePosterior } from "./q-flow";

export interface ElboEstimator {
  samples: number;
  kl: "auto" | "analytic" | "mc";
}

/** The ELBO objective's estimator, defaults filled in (IR written before the fields existed has none). */
export function elboEstimator(o: ObjectiveIR): ElboEstimator {
  return o.kind === "elbo" ? { samples: o.samples ?? 1, kl: o.kl ?? "auto" } : { samples: 1, kl: "auto" };
}

/** Whether the ELBO leaves the default one-sample path: more samples, a forced or flow-made MC KL. */
export function isGeneralElbo(fw: Forward, e: ElboEstimator): boolean {
  return e.samples !== 1 || e.kl === "mc" || Boolean(fw.qFlow);
}

/** [B, ...] → [S·B, ...], sample-major. */
export function tileData(x: tf.Tensor, s: number): tf.Tensor {
  return repeatRows(x, s);
}

/**
 * −(1/S)Σ_s log p(x|g(y_s)) + β·KL + Σ penalties, averaged over the batch. The KL is Monte Carlo,
 * (1/S)Σ_s log q(y_s|x) − log p(y_s), with kl "mc" or an encoder flow; else the prior's own (analytic
 * where it exists, averaged over the S rows of each datapoint). The mapping sees all S·B rows.
 */
export function elboTermsGeneral(fw: Forward, x: tf.Tensor, s: StageSeeds, training: boolean, beta: number, e: ElboEstimator, progress?: number): LossTerms {
  const b = x.shape[0]!;
  const k = e.samples;
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`the ELBO needs an integer number of samples ≥ 1, got ${k}`);
  const q = fw.encode(x, training, s.encoder);
  const qs = tilePosterior(q, k);
  const eps = reparamNoise(s.call, k * b, fw.latentDim, 0);
  let y: tf.Tensor2D;
  let klRows: tf.Tensor1D;
  if (e.kl === "mc" || fw.qFlow) {
    const r = sampleLogRatio(qs, eps, fw.qFlow ?? null, fw.prior);
    y = r.y;
    klRows = tf.neg(r.logRatio);
  } else if (fw.prior) {
    const p = fw.prior.elbo(qs, eps, { seed: s.call, chunk: 0, progress });
    y = p.y;
    klRows = p.kl;
  } else {
    y = tf.add(qs.mean, tf.mul(tf.exp(tf.mul(qs.logvar, 0.5)), eps)) as tf.Tensor2D;
    klRows = klStdNormal(q.mean, q.logvar); // one per datapoint: the same for each of its samples
  }
  const xs = tileData(x, k);
  const { z, penalties } = fw.map(y, training, s.mapping, xs);
  const recon = tf.neg(tf.mean(fw.logLik(xs, fw.decode(z, training, s.decoder)))) as tf.Scalar;
  const kl = tf.mean(klRows) as tf.Scalar;
  let loss = beta === 0 ? recon : (tf.add(recon, beta === 1 ? kl : tf.mul(kl, beta)) as tf.Scalar);
  const pen = Object.values(penalties);
  if (pen.length) loss = tf.add(loss, pen.length === 1 ? pen[0]! : tf.addN(pen));
  return { loss, recon, kl, penalties };
}
