// Constrained objectives: GECO (Rezende & Viola 2018, "Taming VAEs") minimises the KL subject to
// E[recon] ≤ κ with a Lagrange multiplier λ, and REWO (Klushyn et al. 2019) as its schedule. λ and
// the constraint's moving average are training state (runtime/objectives/constraint.ts), saved in
// every checkpoint. The model rules check the constraint's term (IV5071) and λ's range (IV5072).
import { z } from "zod";
import { FRACTION, POSITIVE, opt, req } from "./define";
import { defineObjective, objective } from "./objective-descriptor";

/** The terms a constraint may bound (LossTerms' names). */
export const CONSTRAINABLE_TERMS = ["recon"] as const;

export const geco = defineObjective(
  z.object({
    kind: z.literal("geco"),
    constraint: z.enum(CONSTRAINABLE_TERMS),
    kappa: z.number(),
    alpha: z.number().min(0).max(1),
    rate: z.number().positive(),
    lambdaInit: z.number().positive(),
    lambdaRange: z.tuple([z.number().positive(), z.number().positive()]),
    schedule: z.enum(["geco", "rewo"]),
    qFlow: z.undefined().optional(),
  }),
)(
  {
    kind: "geco",
    lower: (l) => {
      const { constraint, schedule, lambda_range: range } = l.args;
      if (constraint !== "recon") return l.fail(`geco constrains "recon", not ${JSON.stringify(constraint)}`);
      if (schedule !== "geco" && schedule !== "rewo") return l.fail(`geco's schedule must be "geco" or "rewo", got ${JSON.stringify(schedule)}`);
      if (!Array.isArray(range) || range.length !== 2) return l.fail("geco's lambda_range must be [lo, hi]");
      return {
        kind: "geco",
        constraint,
        kappa: l.num("kappa"),
        alpha: l.num("alpha"),
        rate: l.num("rate"),
        lambdaInit: l.num("lambda_init"),
        lambdaRange: [Number(range[0]), Number(range[1])],
        schedule,
      };
    },
    describe: (o, y) => {
      const rewo = o.schedule === "rewo" ? "; REWO: reconstruction alone until the constraint first holds" : "";
      return `GECO: KL(q(${y}|x) ‖ p(${y})) + λ·(${o.constraint} ${o.kappa < 0 ? "+" : "−"} ${Math.abs(o.kappa)}), λ from ${o.lambdaInit} in [${o.lambdaRange.join(", ")}], λ ← λ·exp(${o.rate}·ĉ), ĉ the moving average (α = ${o.alpha})${rewo}`;
    },
  },
  objective(
    "geco",
    [
      req("kappa", "Real", "the tolerance κ: the constraint is E[recon] ≤ κ, in the recon term's units (nats per datapoint)"),
      opt("constraint", "String", "recon", 'the term the constraint bounds: "recon", −log p(x | g(y)) per datapoint'),
      opt("alpha", "Real", 0.99, "memory of the constraint's moving average ĉ ← α·ĉ + (1 − α)·(recon − κ); ĉ starts at the first batch's value", FRACTION),
      opt("rate", "Real", 1e-3, "λ's step: λ ← λ·exp(rate·ĉ) after every optimizer step", POSITIVE),
      opt("lambda_init", "Real", 1, "λ at the start of training", POSITIVE),
      opt("lambda_range", "Real[]", [1e-6, 1e6], "[lo, hi]: λ is clipped into it after every update"),
      opt("schedule", "String", "geco", '"geco": the Lagrangian from the first step; "rewo": reconstruction alone (the KL switched off, λ held) until ĉ ≤ 0 first, then GECO', ["geco", "rewo"]),
    ],
    "the GECO Lagrangian KL(q(y|x) ‖ p(y)) + λ·(recon − κ) + Σ penalties: minimise the KL subject to E[recon] ≤ κ, λ the Lagrange multiplier, updated from the moving average of the constraint; λ and the average are training state (checkpointed, in metrics.jsonl as lambda and constraint)",
  ),
);
