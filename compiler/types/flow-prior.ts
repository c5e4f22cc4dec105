// Shape rules of a flow prior's layers (`Flow(layers: [...])`) that need D, the size of y: an affine
// coupling splits y in two, so it needs D ≥ 2 (IV3040); so do the default steps of `Flow(depth: …)`.
import type { Expr, Span } from "../../grammar/ast";
import { callsIn } from "../names/args";
import { bindArgs, type TypeContext } from "./context";
import { isNum } from "./dims";
import type { Type } from "./types";

export function checkFlowPrior(cx: TypeContext, prior: Expr, latent: Type, yName: string, yType: Span): void {
  const sym = prior.kind === "Call" || prior.kind === "Name" ? cx.resolution.get(prior) : undefined;
  if (sym?.kind !== "builtin" || sym.builtin.context !== "prior" || latent.kind !== "tensor") return;
  // the prior whose layers are flow layers (Flow)
  const param = sym.builtin.params.find((p) => p.calls === "flow_layer");
  const layers = param && bindArgs(prior.kind === "Call" ? prior.args : [], sym.builtin.params.map((p) => p.name)).named.get(param.name);
  const d = latent.dims[0] === undefined ? undefined : cx.s.resolve(latent.dims[0]);
  if (!param || d === undefined || !isNum(d) || d >= 2) return;
  const labels = [{ span: yType, message: `'${yName}' is declared Real[${d}] here` }];
  if (!layers) {
    cx.report("IV3040", prior.span, `the flow prior's default steps hold affine couplings, which need '${yName}' to have at least 2 coordinates, but it is Real[${d}]`, {
      labels,
      hint: "write the layers out, e.g. `Flow(layers: [actnorm(), radial(), planar()])`",
    });
    return;
  }
  for (const e of couplingCalls(cx, layers.value)) {
    cx.report("IV3040", e.span, `an affine coupling needs '${yName}' to have at least 2 coordinates, but it is Real[${d}]: one part of y is transformed from the other`, {
      labels,
    });
  }
}

/** The affine couplings among a list of flow-layer calls (a flow prior's or a FlowDecoder's `layers`). */
export function couplingCalls(cx: TypeContext, layers: Expr): Expr[] {
  return callsIn(layers).filter((e) => {
    const layer = e.kind === "Call" || e.kind === "Name" ? cx.resolution.get(e) : undefined;
    return layer?.kind === "builtin" && layer.builtin.name === "affine_coupling";
  });
}
