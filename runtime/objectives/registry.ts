// Each objective IR kind's loss, once (the kinds are compiler/builtins/objectives.ts's descriptors).
// The interpreter and the emitted program both reach it through runtime/model/build.ts.
import type * as tf from "@tensorflow/tfjs";
import type { ObjectiveIR } from "../../compiler/ir/types";
import type { LossOptions, LossTerms } from "../model/compiled";
import { elboEstimator } from "./elbo-mc";
import { elboTerms, iwaeTerms, type Forward, type StageSeeds } from "./objective";
import { tcElboTerms } from "./tc-elbo";
import { gecoTerms } from "./constraint";

/** One objective's loss terms on a batch. */
export type ObjectiveLoss<O extends ObjectiveIR = ObjectiveIR> = (fw: Forward, x: tf.Tensor, o: O, s: StageSeeds, training: boolean, opts: LossOptions) => LossTerms;

type Registry = { [K in ObjectiveIR["kind"]]: ObjectiveLoss<Extract<ObjectiveIR, { kind: K }>> };

const OBJECTIVE_LOSSES: Registry = {
  elbo: (fw, x, o, s, training, opts) => elboTerms(fw, x, s, training, opts.beta ?? o.beta, opts.progress, elboEstimator(o)),
  iwae: (fw, x, o, s, training) => iwaeTerms(fw, x, o.k, s, training),
  tc_elbo: tcElboTerms,
  geco: gecoTerms,
};

export function objectiveLoss(o: ObjectiveIR): ObjectiveLoss {
  const f = OBJECTIVE_LOSSES[o.kind] as ObjectiveLoss | undefined;
  if (!f) throw new Error(`this runtime has no objective of kind ${JSON.stringify(o.kind)}`);
  return f;
}
