// Flow prior: p(y) = N(F(y); 0, I)·|det ∂F/∂y| for the IR's layers F = F_L ∘ … ∘ F_1 in the normalising
// direction (runtime/flows/), so log p(y) = Σ −½F(y)² − D/2·log 2π + Σ_l log |det ∂F_l| exactly, the KL
// is Monte Carlo (log q − log p on the reparameterised y) and IWAE's prior term is exact. Samples are
// base samples pushed back through the layers' inverses, last layer first.
import * as tf from "@tensorflow/tfjs";
import type { PriorIR } from "../../compiler/ir/types";
import { generateThrough, makeFlowLayer, normalizeThrough, type FlowLayer } from "../flows";
import { deriveSeed, standardNormal, STREAM } from "../model/random";
import { HALF_LOG_2PI, MonteCarloPrior } from "./gaussian";
import type { PriorContext } from "./prior";

type FlowIR = Extract<PriorIR, { kind: "flow" }>;

export class FlowPrior extends MonteCarloPrior {
  readonly kind = "flow";
  readonly layers: FlowLayer[];

  constructor(
    ir: FlowIR,
    private readonly ctx: PriorContext,
  ) {
    super();
    this.layers = ir.layers.map((l) => makeFlowLayer(l, ctx.params, ctx.latentDim));
  }

  /** F(y) and Σ log |det ∂F_l| per row */
  normalize(y: tf.Tensor2D): { u: tf.Tensor2D; logDet: tf.Tensor1D } {
    return normalizeThrough(this.layers, y);
  }

  logDensity(y: tf.Tensor2D): tf.Tensor1D {
    const { u, logDet } = this.normalize(y);
    return tf.add(tf.sub(tf.mul(tf.sum(tf.square(u), -1), -0.5), HALF_LOG_2PI * y.shape[1]), logDet) as tf.Tensor1D;
  }

  sample(n: number, seed: number): tf.Tensor2D {
    return tf.tidy(() => {
      return generateThrough(this.layers, standardNormal([n, this.ctx.latentDim], deriveSeed(seed, STREAM.prior)) as tf.Tensor2D);
    });
  }

  dispose(): void {
    for (const l of this.layers) l.dispose?.();
  }
}
