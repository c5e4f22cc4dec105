// Learned hierarchical prior (Klushyn et al. 2019, "Learning Hierarchical Priors in VAEs"): a second
// stochastic level ζ under y, p(y) = ∫ N(y; μ_p(ζ), σ_p²(ζ)) N(ζ; 0, I) dζ, with μ_p, log σ_p² from an
// MLP and an inference network q(ζ | y) = N(μ_q(y), σ_q²(y)), another MLP. log p(y) has no closed
// form: it is bounded by importance weighting with k samples of q(ζ | y), so the KL term of the ELBO
// is estimated (docs/language.md, "Hierarchical priors"; the math is runtime/priors/hierarchical.ts).
import { z } from "zod";
import type { NetworkIR } from "../../ir/types";
import { COUNT, opt } from "../define";
import { definePrior } from "./descriptor";

/** The IR's network schema lives in compiler/ir/schema.ts, which imports this file: checked loosely here. */
const network = z.custom<NetworkIR>((v) => typeof v === "object" && v !== null && Array.isArray((v as NetworkIR).layers) && Array.isArray((v as NetworkIR).input));

/** "8 → 64 → 32": a network's input and its dense layers' sizes */
const sizes = (n: NetworkIR): string => [n.input[0], ...n.layers.flatMap((l) => (l.kind === "dense" ? [l.units] : []))].join(" → ");

export const hierarchical = definePrior(
  z.object({
    kind: z.literal("hierarchical"),
    /** dim ζ */
    zeta: z.int().min(1),
    /** importance samples of q(ζ | y) per value of y */
    k: z.int().min(1),
    /** ζ: [zeta] → (μ_p, log σ_p²): [2·D] */
    p: network,
    /** y: [D] → (μ_q, log σ_q²): [2·zeta] */
    q: network,
    kl: z.literal("importance_weighted"),
  }),
)({
  name: "Hierarchical",
  kind: "hierarchical",
  title: "a learned hierarchical prior",
  params: [
    opt("zeta", "Int", 10, "size of the upper latent ζ ~ N(0, I)", COUNT),
    opt("hidden", "Int[]", [64], "hidden sizes of both MLPs (ReLU): p(y | ζ) and the inference network q(ζ | y)"),
    opt("k", "Int", 8, "importance samples of q(ζ | y) bounding log p(y)", COUNT),
    opt("net", "network", null, "the network of p(y | ζ), Real[zeta] → (μ_p, log σ_p²): Real[2·D], e.g. mlp_decoder(hidden: [64]); none = an MLP with the `hidden` sizes"),
    opt("q_net", "network", null, "the inference network q(ζ | y), Real[D] → (μ_q, log σ_q²): Real[2·zeta]; none = an MLP with the `hidden` sizes"),
  ],
  doc: "baseline (Klushyn et al. 2019): y | ζ ~ N(μ_p(ζ), σ_p²(ζ)), ζ ~ N(0, I), with a second inference network q(ζ | y); log p(y) is bounded by importance weighting with k samples of q(ζ | y), so the KL is estimated",
  analyticKl: false,
  klEstimate: "estimated: log q(y | x) minus an importance-weighted bound on log p(y)",
  noMonteCarloKl: {
    why: "log p(y) is itself an importance-weighted estimate, drawn with the objective's own noise",
    hint: "use the default KL and no encoder flow with Hierarchical",
  },
  heads: 2,
  sparse: false,
  networks(num, dim): Record<string, { input: number[]; output: number[]; what: string }> {
    const zeta = num("zeta");
    if (zeta === undefined) return {};
    return {
      net: { input: [zeta], output: [2 * dim], what: "p(y | ζ)'s network" },
      q_net: { input: [dim], output: [2 * zeta], what: "the inference network q(ζ | y)" },
    };
  },
  checkArgs(arg) {
    const h = arg("hidden");
    const bad = h && Array.isArray(h.value) ? h.value.find((v) => !(Number.isInteger(v) && (v as number) >= 1)) : undefined;
    return h && bad !== undefined ? [{ code: "IV5050", span: h.span, message: `Hierarchical's hidden sizes must be whole numbers ≥ 1, got ${JSON.stringify(bad)} in [${(h.value as unknown[]).join(", ")}]` }] : [];
  },
  lower({ num, args, dim, mlp, network }) {
    const zeta = num("zeta");
    const hidden = args.hidden as number[];
    return {
      kind: "hierarchical",
      zeta,
      k: num("k"),
      p: network("net", "prior/p_net") ?? mlp("prior/p_net", zeta, hidden, 2 * dim),
      q: network("q_net", "prior/q_net") ?? mlp("prior/q_net", dim, hidden, 2 * zeta),
      kl: "importance_weighted",
    };
  },
  describe: (p, y) =>
    ` with ζ : Real[${p.zeta}] ~ N(0, I) and ${y} | ζ ~ N(μ_p(ζ), σ_p²(ζ)) (${p.p.name} ${sizes(p.p)}), inference network q(ζ | ${y}) (${p.q.name} ${sizes(p.q)}); ` +
    `log p(${y}) bounded by importance weighting with k = ${p.k} samples of q(ζ | ${y}); KL estimated: log q(${y} | x) − that bound on one sample of ${y} (an upper bound in expectation, so the ELBO stays a lower bound); ` +
    `analytic: log N(ζ; 0, I), log p(${y} | ζ), log q(ζ | ${y}) on each sample`,
});
