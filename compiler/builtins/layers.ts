// Layers of `network` bodies. Each applies to the running value, whose shape the batch axis never
// counts: images are Real[H, W, C] (channels last), vectors Real[N]. A bare name is a call with no
// arguments (`relu` = `relu()`). Weights are created on first use, sized from the running value.
import { dims, maker, opt, req } from "./define";
import type { Builtin } from "./types";

const layer = maker("layer");

const ACTIVATION_DOC = 'none, "relu", "leaky_relu" (alpha 0.2), "elu", "sigmoid", "tanh", "softplus" or "linear"';
const activation = () => opt("activation", "String", null, ACTIVATION_DOC);
const padding = () => opt("padding", "String", "same", '"same" (output = ⌈input / stride⌉) or "valid" (no padding)');

export const LAYERS: readonly Builtin[] = [
  layer(
    "dense",
    [req("units", "Int", "output size"), activation(), opt("use_bias", "Bool", true), opt("init", "String", "glorot", '"glorot", "he", "normal" or "zeros"')],
    "fully connected: Real[N] → Real[units], x·W + b (Glorot-uniform W, zero b)",
  ),
  layer(
    "conv2d",
    [req("filters", "Int"), opt("kernel", "Int", 3, "square kernel size"), opt("stride", "Int", 1), padding(), activation(), opt("use_bias", "Bool", true)],
    "2-D convolution: Real[H, W, C] → Real[H', W', filters]; with \"same\" padding H' = ⌈H / stride⌉, with \"valid\" H' = ⌊(H − kernel) / stride⌋ + 1",
  ),
  layer(
    "conv2d_transpose",
    [req("filters", "Int"), opt("kernel", "Int", 4, "square kernel size"), opt("stride", "Int", 2), padding(), activation(), opt("use_bias", "Bool", true)],
    "transposed 2-D convolution: Real[H, W, C] → Real[H·stride, W·stride, filters] with \"same\" padding, Real[(H − 1)·stride + kernel, …] with \"valid\"",
  ),
  layer("max_pool2d", [opt("size", "Int", 2), opt("stride", "Int", null, "none = size"), padding()], "max pooling over size × size windows: Real[H, W, C] → Real[H', W', C]; with \"same\" padding H' = ⌈H / stride⌉, with \"valid\" H' = ⌊(H − size) / stride⌋ + 1"),
  layer("upsample2d", [opt("factor", "Int", 2)], "nearest-neighbour upsampling: Real[H, W, C] → Real[H·factor, W·factor, C]"),
  layer(
    "batch_norm",
    [opt("momentum", "Real", 0.99, "of the running statistics"), opt("eps", "Real", 1e-3)],
    "batch normalisation over every axis but the last (minibatch statistics in training, running ones in evaluation); shape unchanged",
  ),
  layer("layer_norm", [opt("eps", "Real", 1e-3)], "normalises each datapoint over its last axis, then scales and shifts (learned); shape unchanged"),
  layer("flatten", [], "Real[H, W, C] → Real[H·W·C] (row-major); a vector passes unchanged"),
  layer("reshape", dims(), "the same values in shape [d0, d1, …] (row-major); the sizes must multiply to the input's (one may be -1)"),
  layer("dropout", [opt("rate", "Real", 0.5, "fraction dropped, in [0, 1)")], "zeroes a random fraction `rate` of the values in training (scaling the rest by 1 / (1 − rate)); the identity in evaluation"),
  layer("relu", [], "max(x, 0), elementwise"),
  layer("leaky_relu", [opt("alpha", "Real", 0.2)], "x for x ≥ 0, alpha·x below (the paper's encoders use alpha 0.2)"),
  layer("elu", [opt("alpha", "Real", 1)], "x for x ≥ 0, alpha·(eˣ − 1) below"),
  layer("sigmoid", [], "1 / (1 + e⁻ˣ), elementwise"),
  layer("tanh", [], "hyperbolic tangent, elementwise"),
  layer("softplus", [], "log(1 + eˣ), elementwise"),
  layer("softmax", [opt("axis", "Int", -1)], "softmax over `axis` of each datapoint (0 = its first axis, -1 = its last): positive, sums to 1 along it; shape unchanged"),
];
