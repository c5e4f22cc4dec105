// Penalty reachability (IV4010): a penalty steers training only through its gradient, so it must
// depend differentiably on y or on a learnable parameter. That a penalty is a scalar is the type
// checker's rule (it reports the shapes); this file only judges reachability.
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import { consumers, reachesBack, reachesForward, type Graph } from "./graph";

export function checkPenalties(g: Graph): Diagnostic[] {
  if (g.failed || !g.y) return [];
  const learnable = [g.y, ...g.params];
  const outs = consumers(g);
  const steered = reachesForward(g, learnable, "gradient", outs);
  const out: Diagnostic[] = [];
  for (const { node, stmt } of g.penalties) {
    if (!stmt || node.failed || steered.has(node)) continue;
    const used = reachesBack([node], "use");
    const touches = learnable.filter((l) => used.has(l)).map((l) => `'${l.text}'`);
    const message = touches.length
      ? `this penalty gets no gradient from ${touches.join(" or ")}: it cannot steer training`
      : "this penalty depends on neither y nor any learnable parameter: it only adds a constant to the loss";
    out.push(
      diagnostic("IV4010", stmt.value.span, message, {
        hint: "penalise something training can change through differentiable operations: z, y or a param (e.g. `penalty gamma * entropy_spread(s)`)",
      }),
    );
  }
  return out;
}
