// Priors on the intermediary: `intermediary y : Real[50] ~ Normal(0, I)`. An InteL-VAE's prior is
// always N(0, I); every other prior makes the model a BASELINE (the paper's comparisons), and the
// compiler says so. The KL is analytic where it exists and Monte Carlo otherwise (each doc says which);
// the compiler reports the choice.
import { maker, opt } from "./define";
import type { Builtin } from "./types";

const prior = maker("prior");

export const PRIORS: readonly Builtin[] = [
  prior(
    "Normal",
    [opt("mean", "any", 0, "0 (the InteL-VAE prior), a Real or a list literal"), opt("cov", "any", 1, "I (the InteL-VAE prior; the default 1 means I) (an InteL-VAE needs exactly N(0, I), IV5002: put any scale c into the mapping, e.g. `mapping z = c * y`)")],
    "N(mean, cov); Normal(0, I) is the InteL-VAE prior, with an analytic KL",
  ),
  prior(
    "MixtureOfGaussians",
    [
      opt("k", "Int", 2, "components"),
      opt("distance", "Real", 2, "k = 2: means at ±distance on dim 0; k > 2: evenly on a circle of this radius in the first two dims"),
      opt("std", "Real", 1, "each component's std"),
      opt("learnable", "Bool", false, "learn the means, log-stds and mixing weights"),
    ],
    "baseline: a mixture of k Gaussians with equal weights; Monte Carlo KL",
  ),
  prior(
    "VampPrior",
    [opt("k", "Int", 500, "pseudo-inputs"), opt("init", "String", "data", '"data" (random training points) or "normal"')],
    "baseline (Tomczak & Welling 2018): the mixture (1/k) Σ q(y | uₖ) over k learnable pseudo-inputs uₖ shaped like x; Monte Carlo KL",
  ),
  prior("Laplace", [opt("loc", "Real", 0), opt("scale", "Real", 1)], "baseline: independent Laplace(loc, scale) coordinates, a sparsity-inducing prior; Monte Carlo KL"),
  prior(
    "SpikeAndSlab",
    [
      opt("alpha", "Real", 0.5, "slab probability, in (0, 1)"),
      opt("sharpness", "Real", 50, "the relaxed spike selection's sharpness c at the start of training"),
      opt("sharpness_end", "Real", 200, "c at the end of training, reached linearly (evaluation uses it)"),
    ],
    "baseline VSC (Tonolini et al., UAI 2019): each coordinate is N(0, 1) with probability alpha, else exactly 0; the encoder gains a spike-probability head; analytic KL",
  ),
];
