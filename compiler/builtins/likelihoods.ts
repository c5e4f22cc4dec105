// Likelihoods p(x | z): `decoder p(x | z) : Bernoulli = conv_decoder(...)`. The decoder network's
// output has the data's shape and holds the likelihood's parameter (logits or means); any noise scale
// lives here. Each entry says which data range it supports (the model rules check the data against it).
import { maker, opt, POSITIVE } from "./define";
import type { Builtin } from "./types";

const likelihood = maker("likelihood");

export const LIKELIHOODS: readonly Builtin[] = [
  likelihood("Bernoulli", [], "independent Bernoulli(sigmoid(logits)) per value; data in [0, 1] (grey levels act as soft targets: the cross-entropy)"),
  likelihood(
    "Gaussian",
    [opt("sigma", "any", 1, 'a fixed std > 0, or "learned": one learnable std per data coordinate', POSITIVE)],
    "independent N(mean, sigma²) per value; any real data",
  ),
  likelihood(
    "Laplace",
    [opt("scale", "any", 0.1, 'a fixed scale > 0 (0.1 as in the paper\'s code), or "learned": one learnable scale per data coordinate', POSITIVE)],
    "independent Laplace(mean, scale) per value, log p = −|x − mean| / scale − log(2·scale); any real data, robust to outliers",
  ),
];
