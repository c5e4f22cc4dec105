// Shape rules of an objective's amortised encoder flow (`q_flow: sylvester(amortised: true)`) that need
// y's type: the encoder emits the flow's parameters for a Real[D] intermediary (IV3070: not for a
// OneHot one, whose q is categorical), and more than D Householder reflections add nothing (IV3071,
// a warning: D of them already reach every orthogonal D × D matrix); a global flow takes no
// `reflections` (IV3072: its Q always has D).
import type { Call, Span } from "../../grammar/ast";
import type { Builtin } from "../builtins/types";
import { argExpr, argValue } from "../rules/const-eval";
import type { TypeContext } from "./context";
import { isNum } from "./dims";
import type { Type } from "./types";

export function checkQFlow(cx: TypeContext, call: Call, builtin: Builtin, latent: Type, yName: string, yType: Span): void {
  const e = argExpr(call, builtin, "q_flow");
  const flow = e && (e.kind === "Call" || e.kind === "Name") ? cx.resolution.get(e) : undefined;
  if (!e || flow?.kind !== "builtin" || flow.builtin.context !== "q_flow" || e.kind !== "Call") return;
  const refl = argExpr(e, flow.builtin, "reflections");
  if (argValue(e, flow.builtin, "amortised") !== true) {
    if (refl) cx.report("IV3072", refl.span, `reflections sets the amortised Sylvester flow's Q; this flow is global, whose Q always has ${yName}'s D reflections`, { hint: "write sylvester(amortised: true, reflections: …), or drop reflections" });
    return;
  }
  if (latent.kind !== "tensor") return;
  const labels = [{ span: yType, message: `'${yName}' is declared ${latent.elem}[…] here` }];
  if (latent.elem !== "Real") {
    cx.report("IV3070", e.span, `an amortised encoder flow acts on a Real[D] intermediary, but '${yName}' is ${latent.elem}: its posterior is not the encoder's Gaussian, so there is nothing for the flow to transform`, { labels });
    return;
  }
  const h = argValue(e, flow.builtin, "reflections");
  const d = latent.dims.length === 1 ? cx.s.resolve(latent.dims[0]!) : undefined;
  if (typeof h === "number" && d !== undefined && isNum(d) && h > d) {
    cx.report("IV3071", refl!.span, `${h} Householder reflections on '${yName}' : Real[${d}]: D = ${d} of them already make every orthogonal Q, so the other ${h - d} only cost encoder outputs`, {
      labels: [{ span: yType, message: `'${yName}' is declared here` }],
    });
  }
}
