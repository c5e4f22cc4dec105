// GECO's Lagrangian (ObjectiveIR geco; Rezende & Viola 2018) and its multiplier's update, and the
// REWO schedule (Klushyn et al. 2019) on top of it. The loss of a batch is
//   KL(q(y|x) ‖ p(y)) + λ·(recon − κ) + Σ penalties        (REWO before the constraint first holds: λ·(recon − κ) + Σ penalties)
// with λ fixed during the step; after each optimizer step the training loop calls nextConstraint:
//   c = recon − κ (the batch's),  ĉ ← c on the first step, else α·ĉ + (1 − α)·c,
//   λ ← clip(λ·exp(rate·ĉ), lo, hi)   (REWO: λ held until ĉ ≤ 0 first).
// The state is plain numbers (a checkpoint's JSON restores it bit for bit).
import * as tf from "@tensorflow/tfjs";
import type { ObjectiveIR } from "../../compiler/ir/types";
import type { LossOptions, LossTerms } from "../model/compiled";
import { elboTerms, type Forward, type StageSeeds } from "./objective";

type Geco = Extract<ObjectiveIR, { kind: "geco" }>;

/** λ and the constraint's moving average: training state (TrainState.objective). */
export interface ConstraintState {
  lambda: number;
  /** ĉ, the moving average of recon − κ; null before the first step */
  average: number | null;
  /** REWO: the constraint has held (ĉ ≤ 0) at some step, so the KL is on; always true for GECO */
  klOn: boolean;
}

export const initialConstraint = (o: Geco): ConstraintState => ({ lambda: o.lambdaInit, average: null, klOn: o.schedule === "geco" });

/** The state a run of this objective starts with; undefined for objectives without one. */
export const startingConstraint = (o: ObjectiveIR): ConstraintState | undefined => (o.kind === "geco" ? initialConstraint(o) : undefined);

/** metrics.jsonl's fields for the state: λ and ĉ. */
export const constraintRecord = (s: ConstraintState | undefined): Record<string, number | null> => (s ? { lambda: s.lambda, constraint: s.average } : {});

/** The state after a step whose batch had this reconstruction term. */
export function nextConstraint(o: Geco, s: ConstraintState, recon: number): ConstraintState {
  const c = recon - o.kappa;
  const average = s.average === null ? c : o.alpha * s.average + (1 - o.alpha) * c;
  const klOn = s.klOn || average <= 0;
  if (!klOn) return { lambda: s.lambda, average, klOn };
  const [lo, hi] = o.lambdaRange;
  return { lambda: Math.min(hi, Math.max(lo, s.lambda * Math.exp(o.rate * average))), average, klOn };
}

/** The ELBO's terms on its default one-sample path (any prior), recombined as the Lagrangian. */
export function gecoTerms(fw: Forward, x: tf.Tensor, o: Geco, s: StageSeeds, training: boolean, opts: LossOptions): LossTerms {
  const st = opts.constraint ?? initialConstraint(o);
  const t = elboTerms(fw, x, s, training, 0, opts.progress);
  const parts: tf.Scalar[] = [tf.mul(tf.sub(t.recon, o.kappa), st.lambda), ...Object.values(t.penalties)];
  if (st.klOn) parts.push(t.kl);
  return { ...t, loss: parts.length === 1 ? parts[0]! : (tf.addN(parts) as tf.Scalar) };
}
