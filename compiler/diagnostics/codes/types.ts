// Types and shapes (IV3xxx).
import type { CatalogEntry } from "../catalog-entry";

export const TYPES_CODES = {
  IV3001: {
    severity: "error",
    title: "operand shapes do not fit together (broadcasting, matmul, concat)",
    hint: "a scalar broadcasts to any shape; otherwise the ranks must agree and each size must be equal or 1",
  },
  IV3002: { severity: "error", title: "argument of the wrong type or shape" },
  IV3003: { severity: "error", title: "a value contradicts its declared type (return, let, param, default, data)" },
  IV3004: { severity: "error", title: "the model's parts do not chain: data → encoder → intermediary → mapping → decoder → data" },
  IV3005: { severity: "error", title: "a layer does not accept the shape of its input" },
  IV3006: { severity: "error", title: "a shape cannot be inferred" },
  IV3007: { severity: "error", title: "a penalty must be a scalar", hint: "reduce it to one number, e.g. with sum(…) or mean(…)" },
  IV3008: { severity: "error", title: "conflicting sizes for one dimension variable" },
  IV3009: { severity: "error", title: "bad index or slice (out of range, too many, not an Int)" },
  IV3010: { severity: "error", title: "a value of the wrong kind (a tensor, list or network was needed)" },
  IV3011: { severity: "error", title: "the intermediary latent must be a vector Real[D]" },
  IV3030: {
    severity: "error",
    title: "a OneHot (discrete latent) feeds an operation that is not linear in it (sqrt, log, **, a comparison, …)",
    hint: "embed the one-hot first (matmul with a codebook, or a network), then apply the function to the Real result",
  },
  IV3031: { severity: "error", title: "the intermediary's type does not fit its prior: a Categorical prior needs OneHot[K], a OneHot needs a Categorical prior" },
  IV3032: { severity: "error", title: "a bad discrete latent type: OneHot[K] with K ≥ 2 classes, or OneHot[G, K]" },
  IV3033: { severity: "error", title: "a Categorical prior's probs must be one positive number per class (of the top layer, in a stack)" },
  IV3034: {
    severity: "error",
    title: "a discrete stack's layer_classes must give one class count per layer above the intermediary (layers − 1 of them)",
    hint: "layer_classes: [K_2, …, K_L] with `layers: L`; without it every layer has the intermediary's K",
  },
  IV3035: { severity: "error", title: "a layer of a discrete stack needs a whole number of at least 2 classes" },
  IV3040: {
    severity: "error",
    title: "an affine coupling needs an intermediary of at least 2 coordinates",
    hint: "a coupling transforms one part of y from the other; for D = 1 use actnorm(), planar() or radial()",
  },
  IV3041: {
    severity: "error",
    title: "an affine coupling in a FlowDecoder needs a datapoint of at least 2 values",
    hint: "a coupling transforms one part of the datapoint from the other; for one value use actnorm(), planar() or radial()",
  },
  IV3050: { severity: "error", title: "a TC group names a coordinate outside the intermediary", hint: "coordinates of y : Real[D] are 0 … D − 1" },
  IV3051: { severity: "error", title: "TC groups overlap: a coordinate is in two groups", hint: "the groups are a partition of y's coordinates: put each in exactly one" },
  IV3052: { severity: "error", title: "TC groups do not cover the intermediary", hint: "every coordinate of y belongs to one group (a group of one is allowed)" },
  IV3053: { severity: "error", title: "TC groups written wrongly: not a list of lists of Ints, or both groups and group_size", hint: "write groups: [[0, 1], [2, 3]] or group_size: 2" },
  IV3060: {
    severity: "error",
    title: "a prior's network does not fit the levels it connects",
    hint: "the network must map the level above to the parameters of the level below, e.g. ζ : Real[Z] → (μ, log σ²) : Real[2·D]",
  },
  IV3070: {
    severity: "error",
    title: "an amortised encoder flow on an intermediary that is not Real[D]",
    hint: "an encoder flow transforms the encoder's Gaussian sample y₀ ~ N(μ(x), σ²(x)); declare y : Real[D], or drop the flow",
  },
  IV3071: {
    severity: "warning",
    title: "more Householder reflections than the intermediary has coordinates",
    hint: "D reflections reach every orthogonal D × D matrix; write reflections: D or fewer (none = D)",
  },
  IV3072: { severity: "error", title: "reflections given to a global (non-amortised) Sylvester encoder flow", hint: "reflections applies to sylvester(amortised: true, …)" },
} as const satisfies Record<string, CatalogEntry>;
