// clip_logvar on a mixture prior (IV5120, IV5121): the clip acts on learned log-variances, and its
// range is taken by the soft_intro scheme at its first introspective step
// (runtime/train/schemes/soft-intro.ts), so a model without that scheme would never clip.
import type { Call, ModelDecl, TrainItem } from "../../grammar/ast";
import type { Builtin } from "../builtins/types";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import { argExpr, argValue, constValue } from "./const-eval";

export function checkLogvarClip(m: ModelDecl, call: Call, builtin: Builtin, out: Diagnostic[]): void {
  if (builtin.name !== "MixtureOfGaussians") return;
  const e = argExpr(call, builtin, "clip_logvar");
  if (!e || constValue(e) !== true) return;
  if (argValue(call, builtin, "learnable") !== true) {
    out.push(diagnostic("IV5120", e.span, "clip_logvar needs learnable: true: a fixed mixture's log-variances never move"));
  }
  const train = m.items.find((i): i is TrainItem => i.kind === "TrainItem");
  const scheme = train?.entries.find((t) => t.key.name === "scheme")?.value;
  const name = scheme?.kind === "Call" ? scheme.callee.name : scheme?.kind === "Name" ? scheme.name : undefined;
  if (name !== "soft_intro") {
    out.push(diagnostic("IV5121", e.span, `model '${m.name.name}' trains without the soft_intro scheme, so nothing fixes clip_logvar's range`));
  }
}
