// Every likelihood's descriptor, and the IR schema of `ir.likelihood` (a union over their kinds).
import { z } from "zod";
import { bernoulli } from "./bernoulli";
import type { LikelihoodDescriptor } from "./descriptor";
import { flowDecoder } from "./flow-decoder";
import { gaussian } from "./gaussian";
import { laplace } from "./laplace";
import { studentT } from "./student-t";

export type { LikelihoodDescriptor, LikelihoodLowering } from "./descriptor";

export const LIKELIHOOD_IR = z.discriminatedUnion("kind", [bernoulli.ir, gaussian.ir, laplace.ir, studentT.ir, flowDecoder.ir]);

/** The IR of the decoder's likelihood. */
export type LikelihoodIR = z.infer<typeof LIKELIHOOD_IR>;

/** In documentation order. */
export const LIKELIHOODS: readonly LikelihoodDescriptor[] = [bernoulli, gaussian, laplace, studentT, flowDecoder] as readonly LikelihoodDescriptor[];

export function likelihoodByName(name: string): LikelihoodDescriptor | undefined {
  return LIKELIHOODS.find((l) => l.name === name);
}

export function likelihoodByKind(kind: string): LikelihoodDescriptor | undefined {
  return LIKELIHOODS.find((l) => l.kind === kind);
}
