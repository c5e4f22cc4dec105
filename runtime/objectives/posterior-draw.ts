// One exact draw y ~ q(y|x) per datapoint, as the importance weights draw it (objective.ts
// logWeights): through the encoder flow where the objective has one, and through the prior's own
// posterior where it has one (spike-and-slab: a hard spike selection, so inactive coordinates are
// exactly 0; the categorical prior: hard one-hots). Representations "sampled from q" (hoyer(y,
// sample: true), the paper's Hoyer) read this, never the Gaussian part alone.
import * as tf from "@tensorflow/tfjs";
import type { Forward } from "./objective";
import { sampleLogRatio } from "./q-flow";

/** y ~ q(y|x), [B, D], evaluation mode; `eps` [B, D] is the reparameterisation noise, `seed` any other noise's. */
export function drawPosterior(fw: Forward, x: tf.Tensor, eps: tf.Tensor2D, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const q = fw.encode(x, false, seed);
    if (fw.qFlow) return sampleLogRatio(q, eps, fw.qFlow, fw.prior).y;
    if (fw.prior) return fw.prior.importance(q, eps, { seed, chunk: 0 }).y;
    return tf.add(q.mean, tf.mul(tf.exp(tf.mul(q.logvar, 0.5)), eps)) as tf.Tensor2D;
  });
}
