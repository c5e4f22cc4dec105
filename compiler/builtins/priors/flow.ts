// Flow prior (baseline, f-VAE style, Su & Wu 2018): p(y) = N(F(y); 0, I)·|det ∂F/∂y| for an invertible
// F written layer by layer in the normalising direction y → base, so log p(y) of an encoder sample is
// exact (change of variables) and the KL is Monte Carlo; samples are F⁻¹ of base samples.
// `Flow(Normal(0, I), layers: [...])`, or `Flow(depth: 4, hidden: [64])`: `depth` Glow-style steps
// [actnorm(), affine_coupling(hidden), permute()]. The layers: flow-layers.ts.
import { z } from "zod";
import type { Value } from "../../ir/types";
import { COUNT, opt } from "../define";
import { definePrior } from "./descriptor";
import { FLOW_LAYER_IR, lowerFlowLayers } from "./flow-layers";

export const flow = definePrior(z.object({ kind: z.literal("flow"), layers: z.array(FLOW_LAYER_IR).min(1), kl: z.literal("monte_carlo") }))({
  name: "Flow",
  kind: "flow",
  title: "a flow prior",
  params: [
    { ...opt("base", "any", null, "the base distribution: Normal(0, I), the only one (IV5030); none = Normal(0, I)"), calls: "prior" },
    { ...opt("layers", "any", null, "the flow layers in the normalising direction y → base (see Flow layers); none = `depth` steps [actnorm(), affine_coupling(hidden: hidden), permute()]"), calls: "flow_layer" },
    opt("depth", "Int", 4, "without `layers`: the number of actnorm–coupling–permute steps", COUNT),
    opt("hidden", "Int[]", [64], "without `layers`: each coupling's conditioner hidden sizes"),
  ],
  doc: "baseline (f-VAE's flow prior, Su & Wu 2018): p(y) = N(F(y); 0, I)·|det ∂F/∂y| for learned invertible layers F; exact log-density, Monte Carlo KL, exact prior term in IWAE",
  analyticKl: false,
  heads: 2,
  sparse: false,
  lower({ args, num, dim, param, calls }) {
    const written = calls("layers");
    const steps = Array.from({ length: num("depth") }, (): { name: string; args: Record<string, Value> }[] => [
      { name: "actnorm", args: {} },
      { name: "affine_coupling", args: { hidden: args.hidden ?? [64] } },
      { name: "permute", args: {} },
    ]).flat();
    const layers = lowerFlowLayers(args.layers === null ? steps : written, { dim, param, prefix: "prior/flow", context: 0 });
    return { kind: "flow", layers, kl: "monte_carlo" };
  },
  describe: (p, y) => {
    const counts = new Map<string, number>();
    for (const l of p.layers) counts.set(l.kind, (counts.get(l.kind) ?? 0) + 1);
    const list = [...counts].map(([k, n]) => `${n}× ${k}`).join(", ");
    return ` (N(0, I) through ${p.layers.length} layers: ${list}); KL by Monte Carlo (log p(${y}) exact by change of variables, one sample of ${y} per datapoint); IWAE's prior term exact`;
  },
});
