// Categorical (discrete latents): the intermediary is G one-hot vectors of K classes, `OneHot[K]` or
// `OneHot[G, K]`; the encoder's head gives G·K logits. Training reparameterises with the relaxed
// (concrete / Gumbel-softmax) sample at a temperature annealed over training, optionally straight
// through; the KL is the analytic categorical one. runtime/latents/categorical.ts is its math.
import { z } from "zod";
import { COUNT, opt, POSITIVE } from "../define";
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
    /**
     * The relaxed-responsibility posterior (Willetts et al. 2020): the encoder gives a feature h_g [E]
     * per group; logit_gk = log π_k − ‖h_g − e_k‖² / (2σ²) with a learned codebook e [K, E] and
     * learned mixture weights π = softmax(logPrior + weights), which are also the prior's p(c).
     */
    responsibility: z.object({ codebook: z.string(), weights: z.string(), codeDim: z.int().min(1), sigma: z.number().positive() }).optional(),
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
    opt("posterior", "String", "logits", '"logits" (the encoder gives G·K logits) or "responsibility" (Willetts et al. 2020: softmax of log π_k − ‖h − e_k‖²/2σ² from encoder features h and a learned codebook e; π learned)', ["logits", "responsibility"]),
    opt("code_dim", "Int", 8, "responsibility: the size E of the encoder's feature per group and of each code vector", COUNT),
    opt("sigma", "Real", 1, "responsibility: the Gaussian distance's scale σ", POSITIVE),
  ],
  doc: "discrete latents: each group of a `OneHot[K]` / `OneHot[G, K]` intermediary is categorical; relaxed (Gumbel-softmax) samples with an annealed temperature, optionally straight-through; analytic KL; IWAE on hard samples",
  analyticKl: true,
  noMonteCarloKl: { why: "q is categorical (its relaxed samples have no density against the prior)", hint: "the categorical KL is analytic: drop the option" },
  heads: 1,
  encoderUnits: (args, shape) => (args.posterior === "responsibility" ? (shape.length === 2 ? shape[0]! : 1) * Number(args.code_dim) : null),
  sparse: false,
  lower({ num, args, shape, param }) {
    const classes = shape.at(-1)!;
    const groups = shape.length === 2 ? shape[0]! : 1;
    const probs = Array.isArray(args.probs) ? (args.probs as number[]) : null;
    const total = probs ? probs.reduce((a, b) => a + b, 0) : 1;
    const logPrior = Array.from({ length: classes }, (_, k) => (probs ? Math.log(probs[k]! / total) : -Math.log(classes)));
    const node = {
      kind: "categorical" as const,
      groups,
      classes,
      logPrior,
      temperature: [num("temperature"), num("temperature_end")] as [number, number],
      straightThrough: args.straight_through === true,
      kl: "analytic" as const,
    };
    if (args.posterior !== "responsibility") return node;
    const codeDim = num("code_dim");
    const responsibility = {
      codebook: param("prior/codebook", [classes, codeDim], { kind: "normal", mean: 0, std: 1 }),
      weights: param("prior/weights", [classes], { kind: "zeros" }),
      codeDim,
      sigma: num("sigma"),
    };
    return { ...node, responsibility };
  },
  describe: (p) =>
    ` (${p.groups} × ${p.classes} classes, ${p.logPrior.every((l) => Math.abs(l - p.logPrior[0]!) < 1e-12) ? "uniform" : "given"} prior; relaxed samples, τ ${p.temperature[0]} → ${p.temperature[1]}${p.straightThrough ? ", straight-through" : ""}${p.responsibility ? `; relaxed-responsibility posterior, ${p.responsibility.codeDim}-D codebook, learned weights` : ""}); KL analytic (categorical against the prior); IWAE on hard samples`,
});
