// Model rules of a FlowDecoder likelihood (a density on dequantised data x̃ = (k + u)/L):
// IV5092 — binarised data dequantised to L ≠ 2 levels: the bound is then of a variable on L levels
//   that takes two of them, a number comparable neither with a Bernoulli NLL nor with grey levels;
//   `dequantize: 2` makes it a bound on the binary data (−log P(x) ≤ −log p(x̃) + D·log 2).
// IV5093 — a training scheme: its passes read the batch as it is (not the model's dequantised
//   loss), so it would fit the density at the points k/(L − 1) instead of the bound.
import { modelItem as item, type ModelDecl } from "../../grammar/ast";
import type { Builtin } from "../builtins/types";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import type { NameCheck } from "../names/check-names";
import { argExpr, constValue } from "./const-eval";

type Slot = { call: import("../../grammar/ast").Call; builtin: Builtin };

export function checkFlowDecoder(m: ModelDecl, likelihood: Slot, data: Slot | undefined, names: NameCheck, out: Diagnostic[]): void {
  const levelsArg = argExpr(likelihood.call, likelihood.builtin, "dequantize");
  const levels = levelsArg ? constValue(levelsArg) : 256;
  const binarize = data && argExpr(data.call, data.builtin, "binarize");
  if (binarize && constValue(binarize) === true && typeof levels === "number" && levels !== 2) {
    out.push(
      diagnostic("IV5092", levelsArg?.span ?? likelihood.call.span, `the data are binarised (2 levels), but the FlowDecoder dequantises them to ${levels} levels: its bits/dim would bound a ${levels}-level variable that takes only 2 values`, {
        labels: [{ span: binarize.span, message: "binarised here" }],
      }),
    );
  }
  for (const entry of item(m, "TrainItem")?.entries ?? []) {
    if (entry.key.name !== "scheme") continue;
    const sym = names.resolution.get(entry.value as never);
    const name = sym?.kind === "builtin" ? sym.builtin.name : "the scheme";
    out.push(
      diagnostic("IV5093", entry.value.span, `the training scheme '${name}' runs its own passes on the batch as it is, but a FlowDecoder's density needs the dequantised data that the model's loss makes`, {
        labels: [{ span: likelihood.call.span, message: "the FlowDecoder" }],
      }),
    );
  }
}
