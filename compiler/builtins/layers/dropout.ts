// Dropout: on in training only (the network's context says which), seeded per layer.
import { z } from "zod";
import { opt } from "../define";
import { defineKind, defineLayer, layerNode, sameShape } from "./descriptor";

export const dropoutIR = layerNode("dropout", { rate: z.number().min(0).lt(1) });

export const dropout = defineLayer({
  name: "dropout",
  params: [opt("rate", "Real", 0.5, "fraction dropped, in [0, 1)")],
  doc: "zeroes a random fraction `rate` of the values in training (scaling the rest by 1 / (1 − rate)); the identity in evaluation",
  shape: sameShape,
  lower: (l) => [{ kind: "dropout", rate: l.num("rate", 0.5), in: l.input, out: l.out, at: l.at }],
});

export const dropoutKind = defineKind(dropoutIR, (l, e) => {
  e.comment(`${e.where} dropout ${l.rate}`);
  if (l.rate > 0) e.line(`if (c.training) x = tf.dropout(x, ${e.num(l.rate)}, undefined, deriveSeed(c.seed, ${e.index}));`);
});
