// A mapping that reads the data x (IV5090, IV5091). `mapping z = g(y, x)` type-checks and trains:
// the ELBO with q(y | x) and p(x | z) is still a bound, but on log p(x) of a model whose z is a
// function of x itself, so it is no generative model (and no InteL-VAE: the bias is no longer a
// push-forward of N(0, I)). The checker says so once, and refuses what needs z without a datapoint.
import { modelItem as item, type ModelDecl } from "../../grammar/ast";
import { lookupBuiltin } from "../builtins";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import type { NameCheck } from "../names/check-names";
import { usesOf } from "../names/symbols";

export function checkDataMapping(m: ModelDecl, names: NameCheck, out: Diagnostic[]): void {
  const data = item(m, "DataItem");
  const mapping = item(m, "MappingItem");
  if (!data || !mapping) return;
  const uses = usesOf(names.resolution, data.name, mapping.value);
  if (uses.length === 0) return;
  const x = data.name.name;
  out.push(
    diagnostic("IV5090", uses[0]!.span, `the mapping reads the data '${x}': z = g(y, ${x}) exists only for a datapoint, so this model has no p(z), cannot sample, and is not an InteL-VAE`, {
      labels: [{ span: data.name.span, message: `'${x}' is the data` }],
    }),
  );
  const drawing: { name: string; span: ModelDecl["span"] }[] = [];
  for (const e of item(m, "EvaluateItem")?.metrics ?? []) {
    const sym = names.resolution.get(e as never);
    if (sym?.kind === "builtin" && sym.builtin.context === "metric" && sym.builtin.drawsPrior) drawing.push({ name: `the metric '${sym.builtin.name}'`, span: e.span });
  }
  for (const entry of item(m, "TrainItem")?.entries ?? []) {
    if (entry.key.name !== "scheme") continue;
    const sym = names.resolution.get(entry.value as never);
    if (sym?.kind === "builtin" && lookupBuiltin("scheme", sym.builtin.name)?.drawsPrior) drawing.push({ name: `the training scheme '${sym.builtin.name}'`, span: entry.value.span });
  }
  for (const d of drawing) {
    out.push(
      diagnostic("IV5091", d.span, `${d.name} decodes samples of the prior, but the mapping reads the data '${x}': there is no z = g(y, ${x}) without a datapoint`, {
        labels: [{ span: uses[0]!.span, message: `the mapping reads '${x}' here` }],
      }),
    );
  }
}
