// Training schemes (TrainIR.scheme): one implementation per IR kind. The loop calls a scheme's step
// instead of its own single-loss step; `plain` is that step (schemes that start with plain ELBO steps).
import type * as tf from "@tensorflow/tfjs";
import type { SchemeIR } from "../../../compiler/ir/types";
import type { CompiledModel, LossOptions } from "../../model/compiled";
import { isGrouped } from "../groups";
import type { StepValues } from "../step";
import { softIntroScheme } from "./soft-intro";

export interface SchemeStepInput {
  x: tf.Tensor;
  /** the step's noise seed */
  seed: number;
  /** optimizer steps done before this one */
  step: number;
  opts: LossOptions;
  clipNorm: number | null;
  /** the loop's single-loss step on the objective, all groups at once */
  plain: () => StepValues;
}

export interface Scheme {
  step(input: SchemeStepInput): StepValues;
  /** extra fields of metrics.jsonl's step lines */
  metrics?(): Record<string, unknown>;
}

const SCHEMES: { [K in SchemeIR["kind"]]: (ir: Extract<SchemeIR, { kind: K }>, model: CompiledModel, optimizer: tf.Optimizer) => Scheme } = {
  soft_intro: (ir, model, optimizer) => {
    if (!isGrouped(optimizer)) throw new Error("internal error: the soft_intro scheme needs optimizer groups (the compiler requires them, IV5060)");
    return softIntroScheme(ir, model, optimizer);
  },
};

export function makeScheme(ir: SchemeIR | null, model: CompiledModel, optimizer: tf.Optimizer): Scheme | null {
  return ir ? SCHEMES[ir.kind](ir, model, optimizer) : null;
}
