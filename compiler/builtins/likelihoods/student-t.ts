// Student-t: the decoder gives locations; heavy tails of ν degrees of freedom; the scale fixed or
// learned per data coordinate (as log s). A robust alternative to the Gaussian for real data.
import { z } from "zod";
import { opt, POSITIVE } from "../define";
import { defineLikelihood, scaledNode, scaleText } from "./descriptor";
import { SCALE_IR } from "./gaussian";

export const studentT = defineLikelihood(
  z.object({ kind: z.literal("student_t"), df: z.number().positive(), scale: SCALE_IR, logScale: z.string().min(1).optional() }),
)({
  name: "StudentT",
  kind: "student_t",
  params: [
    opt("df", "Real", 3, "degrees of freedom ν: heavier tails for small ν, the Gaussian as ν → ∞", POSITIVE),
    opt("scale", "any", 0.1, 'a fixed scale > 0, or "learned": one learnable scale per data coordinate', POSITIVE),
  ],
  doc: "independent Student-t(ν, mean, scale) per value, log p = lnΓ((ν+1)/2) − lnΓ(ν/2) − ½ ln(νπ) − ln scale − (ν+1)/2 · ln(1 + r²/ν), r = (x − mean)/scale; any real data, robust to outliers",
  lower(l) {
    const { kind, ...scale } = scaledNode(l, "student_t", "scale", "logScale", "log_scale");
    return { kind, df: l.num("df"), ...scale };
  },
  describe: (l) => `Student-t, ν = ${l.df}, scale ${scaleText(l.scale)}`,
});
