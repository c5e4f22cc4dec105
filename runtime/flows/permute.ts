// A fixed permutation of the coordinates: the reversal, or Fisher–Yates from the IR's seed. No
// parameters, log-det 0 (|det P| = 1).
import * as tf from "@tensorflow/tfjs";
import type { FlowLayerIR } from "../../compiler/ir/types";
import { shuffledIndices } from "../random/seeds";
import { permutationMatrix } from "../ops/gather";
import type { FlowLayer } from "./layer";

/** The permutation's indices: coordinate i of the output is coordinate perm[i] of the input. */
export function permutation(dim: number, order: "reverse" | "random", seed: number): Int32Array {
  if (order === "random") return shuffledIndices(dim, seed);
  return Int32Array.from({ length: dim }, (_, i) => dim - 1 - i);
}

export class Permute implements FlowLayer {
  // permutation matrices, not tf.gather: its gradient has no wasm kernel
  private readonly forward: tf.Tensor2D;
  private readonly backward: tf.Tensor2D;

  constructor(ir: Extract<FlowLayerIR, { kind: "permute" }>, dim: number) {
    const perm = permutation(dim, ir.order, ir.seed);
    const inv = new Int32Array(dim);
    perm.forEach((p, i) => (inv[p] = i));
    this.forward = tf.keep(permutationMatrix(Array.from(perm)));
    this.backward = tf.keep(permutationMatrix(Array.from(inv)));
  }

  normalize(y: tf.Tensor2D): { u: tf.Tensor2D; logDet: tf.Tensor1D } {
    return { u: tf.matMul(y, this.forward), logDet: tf.zeros([y.shape[0]]) as tf.Tensor1D };
  }

  generate(u: tf.Tensor2D): tf.Tensor2D {
    return tf.matMul(u, this.backward);
  }

  dispose(): void {
    this.forward.dispose();
    this.backward.dispose();
  }
}
