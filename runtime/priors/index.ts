// The prior of an IR's intermediary as a runtime object; null for N(0, I), which the objectives
// handle on their own analytic path (kept bit-for-bit as the emitter's programs compute it).
import type { PriorIR } from "../../compiler/ir/types";
import { LaplacePrior } from "./laplace";
import { MixturePrior } from "./mog";
import type { Prior, PriorContext } from "./prior";
import { SpikeSlabPrior } from "./spike-slab";
import { VampPrior } from "./vamp";

export type { DrawOptions, Posterior, Prior, PriorContext } from "./prior";

/** Default selection sharpness [start, end] for spike-and-slab IR written before the field existed. */
export const DEFAULT_SHARPNESS: [number, number] = [50, 200];

export function makePrior(ir: PriorIR, ctx: PriorContext): Prior | null {
  switch (ir.kind) {
    case "normal":
      return null;
    case "mog":
      return new MixturePrior(ir, ctx.params);
    case "vamp":
      return new VampPrior(ir, ctx);
    case "laplace":
      return new LaplacePrior(ir.loc, ir.scale, ctx.latentDim);
    case "spike_slab":
      return new SpikeSlabPrior(ir.alpha, ir.sharpness ?? DEFAULT_SHARPNESS, ctx.latentDim);
    default: {
      const bad: never = ir;
      throw new Error(`internal error: unknown prior ${JSON.stringify(bad)}`);
    }
  }
}

/** Encoder values per latent coordinate for a prior: 3 for spike-and-slab (its spike logits), else 2. */
export const encoderHeads = (ir: PriorIR): 2 | 3 => (ir.kind === "spike_slab" ? 3 : 2);
