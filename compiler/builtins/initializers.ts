// Initialisers: the right-hand side of `param` (learnable ψ in a bias). The dimensions come first,
// positionally (up to four; none = a scalar), the distribution's settings by name:
//   param w = normal(D, D, std: 0.01)      param b = zeros()      param m = eye(D)
// A built-in or user network is also allowed there (`param ds = mlp(D, [10, 10], D)`).
import { dims, maker, opt, req } from "./define";
import type { Builtin } from "./types";

const init = maker("initializer");

export const INITIALIZERS: readonly Builtin[] = [
  init("zeros", dims(true), "a tensor of zeros"),
  init("ones", dims(true), "a tensor of ones"),
  init("full", [...dims(true), opt("value", "Real", 0)], "a tensor filled with `value`"),
  init("normal", [...dims(true), opt("mean", "Real", 0), opt("std", "Real", 0.01)], "independent N(mean, std²) entries, drawn from the run's seed"),
  init("uniform", [...dims(true), opt("lo", "Real", -0.05), opt("hi", "Real", 0.05)], "independent U(lo, hi) entries, drawn from the run's seed"),
  init("glorot", [req("inputs", "Int", "fan in"), req("outputs", "Int", "fan out")], "a Real[inputs, outputs] matrix, U(±√(6 / (inputs + outputs))) (Glorot & Bengio 2010)"),
  init("eye", [req("n", "Int"), opt("scale", "Real", 1)], "scale times the n × n identity matrix: a linear map that starts as the identity"),
  init("constant", [req("value", "tensor", "a number or a (nested) list literal")], "exactly the given value, e.g. constant([[0.5, 0], [0.5, 1]])"),
];
