// Types of plain-model.js (plain JavaScript, so that the browser page can inline it as is).
import type * as tf from "@tensorflow/tfjs";
import type { ExportTopology } from "./tfjs-export";

export interface PlainModel {
  /** z = g(y) for y [B, D] */
  map(y: tf.Tensor2D): tf.Tensor;
  /** the mean of p(x | z), [B, ...data shape] */
  decode(z: tf.Tensor): tf.Tensor;
  /** the layers and mapping ops this evaluator cannot run (empty: it runs the model) */
  unsupported: string[];
}

export function plainModel(tfjs: typeof tf, topology: ExportTopology, weights: tf.NamedTensorMap): PlainModel;
