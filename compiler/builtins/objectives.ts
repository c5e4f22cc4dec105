// Objectives, minimised: `objective elbo(beta: 1)`. The mapping's penalties (`penalty` statements)
// are always added. Densities are taken on the intermediary y, before the mapping (docs/architecture.md §1).
import { COUNT, maker, NONNEG, NONNEG_INT, opt } from "./define";
import type { Builtin, BuiltinParam } from "./types";

const objective = maker("objective");

/**
 * An encoder flow (the planar and Sylvester baselines): q(y|x) is y = f(y₀), y₀ ~ N(μ(x), σ²(x)).
 * f's parameters are global, learned with the model; van den Berg et al. amortise them (the encoder
 * emits them per datapoint), we do not.
 */
const Q_FLOW: BuiltinParam[] = [
  opt(
    "q_flow",
    "String",
    "none",
    'y = f(y₀), y₀ ~ N(μ(x), σ²(x)), f a stack of invertible layers with global (non-amortised) learnable parameters; log q(y|x) = log N(y₀; μ, σ²) − log|det ∂f/∂y₀|, so the KL is Monte Carlo; representations are g(f(μ(x)))',
    ["none", "planar", "sylvester"],
  ),
  opt("q_flow_layers", "Int", 4, "layers of the encoder flow", COUNT),
];

export const OBJECTIVES: readonly Builtin[] = [
  objective(
    "elbo",
    [
      opt("beta", "Real", 1, "weight of the KL (β-VAE)", NONNEG),
      opt("warmup", "Int", 0, "epochs over which β rises linearly from 0 to beta; 0 = none", NONNEG_INT),
      opt("samples", "Int", 1, "Monte Carlo samples of y per datapoint: the reconstruction (and a Monte Carlo KL) is averaged over them", COUNT),
      opt("kl", "String", "auto", '"auto": analytic where it exists; "analytic": an error where none exists; "mc": log q(y|x) − log p(y) on the sampled y', ["auto", "analytic", "mc"]),
      ...Q_FLOW,
    ],
    "the negative ELBO: −E_q[log p(x | g(y))] + β·KL(q(y | x) ‖ p(y)) + Σ penalties, averaged over the minibatch",
  ),
  objective(
    "iwae",
    [opt("k", "Int", 5, "importance samples per datapoint", COUNT), opt("warmup", "Int", 0, "epochs of ELBO training before switching to IWAE", NONNEG_INT), ...Q_FLOW],
    "the negative importance-weighted bound −log (1/k) Σₖ wₖ, wₖ = p(x | g(yₖ))·p(yₖ) / q(yₖ | x), yₖ ~ q(y | x), + Σ penalties; k = 1 is the ELBO",
  ),
];
