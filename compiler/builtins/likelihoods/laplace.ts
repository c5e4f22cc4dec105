// Laplace: the decoder gives locations; the scale b fixed or learned per data coordinate (as log b).
import { z } from "zod";
import { opt, POSITIVE } from "../define";
import { defineLikelihood, scaledNode, scaleText } from "./descriptor";
import { SCALE_IR } from "./gaussian";

export const laplace = defineLikelihood(z.object({ kind: z.literal("laplace"), scale: SCALE_IR, logScale: z.string().min(1).optional() }))({
  name: "Laplace",
  kind: "laplace",
  params: [opt("scale", "any", 0.1, 'a fixed scale > 0 (0.1 as in the paper\'s code), or "learned": one learnable scale per data coordinate', POSITIVE)],
  doc: "independent Laplace(mean, scale) per value, log p = −|x − mean| / scale − log(2·scale); any real data, robust to outliers",
  lower: (l) => scaledNode(l, "laplace", "scale", "logScale", "log_scale"),
  describe: (l) => `Laplace, scale ${scaleText(l.scale)}`,
});
