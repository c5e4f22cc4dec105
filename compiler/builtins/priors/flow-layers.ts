// The layers of a flow prior (`Flow(layers: [actnorm(), affine_coupling(hidden: [64]), permute()])`):
// each one's signature (context "flow_layer"), the zod schema of its IR node and its lowering to
// that node with its parameters. Every layer is written in the NORMALISING direction y → base (the
// direction log p(y) needs for an encoder sample); runtime/flows/ holds the math of both directions.
// Inits make every layer the identity (or a permutation) where one exists, so a fresh flow prior is
// exactly N(0, I); planar layers cannot be the identity under their invertibility constraint and
// start near it.
import { z } from "zod";
import type { Value } from "../../ir/types";
import { COUNT, maker, NONNEG_INT, opt, POSITIVE } from "../define";
import type { Builtin } from "../types";
import type { PriorLowering } from "./descriptor";

const layer = maker("flow_layer");

const id = z.string();
const COUPLING = z.object({
  kind: z.literal("affine_coupling"),
  /** false: the first ⌊D/2⌋ coordinates condition the rest; true: the last ⌊D/2⌋ condition the first ones */
  flip: z.boolean(),
  /** log-scale = m·tanh(raw / m): bounded by m, the identity near 0 */
  maxLogScale: z.number().positive(),
  /** the conditioner MLP's dense layers (tanh between them): kernels [in, out], biases [out]; the last outputs [shift, raw log-scale] */
  kernels: z.array(id),
  biases: z.array(id),
  /** a conditional coupling (FlowDecoder): this many conditioning features are appended to the conditioner's input */
  context: z.int().positive().optional(),
});
const ACTNORM = z.object({ kind: z.literal("actnorm"), loc: id, logScale: id });
const PERMUTE = z.object({ kind: z.literal("permute"), order: z.enum(["reverse", "random"]), seed: z.int() });
/** Glow's LU 1×1 convolution on a vector: W = P·L·(U + diag(exp(logScale))), P the seeded permutation */
const LINEAR = z.object({ kind: z.literal("invertible_linear"), seed: z.int(), lower: id, upper: id, logScale: id });
const PLANAR = z.object({ kind: z.literal("planar"), u: id, w: id, b: id });
const RADIAL = z.object({ kind: z.literal("radial"), center: id, alpha: id, beta: id });
/** the mapping flow's tensors (runtime/mapping/sylvester.ts): reflections q [M, D], raw R, R̃ [M, M], b [M] */
const SYLVESTER = z.object({ kind: z.literal("householder_sylvester"), q: id, r1: id, r2: id, b: id });

export const FLOW_LAYER_IR = z.discriminatedUnion("kind", [COUPLING, ACTNORM, PERMUTE, LINEAR, PLANAR, RADIAL, SYLVESTER]);
export type FlowLayerIR = z.infer<typeof FLOW_LAYER_IR>;

/** What a layer's lowering reads: its arguments, D, its position, and the prior's parameter maker. */
export interface FlowLayerLowering {
  args: Record<string, Value>;
  dim: number;
  /** the layer's index in the list: its parameters are prior/flow/layer_<index>/… */
  index: number;
  /** a coupling conditions on the last half: the coupling before it, with no permutation between, used the first */
  flip: boolean;
  param: PriorLowering["param"];
  /** the parameters' id prefix: "prior/flow" for a flow prior, "likelihood/flow" for a FlowDecoder */
  prefix: string;
  /** conditioning features a coupling's conditioner also reads (FlowDecoder: the decoder's output); 0: none */
  context: number;
}

interface FlowLayerDescriptor {
  builtin: Builtin;
  lower(l: FlowLayerLowering): FlowLayerIR;
}

const SMALL = { kind: "normal", mean: 0, std: 0.01 } as const;
const ZEROS = { kind: "zeros" } as const;
const p = (l: FlowLayerLowering, name: string, shape: number[], init: Parameters<PriorLowering["param"]>[2]) => l.param(`${l.prefix}/layer_${l.index}/${name}`, shape, init);

const int = (v: Value | undefined, fallback: number): number => (typeof v === "number" ? v : fallback);

