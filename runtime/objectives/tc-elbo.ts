// The β-TCVAE objective (ObjectiveIR tc_elbo): one sample of y per datapoint as in the ELBO, the
// analytic KL, and the aggregate posterior's MI and TC estimated on the batch (aggregate.ts):
//   loss = recon + γ·KL + (α − γ)·MI + (β − γ)·TC + Σ penalties,
// which is recon + α·MI + β·TC + γ·dimension-wise KL with the KL's expectation exact (KL = MI + TC +
// dim-KL) and only the reweighted parts estimated. With groups, TC is the TC between groups.
import * as tf from "@tensorflow/tfjs";
import type { ObjectiveIR } from "../../compiler/ir/types";
import type { LossOptions, LossTerms } from "../model/compiled";
import { reparamNoise } from "../model/random";
import { aggregateTerms } from "./aggregate";
import { klStdNormal } from "./likelihood";
import { reparam, type Forward, type StageSeeds } from "./objective";

type TcElbo = Extract<ObjectiveIR, { kind: "tc_elbo" }>;

export function tcElboTerms(fw: Forward, x: tf.Tensor, o: TcElbo, s: StageSeeds, training: boolean, opts: LossOptions): LossTerms {
  if (fw.prior) throw new Error("tc_elbo needs the N(0, I) prior on y (the compiler's IV5070)");
  const b = x.shape[0]!;
  const q = fw.encode(x, training, s.encoder);
  const y = reparam(q.mean, q.logvar, reparamNoise(s.call, b, fw.latentDim, 0));
  const { z, penalties } = fw.map(y, training, s.mapping, x);
  const recon = tf.neg(tf.mean(fw.logLik(x, fw.decode(z, training, s.decoder)))) as tf.Scalar;
  const kl = tf.mean(klStdNormal(q.mean, q.logvar)) as tf.Scalar;
  // without a data set size (a loss called outside training), the batch is the data set
  const a = aggregateTerms(y, q.mean, q.logvar, { datasetSize: Math.max(b, opts.datasetSize ?? b), sampling: o.sampling, groups: o.groups });
  const tc = a.tcGroups ?? a.tc;
  const parts: tf.Scalar[] = [recon, tf.mul(kl, o.gamma), tf.mul(a.mi, o.alpha - o.gamma), tf.mul(tc, o.beta - o.gamma), ...Object.values(penalties)];
  const loss = tf.addN(parts) as tf.Scalar;
  const estimates: Record<string, tf.Scalar> = { mi: a.mi, tc: a.tc, dim_kl: a.dimKl };
  if (a.tcGroups) estimates.tc_groups = a.tcGroups;
  return { loss, recon, kl, penalties, estimates };
}
