// The registry of prior implementations: one entry per IR kind (compiler/builtins/priors/ describes
// each prior; this is where its math lives). N(0, I) has no object: the objectives keep their own
// analytic path for it, bit-for-bit as the emitter's programs compute it. A kind missing here is a
// type error, so adding a prior cannot forget its runtime.
import type { PriorIR } from "../../compiler/ir/types";
import { FlowPrior } from "./flow";
import { CategoricalPrior } from "../latents/categorical";
import { HierarchicalPrior } from "./hierarchical";
import { LaplacePrior } from "./laplace";
import { MixturePrior } from "./mog";
import type { Prior, PriorContext } from "./prior";
import { SpikeSlabPrior } from "./spike-slab";
import { StudentTPrior } from "./student-t";
import { VampPrior } from "./vamp";

export type { DrawOptions, Posterior, Prior, PriorContext } from "./prior";

type Make<K extends PriorIR["kind"]> = (ir: Extract<PriorIR, { kind: K }>, ctx: PriorContext) => Prior | null;

const PRIORS: { [K in PriorIR["kind"]]: Make<K> } = {
  normal: () => null,
  mog: (ir, ctx) => new MixturePrior(ir, ctx.params, ctx.state),
  vamp: (ir, ctx) => new VampPrior(ir, ctx),
  laplace: (ir, ctx) => new LaplacePrior(ir.loc, ir.scale, ctx.latentDim),
  spike_slab: (ir, ctx) => new SpikeSlabPrior(ir.alpha, ir.sharpness, ctx.latentDim),
  student_t: (ir, ctx) => new StudentTPrior(ir.df, ir.scale, ctx.latentDim),
  flow: (ir, ctx) => new FlowPrior(ir, ctx),
  categorical: (ir, ctx) => new CategoricalPrior(ir, ctx.params),
  hierarchical: (ir, ctx) => new HierarchicalPrior(ir, ctx.params, ctx.latentDim),
};

export function makePrior(ir: PriorIR, ctx: PriorContext): Prior | null {
  const make = PRIORS[ir.kind] as Make<PriorIR["kind"]> | undefined;
  if (!make) throw new Error(`internal error: unknown prior ${JSON.stringify(ir)}`);
  return make(ir as never, ctx);
}
