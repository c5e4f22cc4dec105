// Bernoulli: the decoder gives logits; grey levels in (0, 1) act as soft targets (the cross-entropy).
import { z } from "zod";
import { defineLikelihood } from "./descriptor";

export const bernoulli = defineLikelihood(z.object({ kind: z.literal("bernoulli") }))({
  name: "Bernoulli",
  kind: "bernoulli",
  params: [],
  doc: "independent Bernoulli(sigmoid(logits)) per value; data in [0, 1] (grey levels act as soft targets: the cross-entropy)",
  support: [0, 1],
  lower: () => ({ kind: "bernoulli" }),
  describe: () => "Bernoulli (decoder logits)",
});
