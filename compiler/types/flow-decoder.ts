// The shape rule of a FlowDecoder likelihood that needs the data's size: its affine couplings split
// the datapoint in two, so a datapoint of one value cannot have them (IV3041, the data's IV3040).
import type { Expr } from "../../grammar/ast";
import type { Label } from "../diagnostics/diagnostic";
import { bindArgs, type TypeContext } from "./context";
import { isNum } from "./dims";
import { couplingCalls } from "./flow-prior";
import type { Type } from "./types";

export function checkFlowDecoder(cx: TypeContext, likelihood: Expr, data: Type, xName: string, xFrom: Label | undefined): void {
  const sym = likelihood.kind === "Call" ? cx.resolution.get(likelihood) : undefined;
  if (likelihood.kind !== "Call" || sym?.kind !== "builtin" || sym.builtin.context !== "likelihood" || data.kind !== "tensor") return;
  const param = sym.builtin.params.find((p) => p.calls === "flow_layer");
  const layers = param && bindArgs(likelihood.args, sym.builtin.params.map((p) => p.name)).named.get(param.name);
  if (!layers) return;
  const dims = data.dims.map((d) => cx.s.resolve(d));
  if (!dims.every(isNum)) return;
  const size = (dims as number[]).reduce((a, b) => a * b, 1);
  if (size >= 2) return;
  for (const e of couplingCalls(cx, layers.value)) {
    cx.report("IV3041", e.span, `an affine coupling in a FlowDecoder needs '${xName}' to have at least 2 values, but it has ${size}: one part of the datapoint is transformed from the other`, {
      labels: xFrom ? [xFrom] : [],
    });
  }
}
