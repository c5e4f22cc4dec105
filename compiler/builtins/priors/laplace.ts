// Laplace (baseline): independent Laplace(loc, scale) coordinates, a sparsity-inducing prior.
import { z } from "zod";
import { opt, POSITIVE } from "../define";
import { definePrior } from "./descriptor";

export const laplace = definePrior(
  z.object({ kind: z.literal("laplace"), loc: z.number(), scale: z.number().positive(), kl: z.literal("monte_carlo") }),
)({
  name: "Laplace",
  kind: "laplace",
  title: "Laplace",
  params: [opt("loc", "Real", 0), opt("scale", "Real", 1, undefined, POSITIVE)],
  doc: "baseline: independent Laplace(loc, scale) coordinates, a sparsity-inducing prior; Monte Carlo KL",
  analyticKl: false,
  heads: 2,
  sparse: true,
  lower: ({ num }) => ({ kind: "laplace", loc: num("loc"), scale: num("scale"), kl: "monte_carlo" }),
  describe: (p) => ` (loc ${p.loc}, scale ${p.scale}); KL by Monte Carlo (one sample per datapoint: no closed form against a Gaussian q)`,
});
