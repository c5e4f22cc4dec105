// Every layer of `network` bodies (descriptor.ts says what one is), and the IR schema of a layer node
// (a union over their kinds). Each applies to the running value, whose shape the batch axis never
// counts: images are Real[H, W, C] (channels last), vectors Real[N]. A bare name is a call with no
// arguments (`relu` = `relu()`). Weights are created on first use, sized from the running value.
import { z } from "zod";
import { ACTIVATION_LAYERS, activationIR, activationKind } from "./activations";
import type { LayerDescriptor, LayerEmit } from "./descriptor";
import { dropout, dropoutIR, dropoutKind } from "./dropout";
import { batchNorm, batchNormIR, batchNormKind, layerNorm, layerNormIR, layerNormKind } from "./norm";
import { flatten, flattenIR, flattenKind, reshape, reshapeIR, reshapeKind } from "./reshaping";
import { softmax, softmaxIR, softmaxKind } from "./softmax";
import { maxPool2d, maxPool2dIR, maxPool2dKind, upsample2d, upsample2dIR, upsample2dKind } from "./spatial";
import { conv2d, conv2dIR, conv2dKind, conv2dTranspose, conv2dTransposeIR, conv2dTransposeKind, dense, denseIR, denseKind } from "./weighted";

export type { LayerArgs, LayerDescriptor, LayerEmit, LayerShape, ShapeInput } from "./descriptor";
export { ACTIVATION_NAMES, type Activation } from "./activations";

/** In documentation order. */
export const LAYERS: readonly LayerDescriptor[] = [dense, conv2d, conv2dTranspose, maxPool2d, upsample2d, batchNorm, layerNorm, flatten, reshape, dropout, ...ACTIVATION_LAYERS, softmax];

export const LAYER_IR = z.discriminatedUnion("kind", [denseIR, conv2dIR, conv2dTransposeIR, maxPool2dIR, upsample2dIR, layerNormIR, softmaxIR, batchNormIR, activationIR, reshapeIR, flattenIR, dropoutIR]);

/** One node of a NetworkIR's layer list. Weighted layers' `bias` is absent for `use_bias: false`. */
export type LayerIR = z.infer<typeof LAYER_IR>;
export type LayerKindName = LayerIR["kind"];

/** Each IR kind's schema and emitter; a kind missing here is a type error. */
export const LAYER_KINDS: { readonly [K in LayerKindName]: { ir: z.ZodType; emit(l: Extract<LayerIR, { kind: K }>, e: LayerEmit): void } } = {
  dense: denseKind,
  conv2d: conv2dKind,
  conv2d_transpose: conv2dTransposeKind,
  max_pool2d: maxPool2dKind,
  upsample2d: upsample2dKind,
  layer_norm: layerNormKind,
  softmax: softmaxKind,
  batch_norm: batchNormKind,
  activation: activationKind,
  reshape: reshapeKind,
  flatten: flattenKind,
  dropout: dropoutKind,
};

const BY_NAME = new Map(LAYERS.map((l) => [l.name, l]));

export function layerByName(name: string): LayerDescriptor | undefined {
  return BY_NAME.get(name);
}
