// Categorical (discrete latents): the intermediary is G one-hot vectors of K classes, `OneHot[K]` or
// `OneHot[G, K]`; the encoder's head gives G·K logits. Training reparameterises with the relaxed
// (concrete / Gumbel-softmax) sample at a temperature annealed over training, optionally straight
// through; the KL is the analytic categorical one. runtime/latents/categorical.ts is its math.
// `layers: L` stacks L discrete layers (Willetts et al. 2020): c_L → … → c_1 → x, c_1 the
// intermediary; see the `stack` field and runtime/latents/stack.ts.
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
    /**
     * The layers above the intermediary c_1, bottom-up: entry i is c_{i+2} (absent with one layer).
     * `transition` [G·K_{i+2}, G·K_{i+1}] and `bias` [G·K_{i+1}] give the logits of p(c_{i+1} | c_{i+2});
     * `codebook` [K_{i+2}, E] is its relaxed-responsibility codebook. `logPrior` is then the TOP layer's
     * p(c_L), and the responsibility `weights` its learned π.
     */
    stack: z.array(z.object({ classes: z.int().min(2), transition: z.string(), bias: z.string(), codebook: z.string().optional() })).min(1).optional(),
  }),
)({
  name: "Categorical",
  kind: "categorical",
  title: "a categorical (one-hot) prior",
  params: [
    opt("temperature", "Real", 1, "the relaxed (Gumbel-softmax) sample's temperature τ at the start of training", POSITIVE),
    opt("temperature_end", "Real", 0.5, "τ at the end of training, reached geometrically (evaluation uses it)", POSITIVE),
    opt("straight_through", "Bool", false, "the decoder reads the hard one-hot sample; its gradient is the relaxed sample's"),
    opt("probs", "Real[]", null, "the prior's class probabilities, K of them (of the top layer, in a stack), positive (normalised); none = uniform 1/K"),
    opt("posterior", "String", "logits", '"logits" (the encoder gives G·K logits) or "responsibility" (Willetts et al. 2020: softmax of log π_k − ‖h − e_k‖²/2σ² from encoder features h and a learned codebook e; π learned)', ["logits", "responsibility"]),
    opt("code_dim", "Int", 8, "responsibility: the size E of the encoder's feature per group and of each code vector", COUNT),
    opt("sigma", "Real", 1, "responsibility: the Gaussian distance's scale σ", POSITIVE),
    opt("layers", "Int", 1, "L stacked discrete layers c_L → … → c_1 (c_1 is the intermediary), each p(c_l | c_{l+1}) a learned log-linear table; top-down posteriors (Willetts et al. train up to 32)", "int [1, 64]"),
    opt("layer_classes", "Int[]", null, "the class counts K_2 … K_L of the layers above c_1 (L − 1 of them, each ≥ 2); none = the intermediary's K for every layer"),
  ],
  doc: "discrete latents: each group of a `OneHot[K]` / `OneHot[G, K]` intermediary is categorical; relaxed (Gumbel-softmax) samples with an annealed temperature, optionally straight-through; analytic KL (per layer, for a stack); IWAE on hard samples; `layers: L` stacks L discrete layers sampled top-down (Willetts et al. 2020)",
  analyticKl: true,
  noMonteCarloKl: { why: "q is categorical (its relaxed samples have no density against the prior)", hint: "the categorical KL is analytic: drop the option" },
  heads: 1,
  encoderUnits(args, shape) {
    const groups = shape.length === 2 ? shape[0]! : 1;
    const classes = layerClasses(args, shape.at(-1)!);
    if (args.posterior === "responsibility") return classes.length * groups * Number(args.code_dim);
    return classes.length > 1 ? groups * classes.reduce((a, b) => a + b, 0) : null;
  },
  sparse: false,
  lower({ num, args, shape, param }) {
    const classes = shape.at(-1)!;
    const groups = shape.length === 2 ? shape[0]! : 1;
    const perLayer = layerClasses(args, classes);
    const top = perLayer.at(-1)!;
    const probs = Array.isArray(args.probs) ? (args.probs as number[]) : null;
    const total = probs ? probs.reduce((a, b) => a + b, 0) : 1;
    const logPrior = Array.from({ length: top }, (_, k) => (probs ? Math.log(probs[k]! / total) : -Math.log(top)));
    const responsible = args.posterior === "responsibility";
    // p(c_{l-1} | c_l) starts uniform (zeros): a fresh stack's every layer has the top's uniform prior
    const stack = perLayer.slice(1).map((k, i) => {
      const at = `prior/layer_${i + 2}`;
      return {
        classes: k,
        transition: param(`${at}/transition`, [groups * k, groups * perLayer[i]!], { kind: "zeros" }),
        bias: param(`${at}/bias`, [groups * perLayer[i]!], { kind: "zeros" }),
        ...(responsible ? { codebook: param(`${at}/codebook`, [k, num("code_dim")], { kind: "normal", mean: 0, std: 1 }) } : {}),
      };
    });
    const node = {
      kind: "categorical" as const,
      groups,
      classes,
      logPrior,
      temperature: [num("temperature"), num("temperature_end")] as [number, number],
      straightThrough: args.straight_through === true,
      kl: "analytic" as const,
      ...(stack.length > 0 ? { stack } : {}),
    };
    if (!responsible) return node;
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
    ` (${p.groups} × ${p.classes} classes, ${p.logPrior.every((l) => Math.abs(l - p.logPrior[0]!) < 1e-12) ? "uniform" : "given"} prior${p.stack ? " on the top layer" : ""}; relaxed samples, τ ${p.temperature[0]} → ${p.temperature[1]}${p.straightThrough ? ", straight-through" : ""}${p.responsibility ? `; relaxed-responsibility posterior, ${p.responsibility.codeDim}-D codebook${p.stack ? "s" : ""}, learned weights` : ""}` +
    (p.stack
      ? `; a stack of ${p.stack.length + 1} layers c_${p.stack.length + 1} → … → c_1 (classes ${[p.classes, ...p.stack.map((l) => l.classes)].join(", ")} from c_1 up), each p(c_l | c_{l+1}) a learned log-linear table, sampled top-down; posteriors top-down, q(c_l | c_{l+1}, x) ∝ p(c_l | c_{l+1}) times the encoder's evidence); KL analytic per layer (categorical against p(c_l | c_{l+1}) at the sampled parent)`
      : "); KL analytic (categorical against the prior)") +
    "; IWAE on hard samples",
});

/** K_1 … K_L: the intermediary's K, then `layer_classes` (or K again) for each layer above it. */
export function layerClasses(args: Record<string, unknown>, classes: number): number[] {
  const layers = Number(args.layers ?? 1);
  const above = Array.isArray(args.layer_classes) ? (args.layer_classes as number[]) : Array.from({ length: layers - 1 }, () => classes);
  return [classes, ...above.slice(0, layers - 1)];
}
