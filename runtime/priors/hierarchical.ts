// Learned hierarchical prior (Klushyn et al. 2019): ζ ~ N(0, I_Z), y | ζ ~ N(μ_p(ζ), σ_p²(ζ)) with
// (μ_p, log σ_p²) = p_net(ζ), and an inference network q(ζ | y) = N(μ_q(y), σ_q²(y)) with
// (μ_q, log σ_q²) = q_net(y). log p(y) is bounded by importance weighting with K samples
// ζ_k = μ_q + σ_q·η_k, η_k ~ N(0, I):
//   log p(y) ≥ L_K(y) = log (1/K) Σ_k p(y | ζ_k) p(ζ_k) / q(ζ_k | y),
// which grows with K in expectation (Burda et al. 2016) and reaches log p(y) as K → ∞. The ELBO's
// KL is log q(y | x) − L_K(y) on the reparameterised y: an upper bound on the single-sample KL in
// expectation, so the ELBO stays a lower bound. Importance weights (IWAE) use L_K(y) for log p(y);
// exp L_K is an unbiased estimate of p(y), so the IWAE estimate stays a lower bound on log p(x).
// Both networks run in evaluation mode (they are MLPs: no dropout, no batch norm).
import * as tf from "@tensorflow/tfjs";
import type { NetworkIR, PriorIR } from "../../compiler/ir/types";
import { deriveSeed, standardNormal, STREAM } from "../model/random";
import { runNetwork } from "../model/network";
import { HALF_LOG_2PI, logQ, reparamRows } from "./gaussian";
import type { DrawOptions, Posterior, Prior } from "./prior";

type HierarchicalIR = Extract<PriorIR, { kind: "hierarchical" }>;

/** Σ over the last axis of log N(x; μ, e^{logvar}) (written with the residual, for y given ζ). */
function logNormal(x: tf.Tensor, mean: tf.Tensor, logvar: tf.Tensor): tf.Tensor {
  const r = tf.mul(tf.square(tf.sub(x, mean)), tf.exp(tf.neg(logvar)));
  return tf.sub(tf.mul(tf.sum(tf.add(r, logvar), -1), -0.5), HALF_LOG_2PI * x.shape[x.rank - 1]!);
}

export class HierarchicalPrior implements Prior {
  readonly kind = "hierarchical";
  readonly heads = 2 as const;

  constructor(
    readonly ir: HierarchicalIR,
    private readonly params: Map<string, tf.Variable>,
    private readonly dim: number,
  ) {}

  private run(net: NetworkIR, x: tf.Tensor): { mean: tf.Tensor; logvar: tf.Tensor } {
    const out = runNetwork(net, x, { params: this.params, state: new Map(), training: false, seed: 1 });
    const half = out.shape[out.rank - 1]! / 2;
    const [mean, logvar] = tf.split(out, [half, half], -1);
    return { mean: mean!, logvar: logvar! };
  }

  /**
   * log p(y | ζ_k) + log p(ζ_k) − log q(ζ_k | y) for ζ_k = μ_q(y) + σ_q(y)·η_k: y [B, D], η [B, K, Z]
   * → [B, K]. log q is written with η, so it is exact.
   */
  logWeights(y: tf.Tensor2D, eta: tf.Tensor3D): tf.Tensor2D {
    const [b, k, z] = eta.shape;
    const q = this.run(this.ir.q, y);
    const lvq = tf.expandDims(q.logvar, 1); // [B, 1, Z]
    const zeta = tf.add(tf.expandDims(q.mean, 1), tf.mul(tf.exp(tf.mul(lvq, 0.5)), eta)); // [B, K, Z]
    const logQz = tf.sub(tf.mul(tf.sum(tf.add(tf.square(eta), lvq), -1), -0.5), HALF_LOG_2PI * z);
    const logPz = tf.sub(tf.mul(tf.sum(tf.square(zeta), -1), -0.5), HALF_LOG_2PI * z);
    const p = this.run(this.ir.p, tf.reshape(zeta, [b * k, z]));
    const d = this.dim;
    const logPy = logNormal(tf.expandDims(y, 1), tf.reshape(p.mean, [b, k, d]), tf.reshape(p.logvar, [b, k, d]));
    return tf.add(tf.sub(logPz, logQz), logPy) as tf.Tensor2D;
  }

  /** L_K(y) = logsumexp_k(log weights) − log K, [B] */
  bound(y: tf.Tensor2D, eta: tf.Tensor3D): tf.Tensor1D {
    return tf.sub(tf.logSumExp(this.logWeights(y, eta), 1), Math.log(eta.shape[1])) as tf.Tensor1D;
  }

  /** η for `rows` values of y, from the call's seed on a path the reparameterisation noise never uses */
  private eta(rows: number, o: DrawOptions): tf.Tensor3D {
    return standardNormal([rows, this.ir.k, this.ir.zeta], deriveSeed(o.seed, STREAM.noise, o.chunk, 2)) as tf.Tensor3D;
  }

  elbo(q: Posterior, eps: tf.Tensor2D, o: DrawOptions): { y: tf.Tensor2D; kl: tf.Tensor1D } {
    const y = reparamRows(q, eps);
    return { y, kl: tf.sub(logQ(eps, q.logvar), this.bound(y, this.eta(eps.shape[0], o))) };
  }

  importance(q: Posterior, eps: tf.Tensor2D, o: DrawOptions): { y: tf.Tensor2D; logRatio: tf.Tensor1D } {
    const y = reparamRows(q, eps);
    return { y, logRatio: tf.sub(this.bound(y, this.eta(eps.shape[0], o)), logQ(eps, q.logvar)) };
  }

  sample(n: number, seed: number): tf.Tensor2D {
    return tf.tidy(() => {
      const zeta = standardNormal([n, this.ir.zeta], deriveSeed(seed, STREAM.prior));
      const p = this.run(this.ir.p, zeta);
      const eps = standardNormal([n, this.dim], deriveSeed(seed, STREAM.prior, 1));
      return tf.add(p.mean, tf.mul(tf.exp(tf.mul(p.logvar, 0.5)), eps)) as tf.Tensor2D;
    });
  }
}
