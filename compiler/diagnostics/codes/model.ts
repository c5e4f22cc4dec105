// Model rules (IV5xxx): what makes a model an InteL-VAE, and what its settings may be.
import type { CatalogEntry } from "../catalog-entry";

export const MODEL_CODES = {
  IV5001: { severity: "info", title: "baseline model: the prior on the intermediary is not N(0, I)" },
  IV5002: {
    severity: "error",
    title: "an InteL-VAE's Normal prior must be N(0, I)",
    hint: "write `~ Normal(0, I)` and put any shift or scale into the mapping",
  },
  IV5003: { severity: "error", title: "the likelihood cannot model data in this range" },
  IV5004: { severity: "error", title: "hyperparameter out of range" },
  IV5005: { severity: "error", title: "metric applied to something it does not measure" },
  IV5006: { severity: "error", title: "the objective's KL cannot be computed as asked with this prior or encoder flow" },
  IV5030: {
    severity: "error",
    title: "a flow prior's base distribution must be N(0, I)",
    hint: "write `Flow(Normal(0, I), layers: [...])`, or leave the base out; the layers carry any shift or scale",
  },
  IV5031: { severity: "warning", title: "a flow prior's depth and hidden are ignored when its layers are written out" },
  IV5070: {
    severity: "error",
    title: "an aggregate-posterior objective (tc_elbo) needs the N(0, I) prior",
    hint: "its dimension-wise KL needs a factorised prior, and its KL is the analytic N(0, I) one: use `~ Normal(0, I)`",
  },
  IV5071: {
    severity: "error",
    title: "a constraint on a term the objective does not have",
    hint: 'GECO constrains the reconstruction term: constraint: "recon"',
  },
  IV5072: {
    severity: "error",
    title: "the Lagrange multiplier's range is not [lo, hi] with 0 < lo ≤ lambda_init ≤ hi",
  },
  IV5050: {
    severity: "error",
    title: "a hierarchical prior's network sizes must be whole numbers ≥ 1",
    hint: "write the hidden sizes of its MLPs as positive integers, e.g. `hidden: [64]`",
  },
  IV5015: {
    severity: "error",
    title: "intel compile cannot write this model out as a program",
    hint: "`intel train` runs this model; `intel compile` writes no program for it",
  },
  IV5060: { severity: "error", title: "a training scheme with several players needs an optimizer group per player" },
  IV5061: { severity: "error", title: "an optimizer group holds parameters of two players of the training scheme" },
  IV5062: {
    severity: "error",
    title: "a training scheme computes its own losses: it does not train the model's objective",
    hint: "soft_intro builds its players' losses from the ELBO's terms: write `objective elbo()` (its β weights are the scheme's beta_rec, beta_kl, beta_neg)",
  },
  IV5090: {
    severity: "warning",
    title: "the mapping reads the data x: z = g(y, x) makes no generative model, so this is not an InteL-VAE",
    hint: "p(x | g(y, x)) has x on both sides, so it is no density of x: the ELBO and iwae_nll it trains and reports bound no likelihood, and nothing can be sampled. InteL-VAE's p(z) is the push-forward of N(0, I) through g: for a VAE, make the mapping a function of y alone",
  },
  IV5091: {
    severity: "error",
    title: "this draws samples from the prior, but the mapping reads the data x: there is no z = g(y, x) without a datapoint",
    hint: "drop the sample-based metric or the soft_intro scheme, or make the mapping a function of y alone",
  },
  IV5092: {
    severity: "warning",
    title: "a FlowDecoder dequantises binarised data to more than 2 levels",
    hint: "write `dequantize: 2` for binary data (then −log P(x) ≤ −log p(x̃) + D·log 2 bounds the binary data), or drop `binarize` to model the grey levels",
  },
  IV5093: {
    severity: "error",
    title: "a training scheme cannot train a FlowDecoder: its passes skip the dequantisation",
    hint: "train the FlowDecoder with the model's objective (drop `scheme`), or use a Gaussian or Bernoulli likelihood with the scheme",
  },
  IV5120: {
    severity: "error",
    title: "clip_logvar clips a learned mixture's log-variances: the mixture must be learnable",
    hint: "write `MixtureOfGaussians(k: 8, learnable: true, clip_logvar: true)`, or drop clip_logvar",
  },
  IV5121: {
    severity: "error",
    title: "clip_logvar's range is fixed at the soft_intro scheme's first introspective step: the model needs that scheme",
    hint: "add `scheme: soft_intro(…)` with `optimizers: groups(…)` to the train block, or drop clip_logvar",
  },
} as const satisfies Record<string, CatalogEntry>;
