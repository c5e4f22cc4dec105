// Hyperparameters at call sites. A bias is analysed with its hyperparameters at their defaults
// (`eps: Real = 1e-7` is the point 1e-7; no default means any value). A call that passes a value the
// default analysis does not cover (`circle(y, eps: 0)`, or a caller's own unconstrained hyperparameter)
// gets the callee re-analysed with that value; whatever problem only that value causes is reported at
// the argument, with a label on the operation in the callee. Analyses are memoised per value.
import type { Finding, Graph } from "./graph";

export function callSiteFindings(g: Graph, text: (span: Finding["node"]["span"]) => string): Finding[] {
  const out: Finding[] = [];
  for (const n of g.nodes) {
    if (!n.callee || n.failed || n.callee.findings.length === 0) continue;
    const { decl, args, overridden, findings } = n.callee;
    const name = decl.name.name;
    const given = overridden.filter((i) => args[i]);
    const first = args[given[0] ?? -1];
    const setting = given.map((i) => `${decl.params[i]!.name.name}: ${text(args[i]!.value.span)}`).join(", ");
    const defaults = given
      .map((i) => decl.params[i]!)
      .filter((p) => p.default)
      .map((p) => `${p.name.name}: ${text(p.default!.span)}`);
    const hint = defaults.length
      ? `pass values that keep '${name}' safe, like its defaults (${defaults.join(", ")}), or leave them out`
      : `pass other values of ${given.map((i) => `'${decl.params[i]!.name.name}'`).join(", ")}`;
    for (const f of findings) {
      out.push({
        code: f.code,
        node: n,
        span: first?.value.span ?? n.span,
        noun: `with ${setting}, '${name}' ${f.verb}`,
        verb: `calls '${name}' with ${setting}, which ${f.verb}`,
        problem: f.problem,
        hint,
        labels: [{ span: f.span ?? f.node.span, message: `'${name}' ${f.verb} here` }, ...f.labels],
      });
    }
  }
  return out;
}
