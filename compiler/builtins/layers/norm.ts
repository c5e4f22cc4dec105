// Normalisation layers: batch norm (γ = 1, β = 0, moving mean 0 and variance 1 to start, the Keras
// defaults) and layer norm. Both keep the shape and learn one γ and β per channel (the last axis).
import { z } from "zod";
import { id, num } from "../../ir/parts";
import { opt } from "../define";
import { defineKind, defineLayer, layerNode, sameShape, type LayerLowering } from "./descriptor";

export const batchNormIR = layerNode("batch_norm", { gamma: id, beta: id, movingMean: id, movingVar: id, momentum: num, epsilon: z.number().positive() });
export const layerNormIR = layerNode("layer_norm", { gamma: id, beta: id, epsilon: z.number().positive() });

/** γ (ones) and β (zeros), one per channel, under `id`. */
function scaleShift(l: LayerLowering, id: string): { gamma: string; beta: string } {
  const c = [l.input[l.input.length - 1]!];
  return { gamma: l.param(`${id}/gamma`, c, { kind: "ones" }), beta: l.param(`${id}/beta`, c, { kind: "zeros" }) };
}

export const batchNorm = defineLayer({
  name: "batch_norm",
  params: [opt("momentum", "Real", 0.99, "of the running statistics, Keras' default: they start at mean 0, variance 1 and keep momentum^steps of it, so a run of a few hundred steps wants 0.9; training (without dropout) ends with a warning when a batch's loss with them is over 10 % off its loss with its own"), opt("eps", "Real", 1e-3)],
  doc: "batch normalisation over every axis but the last (minibatch statistics in training, running ones in evaluation); shape unchanged",
  shape: sameShape,
  lower: (l) => {
    const id = l.id("batch_norm");
    const c = [l.input[l.input.length - 1]!];
    const { gamma, beta } = scaleShift(l, id);
    const movingMean = l.state(`${id}/moving_mean`, c, { kind: "zeros" });
    const movingVar = l.state(`${id}/moving_var`, c, { kind: "ones" });
    return [{ kind: "batch_norm", gamma, beta, movingMean, movingVar, momentum: l.num("momentum", 0.99), epsilon: l.num("eps", 1e-3), in: l.input, out: l.input, at: l.at }];
  },
});

export const layerNorm = defineLayer({
  name: "layer_norm",
  params: [opt("eps", "Real", 1e-3)],
  doc: "normalises each datapoint over its last axis, then scales and shifts (learned); shape unchanged",
  shape: sameShape,
  lower: (l) => {
    const { gamma, beta } = scaleShift(l, l.id("layer_norm"));
    return [{ kind: "layer_norm", gamma, beta, epsilon: l.num("eps"), in: l.input, out: l.input, at: l.at }];
  },
});

export const batchNormKind = defineKind(batchNormIR, (l, e) => {
  e.comment(`${e.where} batch_norm`);
  e.line(`x = ${e.use("batchNormLayer")}(x, ${e.param(l.gamma)}, ${e.param(l.beta)}, ${e.state(l.movingMean)}, ${e.state(l.movingVar)}, c.training, ${e.num(l.momentum)}, ${e.num(l.epsilon)});`);
});

export const layerNormKind = defineKind(layerNormIR, (l, e) => {
  e.line(`x = ${e.use("layerNormLayer")}(x, ${e.weight(l.gamma, "1D")}, ${e.weight(l.beta, "1D")}, ${e.num(l.epsilon)}); // ${e.where} layer_norm`);
});
