// A planar layer (Rezende & Mohamed 2015) in the normalising direction, u = y + û·tanh(wᵀy + b):
// the math and the invertibility constraint wᵀû > −1 are the mapping flow's (runtime/mapping/planar.ts).
// A prior needs log p(y) of encoder samples, so the layer is parameterised y → base and its log-det
// is exact there. Its inverse has no closed form, but it is a monotone 1-D problem: with
// s = wᵀy, wᵀu = s + wᵀû·tanh(s + b) (slope ≥ min(1, 1 + wᵀû) > 0) and s lies within |wᵀû| of
// wᵀu; bisection on the CPU in float64 finds s, then y = u − û·tanh(s + b). Only sampling uses it.
import * as tf from "@tensorflow/tfjs";
import type { FlowLayerIR } from "../../compiler/ir/types";
import { planarFlow, planarUHat, type PlanarLayer } from "../mapping/planar";
import { bisect } from "./bisect";
import { flowParam, type FlowLayer } from "./layer";

export class Planar implements FlowLayer {
  private readonly layer: PlanarLayer;

  constructor(ir: Extract<FlowLayerIR, { kind: "planar" }>, params: Map<string, tf.Variable>) {
    this.layer = { u: flowParam(params, ir.u), w: flowParam(params, ir.w), b: flowParam(params, ir.b) };
  }

  normalize(y: tf.Tensor2D): { u: tf.Tensor2D; logDet: tf.Tensor1D } {
    const r = planarFlow(y, [this.layer], true);
    return { u: r.z, logDet: r.logDet! };
  }

  generate(u: tf.Tensor2D): tf.Tensor2D {
    const uHat = planarUHat(this.layer);
    const wu = tf.sum(tf.mul(this.layer.w, uHat)).dataSync()[0]!;
    const b = tf.reshape(this.layer.b, []).dataSync()[0]!;
    const target = tf.sum(tf.mul(u, this.layer.w), 1).dataSync();
    const s = new Float32Array(target.length);
    target.forEach((t, i) => (s[i] = bisect((x) => x + wu * Math.tanh(x + b), t, t - Math.abs(wu) - 1e-6, t + Math.abs(wu) + 1e-6)));
    const h = tf.tanh(tf.add(tf.tensor2d(s, [s.length, 1]), b));
    return tf.sub(u, tf.mul(h, uHat)) as tf.Tensor2D;
  }
}
