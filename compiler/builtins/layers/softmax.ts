// softmax as a layer: along one axis of each datapoint.
import { int } from "../../ir/parts";
import { opt } from "../define";
import { defineKind, defineLayer, layerNode, sameShape } from "./descriptor";

export const softmaxIR = layerNode("softmax", { axis: int });

export const softmax = defineLayer({
  name: "softmax",
  params: [opt("axis", "Int", -1)],
  doc: "softmax over `axis` of each datapoint (0 = its first axis, -1 = its last): positive, sums to 1 along it; shape unchanged",
  shape: sameShape,
  lower: (l) => [{ kind: "softmax", axis: l.num("axis"), in: l.input, out: l.out, at: l.at }],
});

export const softmaxKind = defineKind(softmaxIR, (l, e) => {
  e.line(`x = ${e.use("softmaxLayer")}(x, ${l.axis}); // ${e.where} softmax`);
});
