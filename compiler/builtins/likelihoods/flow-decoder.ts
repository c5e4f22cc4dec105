// FlowDecoder: f-VAE's conditional flow on x (Su & Wu 2018). The decoder's output μ(z) is the mean of a
// Gaussian base N(μ(z), σ²) and the conditioning features of every coupling; the layers are the flow
// prior's (flow-layers.ts), written in the normalising direction x̃ → base, so
// log p(x̃ | z) = log N(f(x̃; μ(z)); μ(z), σ²) + log |det ∂f/∂x̃|. The data are dequantised,
// x̃ = (k + u)/L with k = round((L − 1)·x) and u ~ U(0, 1)^D seeded per call, so that
// −log P(x) ≤ −E_u log p(x̃) + D·log L for x on L levels (runtime/objectives/dequantize.ts).
import { z } from "zod";
import { opt, POSITIVE } from "../define";
import { FLOW_LAYER_IR, lowerFlowLayers } from "../priors/flow-layers";
import { defineLikelihood, scaledNode, scaleText } from "./descriptor";
import { SCALE_IR } from "./gaussian";

export const flowDecoder = defineLikelihood(
  z.object({
    kind: z.literal("flow_decoder"),
    sigma: SCALE_IR,
    logSigma: z.string().min(1).optional(),
    /** in the normalising direction x̃ → base; couplings read the decoder's output as `context`; may be empty */
    layers: z.array(FLOW_LAYER_IR),
    /** L: the data's quantisation levels (x = k/(L − 1), k = 0 … L − 1) */
    levels: z.int().min(2),
  }),
)({
  name: "FlowDecoder",
  kind: "flow_decoder",
  params: [
    {
      ...opt("layers", "any", null, "flow layers on x in the normalising direction x̃ → base (see Flow layers); each affine coupling's conditioner also reads the decoder's output μ(z); none = no layers: the Gaussian likelihood on the dequantised data"),
      calls: "flow_layer",
    },
    opt("sigma", "any", 1, 'the base Gaussian\'s std: a fixed number > 0, or "learned": one learnable std per data coordinate', POSITIVE),
    opt("dequantize", "Int", 256, "L, the data's levels (8-bit images: 256): x̃ = (round((L − 1)·x) + u)/L, u ~ U(0, 1) seeded per call", "int [2, inf)"),
  ],
  doc: "f-VAE's conditional-flow decoder (Su & Wu 2018): log p(x̃ | z) = log N(f(x̃; μ(z)); μ(z), σ²) + log |det ∂f/∂x̃| on dequantised data x̃ = (k + u)/L; `intel eval` reports the discrete bound −log P(x) ≤ −log p(x̃) + D·log L in bits/dim; data in [0, 1]",
  support: [0, 1],
  lower(l) {
    const size = l.data.reduce((a, b) => a * b, 1);
    // the base's σ first: a FlowDecoder without layers has the Gaussian's parameters, in the Gaussian's order
    const { kind, ...scale } = scaledNode(l, "flow_decoder", "sigma", "logSigma", "log_sigma");
    const layers = lowerFlowLayers(l.calls("layers"), { dim: size, param: l.param, prefix: "likelihood/flow", context: size });
    return { kind, ...scale, layers, levels: l.num("dequantize") };
  },
  describe: (l) => {
    const counts = new Map<string, number>();
    for (const layer of l.layers) counts.set(layer.kind, (counts.get(layer.kind) ?? 0) + 1);
    const base = `N(μ(z), σ²), σ ${scaleText(l.sigma)}`;
    const flow = l.layers.length === 0 ? `${base} with no flow layers (the Gaussian likelihood)` : `${base} through ${l.layers.length} layers: ${[...counts].map(([k, n]) => `${n}× ${k}`).join(", ")}, couplings conditioned on μ(z)`;
    return `conditional flow (f-VAE): ${flow}; data dequantised to ${l.levels} levels (the discrete bound adds D·log ${l.levels})`;
  },
});
