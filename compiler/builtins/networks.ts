// Built-in networks: usable as a learnable `param` inside a bias (`param ds = mlp(D, [10, 10], D)`,
// then `ds(y)`), or as an encoder or decoder. The encoder/decoder conveniences of the paper
// (mlp_encoder, mlp_decoder, conv_encoder, conv_decoder) are written in the language, in the prelude.
//
// Convention shared with the prelude: an ENCODER network returns features; the model appends the
// Gaussian head dense(2·dim y) → (μ, log σ²) itself. A DECODER network returns the likelihood's
// parameters with the data's shape (logits for Bernoulli, means for Gaussian and Laplace).
import { maker, opt, req } from "./define";
import type { Builtin } from "./types";

const network = maker("network");

export const NETWORKS: readonly Builtin[] = [
  network(
    "mlp",
    [
      req("inputs", "Int", "input size (`in` is a keyword)"),
      req("hidden", "Int[]", "hidden layer sizes; [] = a single dense layer"),
      req("outputs", "Int", "output size"),
      opt("activation", "String", "relu", "after each hidden layer"),
      opt("out_activation", "String", null, "after the last layer; none = linear"),
    ],
    "multilayer perceptron Real[inputs] → Real[outputs]: dense(h) + activation for each h in hidden, then dense(outputs)",
  ),
];
