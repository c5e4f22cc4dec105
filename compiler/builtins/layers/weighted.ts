// The weighted layers: dense, conv2d, conv2d_transpose. Initialisers are the Keras defaults the
// paper's code used: glorot_uniform kernels, zero biases. `activation:` adds an activation node.
import { z } from "zod";
import { count, id, padding as paddingIR, pair } from "../../ir/parts";
import type { InitIR } from "../../ir/types";
import { convOutput, convTransposeOutput, needImage, needSizes, showShape, windowOutput } from "../../types/layer-shapes";
import { opt, req } from "../define";
import { activationNodes, activationParam } from "./activations";
import { defineKind, defineLayer, layerNode, type LayerLowering } from "./descriptor";

const useBias = () => opt("use_bias", "Bool", true);
export const padding = () => opt("padding", "String", "same", '"same" (output = ⌈input / stride⌉) or "valid" (no padding)');

export const denseIR = layerNode("dense", { units: count, kernel: id, bias: id.optional() });
const convFields = { filters: count, kernel: pair, stride: pair, padding: paddingIR, weights: id, bias: id.optional() };
export const conv2dIR = layerNode("conv2d", convFields);
export const conv2dTransposeIR = layerNode("conv2d_transpose", convFields);

/** The dense node x·W + b on a vector `input` (also the built-in mlp's layers and the encoder's
 *  head); `id` is its parameter path. */
export function denseNode(l: Pick<LayerLowering, "param" | "unsupported" | "at">, input: number[], units: number, id: string, init = "glorot", useBias = true): z.infer<typeof denseIR> {
  if (input.length !== 1) l.unsupported(`dense on [${input}] (it needs a vector)`);
  const n = input[0]!;
  const kernelInit: InitIR =
    init === "glorot"
      ? { kind: "glorot_uniform", fanIn: n, fanOut: units }
      : init === "he"
        ? { kind: "he_normal", fanIn: n }
        : init === "normal"
          ? { kind: "normal", mean: 0, std: 0.05 } // Keras' RandomNormal default
          : init === "zeros"
            ? { kind: "zeros" }
            : l.unsupported(`dense's init "${init}"`);
  const kernel = l.param(`${id}/kernel`, [n, units], kernelInit);
  const bias = useBias ? { bias: l.param(`${id}/bias`, [units], { kind: "zeros" }) } : {};
  return { kind: "dense", units, kernel, ...bias, in: input, out: [units], at: l.at };
}

// `dense` takes a vector only: Keras would apply it to the last axis of an image, which in a VAE is
// almost always a forgotten `flatten`, so we say so instead.
export const dense = defineLayer({
  name: "dense",
  params: [req("units", "Int", "output size"), activationParam(), useBias(), opt("init", "String", "glorot", '"glorot", "he", "normal" or "zeros"')],
  doc: "fully connected: Real[N] → Real[units], x·W + b (Glorot-uniform W, zero b)",
  shape: (i) => {
    if (i.input.length !== 1) return { ok: false, message: `dense needs a vector Real[N]; its input is ${showShape(i.s, i.input)}`, hint: "add `flatten` before it" };
    return needSizes(i, "units") ?? { ok: true, out: [i.dim("units") ?? i.s.fresh()] };
  },
  lower: (l) => [denseNode(l, l.input, l.num("units"), l.id("dense"), l.str("init") ?? "glorot", l.useBias), ...activationNodes(l, l.out, l.str("activation"))],
});

function convLayer(name: "conv2d" | "conv2d_transpose", kernel: number, stride: number, doc: string) {
  return defineLayer({
    name,
    params: [req("filters", "Int"), opt("kernel", "Int", kernel, "square kernel size"), opt("stride", "Int", stride), padding(), activationParam(), useBias()],
    doc,
    shape: (i) => needImage(i) ?? needSizes(i, "filters", "kernel", "stride") ?? windowOutput(i, i.dim("kernel") ?? i.s.fresh(), i.dim("stride") ?? 1, name === "conv2d" ? convOutput : convTransposeOutput, i.dim("filters") ?? i.s.fresh()),
    lower: (l) => {
      const id = l.id(name);
      const [k, s] = [l.num("kernel"), l.num("stride")];
      const [cin, cout] = [l.input[2]!, l.out[2]!];
      // tfjs layouts: conv2d [kh, kw, in, out], conv2d_transpose [kh, kw, out, in]; Keras' glorot fans
      // are kh·kw times the layout's last two axes.
      const shape = name === "conv2d" ? [k, k, cin, cout] : [k, k, cout, cin];
      const weights = l.param(`${id}/weights`, shape, { kind: "glorot_uniform", fanIn: k * k * shape[2]!, fanOut: k * k * shape[3]! });
      const pad = l.str("padding") === "valid" ? "valid" : "same";
      const bias = l.useBias ? { bias: l.param(`${id}/bias`, [cout], { kind: "zeros" }) } : {};
      const node = { kind: name, filters: cout, kernel: [k, k], stride: [s, s], padding: pad, weights, ...bias, in: l.input, out: l.out, at: l.at };
      return [node, ...activationNodes(l, l.out, l.str("activation"))];
    },
  });
}

export const conv2d = convLayer("conv2d", 3, 1, "2-D convolution: Real[H, W, C] → Real[H', W', filters]; with \"same\" padding H' = ⌈H / stride⌉, with \"valid\" H' = ⌊(H − kernel) / stride⌋ + 1");
export const conv2dTranspose = convLayer(
  "conv2d_transpose",
  4,
  2,
  "transposed 2-D convolution: Real[H, W, C] → Real[H·stride, W·stride, filters] with \"same\" padding, Real[(H − 1)·stride + kernel, …] with \"valid\"",
);

// ---------- their IR kinds, as `intel compile` writes them ----------

/** A dense layer on a vector is part of a dense run (compiler/emit/network.ts); this is one on a
 *  higher-rank input (only a hand-written IR has one): its last axis, as Keras would. */
export const denseKind = defineKind(denseIR, (l, e) => {
  e.comment(`${e.where} dense ${l.units}${e.relu ? " + relu" : ""}`);
  e.line(`x = ${e.use("denseLayer")}(tf.reshape(x, [-1, ${l.in[l.in.length - 1]}]) as tf.Tensor2D, ${e.weight(l.kernel, "2D")}, ${e.bias(l.bias)}, ${e.relu}, ${e.inputGrad});`);
  e.shaped(null);
  e.reshape(l.out);
});

const convComment = (l: z.infer<typeof conv2dIR> | z.infer<typeof conv2dTransposeIR>, where: string) =>
  `${where} ${l.kind} ${l.filters} filters ${l.kernel.join("×")}, stride ${l.stride.join("×")}, padding ${l.padding}`;

export const conv2dKind = defineKind(conv2dIR, (l, e) => {
  e.comment(convComment(l, e.where));
  e.line(`x = ${e.use("conv2dLayer")}(x as tf.Tensor4D, ${e.weight(l.weights, "4D")}, ${e.bias(l.bias)}, ${e.arr(l.stride)}, ${e.str(l.padding)});`);
  e.shaped(l.out);
});

export const conv2dTransposeKind = defineKind(conv2dTransposeIR, (l, e) => {
  e.comment(convComment(l, e.where));
  e.line(`x = ${e.use("conv2dTransposeLayer")}(x as tf.Tensor4D, ${e.weight(l.weights, "4D")}, ${e.bias(l.bias)}, ${e.arr(l.out)}, ${e.arr(l.stride)}, ${e.str(l.padding)});`);
  e.shaped(l.out);
});
