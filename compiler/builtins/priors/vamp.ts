// VampPrior (baseline, Tomczak & Welling 2018): a mixture of q(y | u_k) over learnable pseudo-inputs.
import { z } from "zod";
import { COUNT, opt } from "../define";
import { definePrior } from "./descriptor";

export const vamp = definePrior(
  z.object({
    kind: z.literal("vamp"),
    k: z.int().min(1),
    /** param id, [k, ...data shape] */
    pseudoInputs: z.string(),
    kl: z.literal("monte_carlo"),
    /** "data": overwrite the pseudo-inputs with k random training points before training */
    init: z.enum(["data", "normal"]),
  }),
)({
  name: "VampPrior",
  kind: "vamp",
  title: "a VampPrior",
  params: [opt("k", "Int", 500, "pseudo-inputs", COUNT), opt("init", "String", "data", '"data" (random training points) or "normal"', ["data", "normal"])],
  doc: "baseline (Tomczak & Welling 2018): the mixture (1/k) Σ q(y | uₖ) over k learnable pseudo-inputs uₖ shaped like x; Monte Carlo KL",
  analyticKl: false,
  heads: 2,
  sparse: false,
  lower({ num, args, data, param }) {
    const k = num("k");
    const pseudoInputs = param("prior/pseudo_inputs", [k, ...data], { kind: "normal", mean: 0, std: 1 });
    return { kind: "vamp", k, pseudoInputs, init: args.init === "normal" ? "normal" : "data", kl: "monte_carlo" };
  },
  describe: (p) =>
    ` (${p.k} learned pseudo-inputs, initialised from ${p.init === "normal" ? "N(0, 1) noise" : "training points"}); KL by Monte Carlo (one sample per datapoint: no closed form)`,
});
