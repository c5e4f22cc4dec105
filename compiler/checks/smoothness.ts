// Smoothness warnings (IV4008 infinite slope, IV4009 discontinuity). Only operations that lie on a path
// from y to the returned value count: a jump in a hyperparameter's arithmetic, in dead code or in a
// penalty does not make z jump. `@allow(discontinuous)` / `@allow(infinite_slope)` on the bias or on
// the statement that holds the operation silences them (for a model's inline mapping: on the model or
// on its mapping line).
import type { Annotation } from "../../grammar/ast";
import { functionInfo } from "../builtins";
import { diagnostic, type Diagnostic, type Label } from "../diagnostics/diagnostic";
import { consumers, isConstant, reachesBack, reachesForward, type Graph, type Node } from "./graph";
import { contains, isPoint, point } from "./interval";

type Kind = "discontinuous" | "infinite_slope";

interface Hazard {
  kind: Kind;
  /** the operands through which y must flow for the hazard to reach z */
  on: (Node | undefined)[];
  message: string;
  hint: string;
  labels: Label[];
}

const COMPARISONS = new Set(["==", "!=", "<", "<=", ">", ">="]);
/** Where @allow goes: a bias's statement, or a model's inline mapping line. */
type Place = "bias" | "mapping";
const allowHint = (kind: Kind, place: Place) =>
  place === "bias" ? `write @allow(${kind}) on the bias or on this statement` : `write @allow(${kind}) on this mapping line or on the model`;

const JUMPS: Record<string, string> = {
  sign: "jumps where its argument crosses 0",
  floor: "jumps at every integer",
  ceil: "jumps at every integer",
  round: "jumps at every half-integer",
  mod: "jumps at every multiple of its modulus",
  atan2: "jumps by 2π across the negative x axis",
};

export function checkSmoothness(g: Graph): Diagnostic[] {
  if (!g.ret || !g.y) return [];
  const annotations = g.decl?.annotations ?? g.annotations ?? [];
  const fromY = reachesForward(g, [g.y], "value");
  const toZ = reachesBack([g.ret.node], "value");
  const outs = consumers(g);
  const out: Diagnostic[] = [];
  for (const n of g.nodes) {
    if (n.failed || isConstant(n) || !toZ.has(n)) continue;
    const h = hazard(n, outs, g.decl ? "bias" : "mapping");
    if (!h || !h.on.some((o) => o && fromY.has(o)) || allowed(annotations, n, h.kind)) continue;
    out.push(diagnostic(h.kind === "discontinuous" ? "IV4009" : "IV4008", n.span, h.message, { hint: h.hint, labels: h.labels }));
  }
  return out;
}

function hazard(n: Node, outs: ReturnType<typeof consumers>, place: Place): Hazard | undefined {
  const ALLOW = (kind: Kind) => allowHint(kind, place);
  const [a, b] = n.operands;
  if (COMPARISONS.has(n.op)) {
    // A comparison that only chooses a branch of `where` is reported once, at the `where`.
    const uses = outs.get(n) ?? [];
    if (uses.length > 0 && uses.every((u) => u.to.fn?.name === "where" && u.to.operands[0] === n)) return undefined;
    return {
      kind: "discontinuous",
      on: [a, b],
      message: `\`${n.text}\` switches between false and true, so z jumps with y`,
      hint: `blend smoothly instead, e.g. sigmoid(k * (a - b)) for a step; if the jump is intended, ${ALLOW("discontinuous")}`,
      labels: [],
    };
  }
  if (n.op === "**" || (n.op === "fn" && n.fn?.name === "pow")) return slope(n, a, b, place);
  // sqrt(x) is x ** 0.5: one rule for both spellings
  if (n.op === "fn" && n.fn?.name === "sqrt") return slope(n, a, { ...a!, op: "const", text: "0.5", range: point(0.5), integer: false, unknown: false } as Node, place);
  if (n.op !== "fn" || !n.fn) return undefined;
  const name = n.fn.name;
  if (name === "where") {
    const labels = a && a.span !== n.span ? [{ span: a.span, message: "this condition depends on y" }] : [];
    return {
      kind: "discontinuous",
      on: [a],
      message: `\`${n.text}\` switches branch where its condition flips, so z jumps with y`,
      hint: `blend the branches smoothly (s * a + (1 - s) * b with s = sigmoid(k * …)); if both branches agree where the condition flips, ${ALLOW("discontinuous")}`,
      labels,
    };
  }
  const jumps = JUMPS[name] ?? (functionInfo(name)?.continuity === "discontinuous" ? "is discontinuous" : undefined);
  if (!jumps) return undefined;
  const smooth = name === "sign" ? `use tanh(k * x) for a smooth sign; ` : "";
  return {
    kind: "discontinuous",
    on: [a],
    message: `\`${n.text}\` ${jumps}, so z jumps with y`,
    hint: `${smooth}if the jump is intended, ${ALLOW("discontinuous")}`,
    labels: [],
  };
}

/** x ** c with 0 < c < 1 where x can be 0 (a negative x is a domain error, reported instead). */
function slope(n: Node, base: Node | undefined, exp: Node | undefined, place: Place): Hazard | undefined {
  if (!base || !exp || base.unknown || exp.unknown || exp.integer) return undefined;
  const e = exp.range;
  const fractionalBelowOne = isPoint(e) ? e.lo > 0 && e.lo < 1 : e.lo < 1 && e.hi > 0;
  if (!fractionalBelowOne || base.range.lo < 0 || !contains(base.range, 0)) return undefined;
  const E = /^[\w.]+$/.test(exp.text) ? exp.text : `(${exp.text})`;
  return {
    kind: "infinite_slope",
    on: [base],
    message: `\`${n.text}\` has an infinite slope where \`${base.text}\` is 0`,
    hint: `shift by an epsilon: (${base.text} + eps) ** ${E} - eps ** ${E} is still 0 where \`${base.text}\` is 0, with a finite slope; or ${allowHint("infinite_slope", place)}`,
    labels: [],
  };
}

function allowed(annotations: readonly Annotation[], n: Node, kind: Kind): boolean {
  const anns = [...annotations, ...(n.stmt?.annotations ?? [])];
  return anns.some((a) => a.name.name === "allow" && a.args.some((x) => x.name === kind));
}
