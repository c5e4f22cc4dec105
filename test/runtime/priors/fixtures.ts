// Priors built directly (no model), on small fixed posteriors, for the prior tests.
import * as tf from "@tensorflow/tfjs";
import type { PriorIR } from "../../../compiler/ir/types";
import { LaplacePrior } from "../../../runtime/priors/laplace";
import { MixturePrior } from "../../../runtime/priors/mog";
import type { Posterior } from "../../../runtime/priors/prior";
import { SpikeSlabPrior } from "../../../runtime/priors/spike-slab";
import { VampPrior } from "../../../runtime/priors/vamp";
import { logNormal, logSumExp } from "./reference";

/** three datapoints' q(y|x) in D = 2, from near the origin to far out */
export const MEAN = [
  [0.3, -0.5],
  [1.5, 0.2],
  [-2.2, 1.0],
];
export const LOGVAR = [
  [-0.5, 0.2],
  [-1.2, -0.3],
  [0.1, -2.0],
];
export const LOGITS = [
  [1.2, -0.7],
  [-2.0, 0.4],
  [0.1, 3.0],
];

export const FIXED_MOG: Extract<PriorIR, { kind: "mog" }> = { kind: "mog", k: 2, means: [[-2, 0], [2, 0]], std: 1, learnable: false, kl: "monte_carlo" };

export function fixedMog(): MixturePrior {
  return new MixturePrior(FIXED_MOG, new Map());
}

/** a learnable mixture with non-trivial offsets, stds and weights */
export function learnableMog(): { prior: MixturePrior; vars: tf.Variable[]; logP: (y: number[]) => number } {
  const offsets = [
    [0.3, -0.2],
    [-0.1, 0.4],
  ];
  const logStd = [Math.log(0.7), Math.log(1.3)];
  const logits = [0.5, -0.5];
  const params = new Map<string, tf.Variable>([
    ["o", tf.variable(tf.tensor2d(offsets))],
    ["s", tf.variable(tf.tensor1d(logStd))],
    ["l", tf.variable(tf.tensor1d(logits))],
  ]);
  const ir = { ...FIXED_MOG, learnable: true, params: { meanOffsets: "o", logStd: "s", logits: "l" } };
  const lz = logSumExp(logits);
  const means = FIXED_MOG.means.map((m, k) => m.map((v, d) => v + offsets[k]![d]!));
  const logP = (y: number[]) => logSumExp(means.map((m, k) => logits[k]! - lz + logNormal(y, m, [logStd[k]!, logStd[k]!])));
  return { prior: new MixturePrior(ir, params), vars: [...params.values()], logP };
}

export const fixedMogLogP = (y: number[]) => logSumExp(FIXED_MOG.means.map((m) => -Math.log(2) + logNormal(y, m, [0, 0])));

export const LAPLACE = { loc: 0.5, scale: 1.5 };
export const laplace = () => new LaplacePrior(LAPLACE.loc, LAPLACE.scale, 2);
export const laplaceLogP = (y: number[]) => y.reduce((s, v) => s - Math.abs(v - LAPLACE.loc) / LAPLACE.scale - Math.log(2 * LAPLACE.scale), 0);

/** A VampPrior over 3 pseudo-inputs in R⁴ with a linear "encoder": mean = u·A, logvar = u·B. */
export function vamp(): { prior: VampPrior; vars: tf.Variable[]; logP: (y: number[]) => number } {
  const u = [
    [0.5, -1.0, 0.2, 0.8],
    [-0.3, 0.4, 1.1, -0.6],
    [1.2, 0.1, -0.5, 0.3],
  ];
  const A = [
    [1.0, -0.5],
    [0.3, 0.8],
    [-0.7, 0.2],
    [0.5, 0.5],
  ];
  const B = [
    [0.2, -0.1],
    [-0.3, 0.2],
    [0.1, 0.3],
    [-0.2, -0.4],
  ];
  const vu = tf.variable(tf.tensor2d(u));
  const va = tf.variable(tf.tensor2d(A));
  const vb = tf.variable(tf.tensor2d(B));
  const encode = (x: tf.Tensor): Posterior => ({ mean: tf.matMul(x as tf.Tensor2D, va), logvar: tf.matMul(x as tf.Tensor2D, vb) });
  const prior = new VampPrior({ kind: "vamp", k: 3, pseudoInputs: "u", kl: "monte_carlo", init: "data" }, { latentDim: 2, params: new Map([["u", vu]]), encode });
  const mm = (x: number[][], w: number[][]) => x.map((r) => w[0]!.map((_, j) => r.reduce((s, v, i) => s + v * w[i]![j]!, 0)));
  const means = mm(u, A);
  const logSd = mm(u, B).map((r) => r.map((v) => v / 2));
  const logP = (y: number[]) => logSumExp(means.map((m, k) => -Math.log(3) + logNormal(y, m, logSd[k]!)));
  return { prior, vars: [vu, va, vb], logP };
}

export const SPIKE_ALPHA = 0.3;
export const spikeSlab = () => new SpikeSlabPrior(SPIKE_ALPHA, [50, 200], 2);

/** row r of the fixture posterior, repeated n times */
export function tiledPosterior(r: number, n: number, logits = false): Posterior {
  const t = (a: number[][]) => tf.tile(tf.tensor2d([a[r]!]), [n, 1]) as tf.Tensor2D;
  return { mean: t(MEAN), logvar: t(LOGVAR), ...(logits ? { logits: t(LOGITS) } : {}) };
}
