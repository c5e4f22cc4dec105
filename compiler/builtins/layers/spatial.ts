// Layers on images Real[H, W, C] without weights: max pooling and nearest-neighbour upsampling.
import { padding as paddingIR, pair } from "../../ir/parts";
import { convOutput, mul, needImage, needSizes, windowOutput } from "../../types/layer-shapes";
import { opt } from "../define";
import { defineKind, defineLayer, layerNode } from "./descriptor";
import { padding } from "./weighted";

export const maxPool2dIR = layerNode("max_pool2d", { size: pair, stride: pair, padding: paddingIR });
export const upsample2dIR = layerNode("upsample2d", { factor: pair });

export const maxPool2d = defineLayer({
  name: "max_pool2d",
  params: [opt("size", "Int", 2), opt("stride", "Int", null, "none = size"), padding()],
  doc: "max pooling over size × size windows: Real[H, W, C] → Real[H', W', C]; with \"same\" padding H' = ⌈H / stride⌉, with \"valid\" H' = ⌊(H − size) / stride⌋ + 1",
  shape: (i) => {
    const bad = needImage(i) ?? needSizes(i, "size", "stride");
    if (bad) return bad;
    const k = i.dim("size") ?? i.s.fresh();
    return windowOutput(i, k, i.dim("stride") ?? k, convOutput, i.input[2]!);
  },
  lower: (l) => {
    const size = l.num("size");
    const stride = l.num("stride", size); // none = size
    return [{ kind: "max_pool2d", size: [size, size], stride: [stride, stride], padding: l.str("padding") === "valid" ? "valid" : "same", in: l.input, out: l.out, at: l.at }];
  },
});

export const upsample2d = defineLayer({
  name: "upsample2d",
  params: [opt("factor", "Int", 2)],
  doc: "nearest-neighbour upsampling: Real[H, W, C] → Real[H·factor, W·factor, C]",
  shape: (i) => {
    const bad = needImage(i) ?? needSizes(i, "factor");
    if (bad) return bad;
    const f = i.dim("factor") ?? 2;
    return { ok: true, out: [mul(i.input[0]!, f), mul(i.input[1]!, f), i.input[2]!] };
  },
  lower: (l) => [{ kind: "upsample2d", factor: [l.num("factor"), l.num("factor")], in: l.input, out: l.out, at: l.at }],
});

export const maxPool2dKind = defineKind(maxPool2dIR, (l, e) => {
  e.line(`x = ${e.use("maxPoolLayer")}(x as tf.Tensor4D, ${e.arr(l.size)}, ${e.arr(l.stride)}, ${e.str(l.padding)}); // ${e.where} max_pool2d`);
  e.shaped(l.out);
});

export const upsample2dKind = defineKind(upsample2dIR, (l, e) => {
  e.line(`x = ${e.use("upsampleLayer")}(x as tf.Tensor4D, ${e.arr(l.factor)}); // ${e.where} upsample2d`);
  e.shaped(l.out);
});
