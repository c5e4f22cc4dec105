// The flow layers of a flow prior, one implementation per IR kind (a kind missing here is a type
// error). compiler/builtins/priors/flow-layers.ts describes them; each file here is one layer.
import * as tf from "@tensorflow/tfjs";
import type { FlowLayerIR } from "../../compiler/ir/types";
import { Actnorm } from "./actnorm";
import { AffineCoupling } from "./affine-coupling";
import { HouseholderSylvester } from "./householder-sylvester";
import { InvertibleLinear } from "./invertible-linear";
import type { FlowLayer } from "./layer";
import { Permute } from "./permute";
import { Planar } from "./planar";
import { Radial } from "./radial";

export type { FlowLayer } from "./layer";

type Make<K extends FlowLayerIR["kind"]> = (ir: Extract<FlowLayerIR, { kind: K }>, params: Map<string, tf.Variable>, dim: number) => FlowLayer;

const LAYERS: { [K in FlowLayerIR["kind"]]: Make<K> } = {
  affine_coupling: (ir, params, dim) => new AffineCoupling(ir, params, dim),
  actnorm: (ir, params) => new Actnorm(ir, params),
  permute: (ir, _params, dim) => new Permute(ir, dim),
  invertible_linear: (ir, params, dim) => new InvertibleLinear(ir, params, dim),
  planar: (ir, params) => new Planar(ir, params),
  radial: (ir, params, dim) => new Radial(ir, params, dim),
  householder_sylvester: (ir, params, dim) => new HouseholderSylvester(ir, params, dim),
};

export function makeFlowLayer(ir: FlowLayerIR, params: Map<string, tf.Variable>, dim: number): FlowLayer {
  const make = LAYERS[ir.kind] as Make<FlowLayerIR["kind"]> | undefined;
  if (!make) throw new Error(`internal error: unknown flow layer ${JSON.stringify(ir)}`);
  return make(ir as never, params, dim);
}

/** F(y) = F_L ∘ … ∘ F_1 (y) and Σ_l log |det ∂F_l| per row; `context` goes to every layer. */
export function normalizeThrough(layers: readonly FlowLayer[], y: tf.Tensor2D, context?: tf.Tensor2D): { u: tf.Tensor2D; logDet: tf.Tensor1D } {
  let u = y;
  let logDet = tf.zeros([y.shape[0]]) as tf.Tensor1D;
  for (const l of layers) {
    const r = l.normalize(u, context);
    u = r.u;
    logDet = tf.add(logDet, r.logDet);
  }
  return { u, logDet };
}

/** F⁻¹(u): the layers' inverses, last layer first. */
export function generateThrough(layers: readonly FlowLayer[], u: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor2D {
  let y = u;
  for (let i = layers.length - 1; i >= 0; i--) y = layers[i]!.generate(y, context);
  return y;
}
