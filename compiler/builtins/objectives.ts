// Objectives, minimised: `objective elbo(beta: 1)`. The mapping's penalties (`penalty` statements)
// are always added. Densities are taken on the intermediary y, before the mapping (DESIGN §1).
import { maker, opt } from "./define";
import type { Builtin } from "./types";

const objective = maker("objective");

export const OBJECTIVES: readonly Builtin[] = [
  objective(
    "elbo",
    [
      opt("beta", "Real", 1, "weight of the KL, ≥ 0 (β-VAE)"),
      opt("warmup", "Int", 0, "epochs over which β rises linearly from 0 to beta; 0 = none"),
      opt("samples", "Int", 1, "Monte Carlo samples of y per datapoint"),
      opt("kl", "String", "auto", '"auto" (analytic where it exists), "analytic" or "mc"'),
    ],
    "the negative ELBO: −E_q[log p(x | g(y))] + β·KL(q(y | x) ‖ p(y)) + Σ penalties, averaged over the minibatch",
  ),
  objective(
    "iwae",
    [opt("k", "Int", 5, "importance samples per datapoint"), opt("warmup", "Int", 0, "epochs of ELBO training before switching to IWAE")],
    "the negative importance-weighted bound −log (1/k) Σₖ wₖ, wₖ = p(x | g(yₖ))·p(yₖ) / q(yₖ | x), yₖ ~ q(y | x), + Σ penalties; k = 1 is the ELBO",
  ),
];
