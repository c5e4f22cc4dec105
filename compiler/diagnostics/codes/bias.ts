// Bias validation (IV4xxx): gradient reachability, domain safety, slopes, discontinuities.
import type { CatalogEntry } from "../catalog-entry";

export const BIAS_CODES = {
  IV4001: {
    severity: "error",
    title: "a learnable parameter never learns: no differentiable path from it to z",
    hint: "use it in the returned value through differentiable operations, or make it a hyperparameter",
  },
  IV4002: {
    severity: "error",
    title: "z does not depend differentiably on y: the mapping discards the latent",
    hint: "return an expression of y, e.g. `return y * s`",
  },
  IV4003: {
    severity: "warning",
    title: "a learnable parameter feeds only penalties: it learns, but does not shape z",
    hint: "use it in the returned value, or remove it",
  },
  IV4004: { severity: "error", title: "division by a value that can be 0", hint: "add a positive epsilon to the divisor: x / (d + eps)" },
  IV4005: { severity: "error", title: "logarithm of a value that can be 0 or negative", hint: "add a positive epsilon: log(x + eps)" },
  IV4006: {
    severity: "error",
    title: "square root or fractional power of a value that can be negative (or 0 where that is infinite)",
    hint: "take the power of abs(x) (with an epsilon: (abs(x) + eps) ** c)",
  },
  IV4007: { severity: "error", title: "argument can lie outside the function's domain (asin, acos, log1p, tan's poles)" },
  IV4008: {
    severity: "warning",
    title: "infinite slope on the path from y to z (|x|^c with 0 < c < 1 at x = 0)",
    hint: "add an epsilon inside the power, or write @allow(infinite_slope) on the bias or statement",
  },
  IV4009: {
    severity: "warning",
    title: "discontinuous operation on the path from y to z (sign, floor, round, comparisons, where)",
    hint: "use a smooth version, or write @allow(discontinuous) on the bias or statement if the jump is intended",
  },
  IV4010: {
    severity: "warning",
    title: "a penalty gets no gradient: it depends on neither y nor a learnable parameter differentiably",
    hint: "penalise something training can change: z, y or a param",
  },
  IV4011: {
    severity: "error",
    title: "atan2 of two values that can both be 0: its gradient is NaN at the origin",
    hint: "guard the origin: atan2(v, where(square(u) + square(v) > 0, u, 1))",
  },
  IV4012: {
    severity: "error",
    title: "exp, sinh, cosh or a power overflows float32 (beyond 3.4e38; exp above 88.72) at latent values training reaches (|y| ≤ 4)",
    hint: "keep the argument small (clip, tanh, a smaller scale); `intel check --probe` shows where it blows up",
  },
} as const satisfies Record<string, CatalogEntry>;
