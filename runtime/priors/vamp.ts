// VampPrior (Tomczak & Welling 2018): p(y) = (1/K) Σ_k q(y | u_k) over K learnable pseudo-inputs u_k
// shaped like x, encoded by the model's own encoder on every call, so gradients reach both the
// pseudo-inputs and the encoder. The encoder runs in evaluation mode on them: the pseudo-inputs must
// not move batch-norm moving statistics (nor draw dropout), and their encoding should not depend on
// which minibatch they were paired with. Monte Carlo KL.
import * as tf from "@tensorflow/tfjs";
import type { PriorIR } from "../../compiler/ir/types";
import { deriveSeed, standardNormal, STREAM } from "../model/random";
import { logMixture, MonteCarloPrior } from "./gaussian";
import type { PriorContext } from "./prior";

type VampIR = Extract<PriorIR, { kind: "vamp" }>;

export class VampPrior extends MonteCarloPrior {
  readonly kind = "vamp";
  readonly pseudoInputs: tf.Variable;
  readonly initFromData?: (pick: (k: number) => tf.Tensor) => void;

  constructor(
    private readonly ir: VampIR,
    private readonly ctx: PriorContext,
  ) {
    super();
    const u = ctx.params.get(ir.pseudoInputs);
    if (!u) throw new Error(`internal error: the VampPrior's pseudo-inputs '${ir.pseudoInputs}' are not in the IR`);
    this.pseudoInputs = u;
    if (ir.init !== "normal") this.initFromData = (pick) => tf.tidy(() => this.assignFrom(pick(ir.k)));
  }

  private assignFrom(x: tf.Tensor): void {
    if (x.shape[0] !== this.ir.k) throw new Error(`internal error: ${x.shape[0]} rows for ${this.ir.k} pseudo-inputs`);
    this.pseudoInputs.assign(tf.reshape(tf.cast(x, "float32"), this.pseudoInputs.shape));
  }

  /** the components q(y | u_k): means and log-variances [K, D] */
  components(): { mean: tf.Tensor2D; logvar: tf.Tensor2D } {
    const q = this.ctx.encode(this.pseudoInputs);
    return { mean: q.mean, logvar: q.logvar };
  }

  logDensity(y: tf.Tensor2D): tf.Tensor1D {
    const c = this.components();
    return logMixture(y, c.mean, tf.mul(c.logvar, 0.5), tf.fill([this.ir.k], -Math.log(this.ir.k)) as tf.Tensor1D);
  }

  sample(n: number, seed: number): tf.Tensor2D {
    return tf.tidy(() => {
      const c = this.components();
      const pick = tf.randomUniform([n], 0, this.ir.k, "int32", deriveSeed(seed, STREAM.prior, 1)) as tf.Tensor1D;
      const eps = standardNormal([n, this.ctx.latentDim], deriveSeed(seed, STREAM.prior));
      return tf.add(tf.gather(c.mean, pick), tf.mul(tf.exp(tf.mul(tf.gather(c.logvar, pick), 0.5)), eps)) as tf.Tensor2D;
    });
  }
}
