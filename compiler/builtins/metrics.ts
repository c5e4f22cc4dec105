// Metrics: `evaluate { hoyer(z), iwae_nll(k: 500) }`, computed on the test split after training (and
// at every validation when cheap). A datapoint's representation is g(μ_φ(x)) unless a metric says
// otherwise; `z` arguments name the model's own latents (the intermediary y or the representation z).
// Classifier-based metrics train their classifier on the data's labels, from the run's seed.
import { COUNT, maker, opt, req, UNIT_OPEN } from "./define";
import type { Builtin } from "./types";

const metric = maker("metric");

const latent = () => req("z", "name", "the model's y or z");
const samples = (n = 2000) => opt("samples", "Int", n, "generated samples: y ~ N(0, I), z = g(y), then the decoder's mean", COUNT);
const classifier = () => opt("classifier", "String", "logistic", '"logistic" (multinomial logistic regression) or "forest" (random forest)');

export const METRICS: readonly Builtin[] = [
  metric(
    "hoyer",
    [latent(), opt("sample", "Bool", false, "use g(y), y an exact draw from q(y | x) (the paper's code; a spike-and-slab posterior's hard selection, an encoder flow) instead of g(μ(x))")],
    "Hoyer sparsity of the representations, in [0, 1], higher = sparser: each dimension is divided by its std over the test set, then mean over points of (√D − ‖z‖₁ / ‖z‖₂) / (√D − 1)",
    { sparsity: true },
  ),
  metric(
    "iwae_nll",
    [opt("k", "Int", 500, "importance samples", COUNT), opt("points", "Int", 1000, "test points used (at most)", COUNT)],
    "test negative log-likelihood −log p(x) in nats, the IWAE estimate with k samples (weights on y, docs/architecture.md §1)",
  ),
  metric("elbo", [], "test negative ELBO (β = 1, penalties excluded), nats per datapoint"),
  metric("kl", [], "test KL(q(y | x) ‖ p(y)), nats per datapoint"),
  metric(
    "recon_error",
    [opt("kind", "String", "nll", '"nll" (−log p(x | g(μ(x)))), "mse" or "bce"')],
    "reconstruction error per datapoint on the test split, decoding z = g(μ(x))",
  ),
  metric(
    "fewshot",
    [latent(), opt("sizes", "Int[]", [10, 100, 1000], "labelled training points per trial"), classifier(), opt("repeats", "Int", 5, "trials per size, different draws", COUNT), opt("balanced", "Bool", false, "draw each training set class by class, ⌊size / classes⌋ of each (the paper's protocol)")],
    "downstream accuracy: a classifier trained on `size` labelled representations, tested on the rest of the test split; mean ± std over repeats, per size",
  ),
  metric(
    "cluster_proportions",
    [samples(10000), classifier()],
    "the share of generated samples per class (classified by a classifier trained on the data), next to the data's own label shares (Table 3: learned proportions should track them)",
    { drawsPrior: true },
  ),
  metric(
    "sample_uncertainty",
    [opt("threshold", "Real", 0.8, undefined, UNIT_OPEN), samples(), classifier()],
    "fraction of generated samples whose most likely class has probability below `threshold`: samples between clusters (lower is better for clustered data)",
    { drawsPrior: true },
  ),
  metric(
    "region_mass",
    [req("center", "Real[]", "a point in data space, e.g. [0, 0]"), req("radius", "Real"), samples()],
    "fraction of generated samples within `radius` of `center`: near 0 where the model recovers a hole or a gap between clusters",
    { drawsPrior: true },
  ),
  metric(
    "fid_small",
    [samples(), opt("features", "String", "classifier", '"classifier" (the class probabilities of a multinomial logistic regression trained on the training data) or "pixels" (raw values, or 100 average-pooled blocks for larger points)')],
    "Fréchet distance between generated samples and test data in the feature space of a small classifier the tool trains itself (no Inception network can be downloaded here, and Inception features mean little on 28×28 digits): comparable within this tool only, not with published FIDs",
    { drawsPrior: true },
  ),
  metric(
    "mig",
    [
      latent(),
      opt("bins", "Int", 20, "equal-width bins per code dimension and per continuous factor", "int [2, inf)"),
      opt("sizes", "Int[]", [100, 1000], "labelled points per trial of each factor's few-shot accuracy"),
      opt("classes", "Int", 4, "a continuous factor's few-shot classes: this many equal-width bins", "int [2, inf)"),
      classifier(),
      opt("repeats", "Int", 3, "few-shot trials per size", COUNT),
    ],
    "mutual information gap (Chen et al. 2018) against the data's known factors (dsprites): per factor, the MI of its most informative code dimension minus the next one's, over the factor's entropy, averaged (1 = each factor in one dimension alone); and per factor, the few-shot accuracy of a classifier predicting it from the code",
  ),
  metric(
    "active_dims",
    [latent(), opt("threshold", "Real", 0.01)],
    "number of active dimensions (Burda et al. 2016): coordinates u with Cov_x(E_q[z_u | x]) > threshold",
  ),
];
