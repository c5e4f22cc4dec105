// Mixture of Gaussians (baseline): fixed means on a line or a circle, or learnable means, stds, weights.
import { z } from "zod";
import { COUNT, opt, POSITIVE } from "../define";
import { definePrior } from "./descriptor";

export const mixture = definePrior(
  z.object({
    kind: z.literal("mog"),
    k: z.int().min(1),
    means: z.array(z.array(z.number())),
    std: z.number().positive(),
    learnable: z.boolean(),
    kl: z.literal("monte_carlo"),
    /** when learnable: means = `means` + meanOffsets [k, D], stds = exp(logStd) [k], weights = softmax(logits) [k] */
    params: z.object({ meanOffsets: z.string(), logStd: z.string(), logits: z.string() }).optional(),
    /** clip_logvar: the state id of [on, lo, hi], the adaptive clip of the modes' log-variances
     * (runtime/priors/logvar-clip.ts); the soft_intro scheme sets it at its first introspective step */
    clip: z.string().optional(),
  }),
)({
  name: "MixtureOfGaussians",
  kind: "mog",
  title: "a mixture of Gaussians",
  params: [
    opt("k", "Int", 2, "components", COUNT),
    opt("distance", "Real", 2, "k = 2: means at ±distance on dim 0; k > 2: evenly on a circle of this radius in the first two dims"),
    opt("std", "Real", 1, "each component's std", POSITIVE),
    opt("learnable", "Bool", false, "learn the means, log-stds and mixing weights"),
    opt(
      "clip_logvar",
      "Bool",
      false,
      "adaptive variance clipping (Athanasiadis et al. 2025): from soft_intro's first introspective step, each mode's log-variance is softly clipped to the range the modes' log-variances spanned at that step",
    ),
  ],
  doc: "baseline: a mixture of k Gaussians with equal weights; Monte Carlo KL",
  analyticKl: false,
  heads: 2,
  sparse: false,
  lower({ num, dim, args, param, state }) {
    const k = num("k");
    const r = num("distance");
    const std = num("std");
    // k = 2: ±distance on dim 0; k > 2: evenly on a circle of radius `distance` in dims 0 and 1.
    const means = Array.from({ length: k }, (_, i) => {
      const m = new Array<number>(dim).fill(0);
      if (k === 2) m[0] = i === 0 ? -r : r;
      else {
        m[0] = r * Math.cos((2 * Math.PI * i) / k);
        if (dim > 1) m[1] = r * Math.sin((2 * Math.PI * i) / k);
      }
      return m;
    });
    const learnable = args.learnable === true;
    if (!learnable) return { kind: "mog", k, means, std, learnable, kl: "monte_carlo" };
    const params = {
      meanOffsets: param("prior/mean_offsets", [k, dim], { kind: "zeros" }),
      logStd: param("prior/log_std", [k], { kind: "constant", value: Math.log(std) }),
      logits: param("prior/logits", [k], { kind: "zeros" }),
    };
    // [on, lo, hi]: state, not a parameter (no optimizer moves it; checkpoints keep it)
    const clip = args.clip_logvar === true ? { clip: state("prior/logvar_clip", [3], { kind: "zeros" }) } : {};
    return { kind: "mog", k, means, std, learnable, kl: "monte_carlo", params, ...clip };
  },
  describe: (p, y) =>
    ` (${p.k} components, ${p.learnable ? "learned means, stds and weights" : "fixed"}${p.clip ? ", log-variances clipped adaptively" : ""}); KL by Monte Carlo (one sample of ${y} per datapoint: no closed form)`,
});
