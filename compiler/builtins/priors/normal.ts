// N(0, I): the InteL-VAE prior (the model rules allow no other mean or covariance).
import { z } from "zod";
import { opt } from "../define";
import { definePrior } from "./descriptor";

export const normal = definePrior(
  z.object({ kind: z.literal("normal") }),
)({
  name: "Normal",
  kind: "normal",
  title: "N(0, I)",
  params: [
    opt("mean", "any", 0, "0 (the InteL-VAE prior), a Real or a list literal"),
    opt("cov", "any", 1, "I (the InteL-VAE prior; the default 1 means I) (an InteL-VAE needs exactly N(0, I), IV5002: put any scale c into the mapping, e.g. `mapping z = c * y`)"),
  ],
  doc: "N(mean, cov); Normal(0, I) is the InteL-VAE prior, with an analytic KL",
  analyticKl: true,
  heads: 2,
  sparse: false,
  lower: () => ({ kind: "normal" }),
  describe: () => "; KL analytic (Gaussian against N(0, I))",
});
