// Every prior's descriptor, and the IR schema of `latent.prior` (a union over their kinds).
import { z } from "zod";
import { categorical } from "./categorical";
import type { PriorDescriptor } from "./descriptor";
import { flow } from "./flow";
import { hierarchical } from "./hierarchical";
import { laplace } from "./laplace";
import { mixture } from "./mixture";
import { normal } from "./normal";
import { spikeSlab } from "./spike-slab";
import { studentT } from "./student-t";
import { vamp } from "./vamp";

export type { PriorDescriptor, PriorLowering } from "./descriptor";
export { FLOW_LAYER_BUILTINS } from "./flow-layers";
export type { FlowLayerIR } from "./flow-layers";

export const PRIOR_IR = z.discriminatedUnion("kind", [normal.ir, mixture.ir, vamp.ir, laplace.ir, spikeSlab.ir, studentT.ir, flow.ir, categorical.ir, hierarchical.ir]);

/** The IR of the intermediary's prior. */
export type PriorIR = z.infer<typeof PRIOR_IR>;

/** In documentation order. */
export const PRIORS: readonly PriorDescriptor[] = [normal, mixture, vamp, laplace, spikeSlab, studentT, flow, categorical, hierarchical] as readonly PriorDescriptor[];

/** The descriptor of a prior's built-in name (`MixtureOfGaussians`) or IR kind (`mog`). */
export function priorByName(name: string): PriorDescriptor | undefined {
  return PRIORS.find((p) => p.name === name);
}

export function priorByKind(kind: string): PriorDescriptor | undefined {
  return PRIORS.find((p) => p.kind === kind);
}
