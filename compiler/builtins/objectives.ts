// Objectives, minimised: `objective elbo(beta: 1)`. The mapping's penalties (`penalty` statements)
// are always added. Densities are taken on the intermediary y, before the mapping (docs/architecture.md §1).
// Like the priors (./priors/descriptor.ts), each objective is described once: its signature, the
// schema of its IR node (`ir.objective`), its lowering and its `intel check --verbose` line. The
// runtime implements each IR kind once (runtime/objectives/registry.ts).
import { z } from "zod";
import { COUNT, NONNEG, NONNEG_INT, opt } from "./define";
import { defineObjective, objective, type ObjectiveDescriptor, type ObjectiveLowering } from "./objective-descriptor";
import { tcElbo } from "./objectives-aggregate";
import { geco } from "./objectives-constrained";
import type { Builtin, BuiltinParam } from "./types";

export type { ObjectiveDescriptor, ObjectiveLowering, ObjectiveSchema } from "./objective-descriptor";

const count = z.int().min(1);
const id = z.string().min(1);
const Q_FLOW_IR = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("planar"), layers: count, params: z.object({ u: z.array(id), w: z.array(id), b: z.array(id) }) }),
  z.object({ kind: z.literal("sylvester"), layers: count, params: z.object({ q: z.array(id), r1: z.array(id), r2: z.array(id), b: z.array(id) }) }),
  z.object({ kind: z.literal("amortised_planar"), layers: count, units: count }),
  z.object({ kind: z.literal("amortised_sylvester"), layers: count, reflections: count, units: count }),
]);

/**
 * An encoder flow (the planar and Sylvester baselines): q(y|x) is y = f(y₀), y₀ ~ N(μ(x), σ²(x)).
 * `q_flow: "planar"` / `"sylvester"` (the old string form) and `planar()` / `sylvester()` are global:
 * f's parameters are learned with the model. `sylvester(amortised: true)` is van den Berg et al.'s:
 * the encoder emits them per datapoint (compiler/builtins/q-flows.ts).
 */
const Q_FLOW: BuiltinParam[] = [
  {
    ...opt(
      "q_flow",
      "any",
      "none",
      'y = f(y₀), y₀ ~ N(μ(x), σ²(x)), f a stack of invertible layers: planar() or sylvester() (see Encoder flows), amortised (parameters from the encoder, per datapoint) or global; "planar" and "sylvester" are the global ones; log q(y|x) = log N(y₀; μ, σ²) − log|det ∂f/∂y₀|, so the KL is Monte Carlo; representations are g(f(μ(x)))',
      ["none", "planar", "sylvester"],
    ),
    calls: "q_flow",
  },
  opt("q_flow_layers", "Int", 4, "layers of the encoder flow", COUNT),
];

const flowOf = (l: ObjectiveLowering) => {
  const f = l.qFlow();
  return f ? { qFlow: f } : {};
};

const elbo = defineObjective(
  z.object({
    kind: z.literal("elbo"),
    beta: z.number().min(0),
    warmup: z.int().min(0),
    samples: count,
    kl: z.enum(["auto", "analytic", "mc"]),
    qFlow: Q_FLOW_IR.optional(),
  }),
)(
  {
    kind: "elbo",
    lower: (l) => {
      const kl = l.args.kl;
      if (kl !== "auto" && kl !== "analytic" && kl !== "mc") return l.fail(`elbo's kl must be "auto", "analytic" or "mc", got ${JSON.stringify(kl)}`);
      return { kind: "elbo", beta: l.num("beta"), warmup: l.num("warmup"), samples: l.num("samples"), kl, ...flowOf(l) };
    },
    describe: (o, y) => {
      const samples = (o.samples ?? 1) > 1 ? `, ${o.samples} samples of ${y} per datapoint` : "";
      return `ELBO, β = ${o.beta}${o.warmup > 0 ? ` warmed up over ${o.warmup} epochs` : ""}${samples}`;
    },
  },
  objective(
    "elbo",
    [
      opt("beta", "Real", 1, "weight of the KL (β-VAE)", NONNEG),
      opt("warmup", "Int", 0, "epochs over which β rises linearly from 0 to beta; 0 = none", NONNEG_INT),
      opt("samples", "Int", 1, "Monte Carlo samples of y per datapoint: the reconstruction (and a Monte Carlo KL) is averaged over them", COUNT),
      opt("kl", "String", "auto", '"auto": analytic where it exists; "analytic": an error where none exists; "mc": log q(y|x) − log p(y) on the sampled y', ["auto", "analytic", "mc"]),
      ...Q_FLOW,
    ],
    "the negative ELBO: −E_q[log p(x | g(y))] + β·KL(q(y | x) ‖ p(y)) + Σ penalties, averaged over the minibatch",
  ),
);

const iwae = defineObjective(z.object({ kind: z.literal("iwae"), k: count, warmup: z.int().min(0), qFlow: Q_FLOW_IR.optional() }))(
  {
    kind: "iwae",
    lower: (l) => ({ kind: "iwae", k: l.num("k"), warmup: l.num("warmup"), ...flowOf(l) }),
    describe: (o) => `IWAE, K = ${o.k}`,
  },
  objective(
    "iwae",
    [opt("k", "Int", 5, "importance samples per datapoint", COUNT), opt("warmup", "Int", 0, "epochs of ELBO training before switching to IWAE", NONNEG_INT), ...Q_FLOW],
    "the negative importance-weighted bound −log (1/k) Σₖ wₖ, wₖ = p(x | g(yₖ))·p(yₖ) / q(yₖ | x), yₖ ~ q(y | x), + Σ penalties; k = 1 is the ELBO",
  ),
);

/** The IR schema of `ir.objective`: a union over the descriptors' kinds. */
export const OBJECTIVE_IR = z.discriminatedUnion("kind", [elbo.ir, iwae.ir, tcElbo.ir, geco.ir]);

/** The IR of the objective. */
export type ObjectiveIR = z.infer<typeof OBJECTIVE_IR>;

/** In documentation order. */
export const OBJECTIVE_DESCRIPTORS: readonly ObjectiveDescriptor[] = [elbo, iwae, tcElbo, geco] as readonly ObjectiveDescriptor[];
export const OBJECTIVES: readonly Builtin[] = OBJECTIVE_DESCRIPTORS;

export function objectiveByName(name: string): ObjectiveDescriptor | undefined {
  return OBJECTIVE_DESCRIPTORS.find((o) => o.name === name);
}

export function objectiveByKind(kind: string): ObjectiveDescriptor | undefined {
  return OBJECTIVE_DESCRIPTORS.find((o) => o.kind === kind);
}
