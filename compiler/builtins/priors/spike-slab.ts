// Spike-and-slab (baseline VSC, Tonolini et al., UAI 2019): the encoder gains a spike-probability head.
import { z } from "zod";
import { opt, POSITIVE, UNIT_OPEN } from "../define";
import { definePrior } from "./descriptor";

export const spikeSlab = definePrior(
  z.object({
    kind: z.literal("spike_slab"),
    alpha: z.number().gt(0).lt(1),
    /** the relaxed selection's sharpness c, warmed up linearly from [0] to [1] over training */
    sharpness: z.tuple([z.number().positive(), z.number().positive()]),
    kl: z.literal("analytic"),
  }),
)({
  name: "SpikeAndSlab",
  kind: "spike_slab",
  title: "spike-and-slab (VSC)",
  params: [
    opt("alpha", "Real", 0.5, "slab probability", UNIT_OPEN),
    opt("sharpness", "Real", 50, "the relaxed spike selection's sharpness c at the start of training", POSITIVE),
    opt("sharpness_end", "Real", 200, "c at the end of training, reached linearly (evaluation uses it)", POSITIVE),
  ],
  doc: "baseline VSC (Tonolini et al., UAI 2019): each coordinate is N(0, 1) with probability alpha, else exactly 0; the encoder gains a spike-probability head; analytic KL",
  analyticKl: true,
  noMonteCarloKl: { why: "q and p put a point mass at 0", hint: "the spike-and-slab KL is analytic: drop the option, or use another prior" },
  heads: 3,
  sparse: true,
  lower: ({ num }) => ({ kind: "spike_slab", alpha: num("alpha"), sharpness: [num("sharpness"), num("sharpness_end")], kl: "analytic" }),
  describe: (p) => ` (slab probability ${p.alpha}); KL analytic (spike-and-slab q against the prior, per coordinate)`,
});
