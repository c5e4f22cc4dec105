// flatten and reshape: the same values in another shape (row-major); nothing to compute.
import { product, reshapeOutput } from "../../types/layer-shapes";
import type { Dim } from "../../types/dims";
import { dims } from "../define";
import { defineKind, defineLayer, layerNode, type LayerEmit } from "./descriptor";

export const flattenIR = layerNode("flatten", {});
export const reshapeIR = layerNode("reshape", {});

export const flatten = defineLayer({
  name: "flatten",
  params: [],
  doc: "Real[H, W, C] → Real[H·W·C] (row-major); a vector passes unchanged",
  shape: (i) => ({ ok: true, out: i.input.length <= 1 ? [...i.input] : [product(i.input)] }),
  lower: (l) => [{ kind: "flatten", in: l.input, out: l.out, at: l.at }],
});

export const reshape = defineLayer({
  name: "reshape",
  params: dims(),
  doc: "the same values in shape [d0, d1, …] (row-major); the sizes must multiply to the input's (one may be -1)",
  shape: (i) => reshapeOutput(i.s, "reshape", i.input, ["d0", "d1", "d2", "d3"].map(i.dim).filter((d): d is Dim => d !== undefined)),
  lower: (l) => [{ kind: "reshape", in: l.input, out: l.out, at: l.at }],
});

const emitReshape = (l: { kind: string; out: number[] }, e: LayerEmit) => {
  e.comment(`${e.where} ${l.kind}`);
  e.reshape(l.out);
};
export const flattenKind = defineKind(flattenIR, emitReshape);
export const reshapeKind = defineKind(reshapeIR, emitReshape);
