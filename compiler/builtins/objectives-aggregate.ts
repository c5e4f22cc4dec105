// Objectives over the aggregate posterior of the minibatch: β-TCVAE (Chen et al. 2018) and its
// grouped total correlation (β-STCVAE, "Disentangling Granularity", Chen, Xiang, Wang 2025). The
// estimator is runtime/objectives/aggregate.ts; the groups are checked against y's size by the type
// checker (compiler/types/objective-groups.ts), so the lowering only writes them out.
import { z } from "zod";
import { COUNT, NONNEG, opt } from "./define";
import { defineObjective, objective, type ObjectiveLowering } from "./objective-descriptor";

/** Consecutive groups of `size` coordinates of y, the last possibly shorter: group_size's groups. */
export function consecutiveGroups(d: number, size: number): number[][] {
  const out: number[][] = [];
  for (let s = 0; s < d; s += size) out.push(Array.from({ length: Math.min(size, d - s) }, (_, i) => s + i));
  return out;
}

function lowerGroups(l: ObjectiveLowering): number[][] | null {
  const { groups, group_size: size } = l.args;
  if (Array.isArray(groups)) return groups.map((g) => (Array.isArray(g) ? g.map(Number) : [Number(g)]));
  if (typeof size === "number") return consecutiveGroups(l.dim, size);
  return null;
}

export const tcElbo = defineObjective(
  z.object({
    kind: z.literal("tc_elbo"),
    alpha: z.number().min(0),
    beta: z.number().min(0),
    gamma: z.number().min(0),
    sampling: z.enum(["mss", "mws"]),
    /** groups of y's coordinates, a partition of 0..D−1; null: every coordinate its own group */
    groups: z.array(z.array(z.int().min(0)).min(1)).nullable(),
    qFlow: z.undefined().optional(),
  }),
)(
  {
    kind: "tc_elbo",
    lower: (l) => {
      const sampling = l.args.sampling;
      if (sampling !== "mss" && sampling !== "mws") return l.fail(`tc_elbo's sampling must be "mss" or "mws", got ${JSON.stringify(sampling)}`);
      return { kind: "tc_elbo", alpha: l.num("alpha"), beta: l.num("beta"), gamma: l.num("gamma"), sampling, groups: lowerGroups(l) };
    },
    describe: (o, y) => {
      const tc = o.groups ? `TC between the groups ${JSON.stringify(o.groups)} of ${y}` : `TC of ${y}`;
      return `β-TCVAE: recon + ${o.alpha}·MI + ${o.beta}·${tc} + ${o.gamma}·dimension-wise KL, estimated on the minibatch (${o.sampling.toUpperCase()}, N = the training set's size)`;
    },
  },
  objective(
    "tc_elbo",
    [
      opt("alpha", "Real", 1, "weight of the index-code mutual information I(x; y)", NONNEG),
      opt("beta", "Real", 6, "weight of the total correlation of q(y) (between the groups, with groups or group_size)", NONNEG),
      opt("gamma", "Real", 1, "weight of the dimension-wise KL Σ_d KL(q(y_d) ‖ p(y_d)) (with groups: of Σ_g KL(q(y_g) ‖ p(y_g)))", NONNEG),
      opt("groups", "any", null, "a partition of y's coordinates, e.g. [[0, 1], [2, 3, 4]]: dependence between groups is penalised by beta, within a group only by gamma; none = every coordinate its own group"),
      opt("group_size", "Int", null, "groups of this many consecutive coordinates (the last may be shorter), instead of groups", COUNT),
      opt("sampling", "String", "mss", '"mss": minibatch stratified sampling (an unbiased estimate of q(y_i)); "mws": minibatch-weighted sampling as published, whose terms carry offsets up to (D − 1)·log N', ["mss", "mws"]),
    ],
    "the β-TCVAE loss −E_q[log p(x | g(y))] + γ·KL(q(y|x) ‖ p(y)) + (α − γ)·MI + (β − γ)·TC + Σ penalties: the analytic KL, and MI and TC of the aggregate posterior q(y) estimated on the minibatch with the training set's size N; the terms MI, TC and the dimension-wise KL go to metrics.jsonl. Needs the N(0, I) prior; the terms are of y, not of z = g(y)",
  ),
);

