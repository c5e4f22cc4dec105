// Model rules of a flow prior (`Flow(Normal(0, I), layers: [...])`): its base must be N(0, I)
// (IV5030; the Normal's own mean and covariance are the usual IV5002), and `depth`/`hidden` only
// size the default steps, so writing them beside `layers` is a warning (IV5031).
import type { Call } from "../../grammar/ast";
import type { Builtin } from "../builtins/types";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import { argExpr } from "./const-eval";

/** The base's call, when it is a Normal (for the IV5002 checks), else undefined after reporting. */
export function checkFlowPrior(call: Call, builtin: Builtin, base: { call: Call; builtin: Builtin } | undefined, out: Diagnostic[]): { call: Call; builtin: Builtin } | undefined {
  const layers = argExpr(call, builtin, "layers");
  if (layers) {
    for (const name of ["depth", "hidden"]) {
      const e = argExpr(call, builtin, name);
      if (e) out.push(diagnostic("IV5031", e.span, `'${name}' is ignored: it sizes Flow's default steps, and this flow writes its layers out`, { labels: [{ span: layers.span, message: "the layers" }], hint: `remove '${name}', or the layers` }));
    }
  }
  const e = argExpr(call, builtin, "base");
  if (!e || !base) return undefined;
  if (base.builtin.name !== "Normal") {
    out.push(diagnostic("IV5030", e.span, `a flow prior's base must be N(0, I), not ${base.builtin.name}: the layers map y to the base, whose density must be known`));
    return undefined;
  }
  return base;
}
