// Actnorm (Glow, Kingma & Dhariwal 2018): u = (y + loc)·exp(log_scale) per coordinate, log-det
// Σ log_scale. Initialised to the identity (loc 0, log_scale 0), not from a first batch as in Glow:
// the IR's inits are data-independent, and a fresh flow prior is then exactly N(0, I).
import * as tf from "@tensorflow/tfjs";
import type { FlowLayerIR } from "../../compiler/ir/types";
import { flowParam, type FlowLayer } from "./layer";

export class Actnorm implements FlowLayer {
  private readonly loc: tf.Variable;
  private readonly logScale: tf.Variable;

  constructor(ir: Extract<FlowLayerIR, { kind: "actnorm" }>, params: Map<string, tf.Variable>) {
    this.loc = flowParam(params, ir.loc);
    this.logScale = flowParam(params, ir.logScale);
  }

  normalize(y: tf.Tensor2D): { u: tf.Tensor2D; logDet: tf.Tensor1D } {
    const u = tf.mul(tf.add(y, this.loc), tf.exp(this.logScale)) as tf.Tensor2D;
    return { u, logDet: tf.broadcastTo(tf.sum(this.logScale), [y.shape[0]]) as tf.Tensor1D };
  }

  generate(u: tf.Tensor2D): tf.Tensor2D {
    return tf.sub(tf.mul(u, tf.exp(tf.neg(this.logScale))), this.loc) as tf.Tensor2D;
  }
}
