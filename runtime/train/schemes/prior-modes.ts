// A learned mixture prior's modes during training (Athanasiadis et al. 2025): their weights for
// metrics.jsonl, the reset of inactive ones, and the responsibility regulariser.
import * as tf from "@tensorflow/tfjs";
import type { Forward } from "../../objectives/objective";
import type { MixturePrior } from "../../priors/mog";

/** The model's learnable mixture prior, if it has one. */
function learnedMixture(fw: Forward): MixturePrior | null {
  const p = fw.prior;
  return p && p.kind === "mog" && (p as MixturePrior).learnable ? (p as MixturePrior) : null;
}

/** A mode is inactive when its weight is below (1/K)². */
export const inactiveBelow = (k: number): number => 1 / (k * k);

/** `prior_weights` (the mixture's weights), `inactive_modes` and, once clip_logvar is on,
 * `prior_logvar_clip` ([lo, hi]); {} without a learned mixture. */
export function priorModes(fw: Forward): Record<string, unknown> {
  const m = learnedMixture(fw);
  if (!m) return {};
  const w = Array.from(tf.tidy(() => tf.exp(m.components().logW)).dataSync());
  const clip = m.clipState();
  return { prior_weights: w, inactive_modes: w.filter((v) => v < inactiveBelow(w.length)).length, ...(clip && clip[0]! > 0.5 ? { prior_logvar_clip: clip.slice(1) } : {}) };
}

/** clip_logvar's range, taken from the modes when the introspective game begins (a no-op after). */
export function startLogvarClip(fw: Forward): boolean {
  return learnedMixture(fw)?.startClip() ?? false;
}

export function resetInactiveModes(fw: Forward, seed: number): number {
  return learnedMixture(fw)?.resetInactiveModes(seed) ?? 0;
}

/**
 * −H(r̄), r̄ = the batch's mean responsibilities r_k(y) = w_k N(y; μ_k, σ_k²) / Σ_j w_j N(y; μ_j, σ_j²)
 * of the real batch's y (no gradient to y): minimised when the data is spread over every mode, so
 * that none goes inactive. Null without a learned mixture.
 */
export function responsibilityTerm(fw: Forward, y: tf.Tensor2D): tf.Scalar | null {
  const m = learnedMixture(fw);
  if (!m) return null;
  const c = m.components();
  const k = c.means.shape[0];
  const d = y.shape[1];
  const lsd = tf.broadcastTo(c.logSd, [k, d]);
  const r = tf.mul(tf.sub(tf.expandDims(y, 1), tf.expandDims(c.means, 0)), tf.expandDims(tf.exp(tf.neg(lsd)), 0));
  const logJoint = tf.add(tf.sub(tf.mul(tf.sum(tf.square(r), -1), -0.5), tf.sum(lsd, -1)), c.logW); // [B, K], up to a constant
  const resp = tf.mean(tf.softmax(logJoint, 1), 0); // r̄ [K]
  return tf.sum(tf.mul(resp, tf.log(tf.add(resp, 1e-12)))) as tf.Scalar;
}
