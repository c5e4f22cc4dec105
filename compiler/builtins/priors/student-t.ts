// Student-t (baseline): independent heavy-tailed t_ν(0, scale) coordinates; Monte Carlo KL.
import { z } from "zod";
import { opt, POSITIVE } from "../define";
import { definePrior } from "./descriptor";

export const studentT = definePrior(
  z.object({ kind: z.literal("student_t"), df: z.number().positive(), scale: z.number().positive(), kl: z.literal("monte_carlo") }),
)({
  name: "StudentT",
  kind: "student_t",
  title: "Student-t",
  params: [opt("df", "Real", 3, "degrees of freedom ν: heavier tails for small ν, N(0, scale²) as ν → ∞", POSITIVE), opt("scale", "Real", 1, undefined, POSITIVE)],
  doc: "baseline: independent Student-t(ν, 0, scale) coordinates, a heavy-tailed prior; Monte Carlo KL",
  analyticKl: false,
  heads: 2,
  sparse: false,
  lower: ({ num }) => ({ kind: "student_t", df: num("df"), scale: num("scale"), kl: "monte_carlo" }),
  describe: (p) => ` (ν = ${p.df}, scale ${p.scale}); KL by Monte Carlo (one sample per datapoint: no closed form against a Gaussian q)`,
});
