// Gaussian: the decoder gives means; σ fixed or learned per data coordinate (as log σ).
import { z } from "zod";
import { opt, POSITIVE } from "../define";
import { defineLikelihood, scaledNode, scaleText } from "./descriptor";

export const SCALE_IR = z.union([z.number().positive(), z.literal("learned")]);

export const gaussian = defineLikelihood(z.object({ kind: z.literal("gaussian"), sigma: SCALE_IR, logSigma: z.string().min(1).optional() }))({
  name: "Gaussian",
  kind: "gaussian",
  params: [opt("sigma", "any", 1, 'a fixed std > 0, or "learned": one learnable std per data coordinate', POSITIVE)],
  doc: "independent N(mean, sigma²) per value; any real data",
  lower: (l) => scaledNode(l, "gaussian", "sigma", "logSigma", "log_sigma"),
  describe: (l) => `Gaussian, σ ${scaleText(l.sigma)}`,
});