export const FLOW_LAYERS: readonly FlowLayerDescriptor[] = [
  {
    builtin: layer(
      "affine_coupling",
      [opt("hidden", "Int[]", [64], "the conditioner MLP's hidden sizes (tanh)"), opt("max_log_scale", "Real", 2, "the log-scale is m·tanh(raw / m), bounded by m", POSITIVE)],
      "RealNVP/Glow affine coupling: half of y (the other half from the previous coupling's when no permutation is between them) gives a shift t and a log-scale s of the other half, u_b = y_b·exp(s) + t; log-det Σ s; needs D ≥ 2 (IV3040); starts as the identity (zero last layer)",
    ),
    lower(l) {
      const hidden = Array.isArray(l.args.hidden) ? l.args.hidden.map((h) => int(h, 1)) : [64];
      const half = Math.floor(l.dim / 2);
      const flip = l.flip;
      const cond = flip ? l.dim - half : half;
      const sizes = [cond + l.context, ...hidden, 2 * (l.dim - cond)];
      const kernels: string[] = [];
      const biases: string[] = [];
      for (let i = 0; i + 1 < sizes.length; i++) {
        const last = i + 2 === sizes.length;
        const [fanIn, fanOut] = [sizes[i]!, sizes[i + 1]!];
        kernels.push(p(l, `dense_${i}/kernel`, [fanIn, fanOut], last ? ZEROS : { kind: "glorot_uniform", fanIn, fanOut }));
        biases.push(p(l, `dense_${i}/bias`, [fanOut], ZEROS));
      }
      return { kind: "affine_coupling", flip, maxLogScale: int(l.args.max_log_scale, 2), kernels, biases, ...(l.context > 0 ? { context: l.context } : {}) };
    },
  },
  {
    builtin: layer("actnorm", [], "Glow's activation normalisation: u = (y + loc)·exp(log_scale) per coordinate, log-det Σ log_scale; data-independent init (the identity), not Glow's first-batch init"),
    lower: (l) => ({ kind: "actnorm", loc: p(l, "loc", [l.dim], ZEROS), logScale: p(l, "log_scale", [l.dim], ZEROS) }),
  },
  {
    builtin: layer(
      "permute",
      [opt("order", "String", "reverse", '"reverse" or "random" (a fixed permutation drawn from seed)', ["reverse", "random"]), opt("seed", "Int", 0, "the random order's seed", NONNEG_INT)],
      "a fixed permutation of the coordinates (no parameters, log-det 0)",
    ),
    lower: (l) => ({ kind: "permute", order: l.args.order === "random" ? "random" : "reverse", seed: int(l.args.seed, 0) }),
  },
  {
    builtin: layer(
      "invertible_linear",
      [opt("seed", "Int", 0, "the fixed permutation P's seed", NONNEG_INT)],
      "a learned permutation, Glow's LU-decomposed invertible 1×1 convolution on a vector: u = W·y, W = P·L·(U + diag(exp(s))), log-det Σ s; starts at W = P",
    ),
    lower: (l) => ({
      kind: "invertible_linear",
      seed: int(l.args.seed, 0),
      lower: p(l, "lower", [l.dim, l.dim], ZEROS),
      upper: p(l, "upper", [l.dim, l.dim], ZEROS),
      logScale: p(l, "log_scale", [l.dim], ZEROS),
    }),
  },
  {
    builtin: layer("planar", [], "a planar layer u = y + û·tanh(wᵀy + b) (Rezende & Mohamed 2015) in the normalising direction, so log p(y) is exact; sampling inverts it numerically (a monotone 1-D solve); starts near the identity"),
    lower: (l) => ({ kind: "planar", u: p(l, "u", [l.dim], SMALL), w: p(l, "w", [l.dim], SMALL), b: p(l, "b", [], ZEROS) }),
  },
  {
    builtin: layer("radial", [], "a radial layer u = y + β·(y − c)/(α + ‖y − c‖) (Rezende & Mohamed 2015) in the normalising direction; its inverse is closed-form (a quadratic in the radius); starts as the identity"),
    lower: (l) => ({ kind: "radial", center: p(l, "center", [l.dim], ZEROS), alpha: p(l, "alpha", [1], ZEROS), beta: p(l, "beta", [1], ZEROS) }),
  },
  {
    builtin: layer(
      "householder_sylvester",
      [opt("rank", "Int", null, "M, the number of Householder reflections (Q is D × M); none, or more than D, = D", COUNT)],
      "a Householder–Sylvester layer u = y + Q·R·tanh(R̃·Qᵀ·y + b) (van den Berg et al. 2018), the mapping flow's math in the normalising direction; sampling inverts it coordinate by coordinate (a triangular system of monotone 1-D solves); starts near the identity",
    ),
    lower(l) {
      const m = Math.min(int(l.args.rank, l.dim), l.dim);
      return {
        kind: "householder_sylvester",
        q: p(l, "q", [m, l.dim], { kind: "normal", mean: 0, std: 1 }),
        r1: p(l, "r1", [m, m], SMALL),
        r2: p(l, "r2", [m, m], { kind: "normal", mean: 0, std: 1 / Math.sqrt(m) }),
        b: p(l, "b", [m], ZEROS),
      };
    },
  },
];

/** A layer that reorders coordinates: the next coupling conditions on the first half again. */
const PERMUTES = new Set(["permute", "invertible_linear"]);

/** A list of layer calls (their arguments as written) → their IR nodes, in order: defaults filled in,
 *  and each coupling told which half conditions (alternating, reset by a permutation). Shared by the
 *  flow prior and the FlowDecoder likelihood. */
export function lowerFlowLayers(
  list: readonly { name: string; args: Record<string, Value> }[],
  o: { dim: number; param: PriorLowering["param"]; prefix: string; context: number },
): FlowLayerIR[] {
  const layers: FlowLayerIR[] = [];
  let flip = false;
  list.forEach((c, index) => {
    const d = flowLayerByName(c.name);
    if (!d) throw new Error(`the flow layer '${c.name}' has no descriptor`);
    const withDefaults = Object.fromEntries(d.builtin.params.map((p) => [p.name, c.args[p.name] ?? p.default ?? null]));
    layers.push(d.lower({ args: withDefaults, index, flip, ...o }));
    if (c.name === "affine_coupling") flip = !flip;
    else if (PERMUTES.has(c.name)) flip = false;
  });
  return layers;
}

export const FLOW_LAYER_BUILTINS: readonly Builtin[] = FLOW_LAYERS.map((d) => d.builtin);

export function flowLayerByName(name: string): FlowLayerDescriptor | undefined {
  return FLOW_LAYERS.find((d) => d.builtin.name === name);
}
