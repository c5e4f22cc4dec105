// The objective's encoder flow (`q_flow`, compiler/builtins/q-flows.ts) → QFlowIR. A global flow
// creates its parameters under "q_flow/" (the mapping flows' inits, compiler/lower/mappings.ts); an
// amortised one creates none: it widens the encoder's head by `units` columns (compiler/lower/lower.ts),
// which the runtime reads as the flow's parameters per datapoint (runtime/objectives/q-flow-amortised.ts).
import type { ModelDecl, Span } from "../../grammar/ast";
import type { QFlowIR, Value } from "../ir/types";
import { LowerError, type Lowering } from "./context";
import { planarParams, sylvesterParams, type ParamMaker } from "./mappings";
import { callsOf, item, slot } from "./slots";

/** What the objective's q_flow and q_flow_layers say; null for none (or an objective without them). */
export interface QFlowSpec {
  kind: "planar" | "sylvester";
  amortised: boolean;
  /** Householder reflections of an amortised Sylvester flow (default D) */
  reflections: number | null;
  layers: number;
}

export function qFlowSpec(lw: Lowering, m: ModelDecl): QFlowSpec | null {
  const it = item(m, "ObjectiveItem");
  if (!it) return null;
  const s = slot(lw, it.value);
  const v: Value | undefined = s.args.q_flow;
  if (v === undefined || v === null || v === "none") return null;
  const layers = s.args.q_flow_layers;
  const span = it.span;
  if (typeof layers !== "number" || !Number.isInteger(layers) || layers < 1) throw new LowerError(`q_flow_layers must be an integer ≥ 1, got ${JSON.stringify(layers)}`, span);
  // the old string form is the global flow; a call names its kind and options
  const call = typeof v === "string" ? { name: v, args: {} as Record<string, Value> } : callsOf(lw, s.call, s.builtin, "q_flow")[0];
  const kind = call?.name;
  if (kind !== "planar" && kind !== "sylvester") throw new LowerError(`q_flow must be "none", planar() or sylvester(), got ${JSON.stringify(v)}`, span);
  const reflections = call.args.reflections;
  return { kind, amortised: call.args.amortised === true, reflections: typeof reflections === "number" ? reflections : null, layers };
}

/** The encoder outputs an amortised flow reads per datapoint (the IR's layout, compiler/ir/types.ts QFlowIR); 0 for a global flow. */
export function amortisedUnits(spec: QFlowSpec | null, d: number): number {
  if (!spec?.amortised) return 0;
  if (spec.kind === "planar") return spec.layers * (2 * d + 1);
  const h = spec.reflections ?? d;
  return spec.layers * (h * d + d * d + 3 * d);
}

/** The encoder flow's IR; a global flow's parameters have ids "q_flow/layer_<l>/<tensor>". */
export function lowerQFlow(lw: Lowering, spec: QFlowSpec | null, d: number, span: Span): QFlowIR | undefined {
  if (!spec) return undefined;
  const layers = spec.layers;
  if (spec.amortised) {
    const units = amortisedUnits(spec, d);
    return spec.kind === "planar" ? { kind: "amortised_planar", layers, units } : { kind: "amortised_sylvester", layers, reflections: spec.reflections ?? d, units };
  }
  const path = lw.scope("q_flow");
  const param: ParamMaker = (id, shape, init) => lw.param(`${path}/${id}`, shape, init, span);
  if (spec.kind === "planar") return { kind: "planar", layers, params: planarParams(param, layers, d) };
  return { kind: "sylvester", layers, params: sylvesterParams(param, layers, d, d, true) };
}
