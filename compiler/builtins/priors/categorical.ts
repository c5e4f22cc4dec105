// Categorical (discrete latents): the intermediary is G one-hot vectors of K classes, `OneHot[K]` or
// `OneHot[G, K]`; the encoder's head gives G·K logits. Training reparameterises with the relaxed
// (concrete / Gumbel-softmax) sample at a temperature annealed over training, optionally straight
// through; the KL is the analytic categorical one. runtime/latents/categorical.ts is its math.
import { z } from "zod";
import { opt, POSITIVE } from "../define";
import { definePrior } from "./descriptor";

export const categorical = definePrior(
  z.object({
    kind: z.literal("categorical"),
    /** G independent categoricals of K classes; the latent's rows hold them flat, group-major */
    groups: z.int().min(1),
    classes: z.int().min(2),
    /** log p(k), normalised, [K] (uniform: −log K each) */
    logPrior: z.array(z.number()),
    /** the relaxation's temperature τ, annealed geometrically from [0] to [1] over training */
    temperature: z.tuple([z.number().positive(), z.number().positive()]),
    /** forward the hard one-hot, backward the relaxed sample's gradient */
    straightThrough: z.boolean(),
    kl: z.literal("analytic"),
  }),
)({
  name: "Categorical",
  kind: "categorical",
  title: "a categorical (one-hot) prior",
  params: [
    opt("temperature", "Real", 1, "the relaxed (Gumbel-softmax) sample's temperature τ at the start of training", POSITIVE),
    opt("temperature_end", "Real", 0.5, "τ at the end of training, reached geometrically (evaluation uses it)", POSITIVE),
    opt("straight_through", "Bool", false, "the decoder reads the hard one-hot sample; its gradient is the relaxed sample's"),
    opt("probs", "Real[]", null, "the prior's class probabilities, K of them, positive (normalised); none = uniform 1/K"),
  ],
  doc: "discrete latents: each group of a `OneHot[K]` / `OneHot[G, K]` intermediary is categorical; relaxed (Gumbel-softmax) samples with an annealed temperature, optionally straight-through; analytic KL; IWAE on hard samples",
  analyticKl: true,
  noMonteCarloKl: { why: "q is categorical (its relaxed samples have no density against the prior)", hint: "the categorical KL is analytic: drop the option" },
  heads: 1,
  sparse: false,
  lower({ num, args, shape }) {
    const classes = shape.at(-1)!;
    const groups = shape.length === 2 ? shape[0]! : 1;
    const probs = Array.isArray(args.probs) ? (args.probs as number[]) : null;
    const total = probs ? probs.reduce((a, b) => a + b, 0) : 1;
    const logPrior = Array.from({ length: classes }, (_, k) => (probs ? Math.log(probs[k]! / total) : -Math.log(classes)));
    return {
      kind: "categorical",
      groups,
      classes,
      logPrior,
      temperature: [num("temperature"), num("temperature_end")],
      straightThrough: args.straight_through === true,
      kl: "analytic",
    };
  },
  describe: (p) =>
    ` (${p.groups} × ${p.classes} classes, ${p.logPrior.every((l) => Math.abs(l - p.logPrior[0]!) < 1e-12) ? "uniform" : "given"} prior; relaxed samples, τ ${p.temperature[0]} → ${p.temperature[1]}${p.straightThrough ? ", straight-through" : ""}); KL analytic (categorical against the prior); IWAE on hard samples`,
});
