// Gradient reachability (IV4001–IV4003): every `param` must reach the returned value z along edges that
// carry a gradient, and z must depend differentiably on y. A node the interval analysis proves constant
// (`w * 0`, `floor(sigmoid(w))`) passes no gradient, whatever its operands.
//
// Decision on penalties: a param that reaches only a penalty DOES learn (the penalty's gradient moves
// it), so it is not the error "never learns"; but it cannot shape z, which is almost always a mistake,
// so it is a warning (IV4003).
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import { consumers, isConstant, reachesBack, reachesForward, type Graph, type Node } from "./graph";
import { formatInterval } from "./interval";

interface Blocker {
  node: Node;
  why: string;
}

export function checkGradients(g: Graph): Diagnostic[] {
  if (g.failed || !g.ret || !g.y || g.ret.node.failed) return [];
  const out: Diagnostic[] = [];
  const ret = g.ret.node;
  const sinks = [ret, ...g.penalties.map((p) => p.node)];
  const toZ = reachesBack([ret], "gradient");
  const toPenalty = reachesBack(
    g.penalties.map((p) => p.node),
    "gradient",
  );
  const usedByZ = reachesBack([ret], "use");
  const usedAtAll = reachesBack(sinks, "use");
  const outs = consumers(g);

  const y = g.y;
  if (!toZ.has(y)) {
    const b = usedByZ.has(y) ? blocker(g, y, usedByZ, outs) : undefined;
    // (a called bias that gives its y no gradient has said so itself: IV4002 in that bias)
    if (b && b.node.op !== "bias") {
      out.push(
        diagnostic("IV4002", b.node.span, `z depends on '${y.text}' only through ${quote(b)}: the encoder gets no gradient through the mapping`, {
          labels: [{ span: y.span, message: `the latent '${y.text}' is declared here` }],
          hint: hintFor(b, y.text, true),
        }),
      );
    } else if (!b) {
      out.push(
        diagnostic("IV4002", (g.ret.stmt?.value ?? g.ret.node).span, `z does not depend on '${y.text}': the mapping discards the latent`, {
          labels: [{ span: y.span, message: `the latent '${y.text}' is declared here` }],
          hint: g.decl ? `return an expression of ${y.text}, e.g. \`return ${y.text} * s\`` : `map an expression of ${y.text}, e.g. \`mapping z = ${y.text} * 2\``,
        }),
      );
    }
  }

  for (const p of g.params) {
    if (toZ.has(p)) continue;
    const label = { span: p.span, message: `'${p.text}' is declared here` };
    if (toPenalty.has(p)) {
      out.push(
        diagnostic("IV4003", p.span, `the learnable parameter '${p.text}' feeds only penalties: it learns to lower them, but does not shape z`, {
          hint: `use '${p.text}' in the returned value, or remove it`,
        }),
      );
    } else if (usedAtAll.has(p)) {
      const b = blocker(g, p, usedAtAll, outs);
      const where = usedByZ.has(p) ? "z" : "the penalties";
      out.push(
        diagnostic("IV4001", b.node.span, `the learnable parameter '${p.text}' never learns: it reaches ${where} only through ${quote(b)}`, {
          labels: [label],
          hint: hintFor(b, p.text, false),
        }),
      );
    } else if ((outs.get(p) ?? []).length > 0) {
      const first = outs.get(p)![0]!.to;
      out.push(
        diagnostic("IV4001", p.span, `the learnable parameter '${p.text}' never learns: nothing that uses it reaches z`, {
          labels: [{ span: first.span, message: "it is used here, but this value does not reach the returned value" }],
          hint: `use '${p.text}' in the returned value, or remove it`,
        }),
      );
    }
    // Not used at all: the name checker already says so (IV2003).
  }
  return out;
}

/** The first place (in source order) where every gradient path from `src` to `sinks` is cut. */
function blocker(g: Graph, src: Node, sinks: Set<Node>, outs: ReturnType<typeof consumers>): Blocker {
  const open = reachesForward(g, [src], "gradient", outs);
  let best: Blocker | undefined;
  for (const n of open) {
    for (const { to, edge } of outs.get(n) ?? []) {
      if (!sinks.has(to) || open.has(to)) continue;
      const b: Blocker | undefined = isConstant(to)
        ? { node: to, why: `is always ${formatInterval(to.range)}` }
        : edge.blocked
          ? { node: to, why: edge.blocked }
          : undefined;
      if (b && (!best || b.node.span.offset < best.node.span.offset)) best = b;
    }
  }
  return best ?? { node: src, why: "carries no gradient" };
}

function quote(b: Blocker): string {
  return `\`${b.node.text}\`, which ${b.why}`;
}

function hintFor(b: Blocker, name: string, latent: boolean): string {
  const or = latent ? "" : `, or make '${name}' a hyperparameter`;
  if (b.why.startsWith("is always")) return `\`${b.node.text}\` is a constant: remove what makes it one${or}`;
  if (b.why === "has zero gradient" || b.why.includes("comparison")) {
    return `a step has no gradient: use a smooth surrogate (sigmoid(k * x) for a step, tanh(k * x) for sign)${or}`;
  }
  return `let '${name}' reach the returned value through differentiable operations${or}`;
}
