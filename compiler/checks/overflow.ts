// float32 overflow (IV4012): exp, expm1, sinh, cosh and powers whose value is beyond float32's range
// (3.4e38; exp overflows above 88.72) at latent values training reaches. The domain checks take y over
// all reals, where every exp "overflows"; this check runs on a second graph of the bias with y in
// TYPICAL (|y| ≤ 4: a standard-normal latent passes 4 in 6e-5 of its elements, i.e. every few steps
// of a batch) and reports only what is bounded there and still too large: `exp(exp(3 * y))`, not `exp(y)`.
// A learnable parameter or a hyperparameter without a default stays unbounded, so it is never blamed.
import type { Finding, Graph, Node } from "./graph";
import { contains, formatInterval, formatNumber, isPoint, iv, powConst, type Interval } from "./interval";

export const F32_MAX = 3.4028234663852886e38;
export const TYPICAL = iv(-4, 4);
const TYPICAL_TEXT = "|y| ≤ 4, which a standard-normal latent reaches in training";

/** Where each function's value leaves float32, for its message. */
const LIMITS: Record<string, string> = {
  exp: "exp is infinite in float32 above 88.72",
  expm1: "expm1 is infinite in float32 above 88.72",
  sinh: "sinh is infinite in float32 beyond ±89.4",
  cosh: "cosh is infinite in float32 beyond ±89.4",
};

const bounded = (r: Interval): boolean => Number.isFinite(r.lo) && Number.isFinite(r.hi);
const usable = (n: Node | undefined): n is Node => !!n && !n.unknown && !n.failed && bounded(n.range);
const magnitude = (r: Interval): number => Math.max(Math.abs(r.lo), Math.abs(r.hi));
const code = (s: string) => `\`${s}\``;
const big = (v: number): string => (Number.isFinite(v) && Math.abs(v) >= 1e6 ? v.toExponential(1) : formatNumber(v));

export function overflowFindings(g: Graph): Finding[] {
  const out: Finding[] = [];
  for (const n of g.nodes) {
    if (n.failed) continue;
    const f = n.op === "**" || n.fn?.name === "pow" ? power(n) : n.op === "fn" && n.fn && LIMITS[n.fn.name] ? exponential(n, n.fn.name) : undefined;
    if (f) out.push(f);
  }
  return innermost(out);
}

function exponential(n: Node, name: string): Finding | undefined {
  const x = n.operands[0];
  if (!usable(x) || magnitude(n.range) <= F32_MAX) return undefined;
  return {
    code: "IV4012",
    node: n,
    noun: `${code(n.text)} overflows float32`,
    verb: `overflows float32 in ${code(n.text)}`,
    problem: `: its argument ${code(x.text)} reaches ${name.startsWith("exp") ? big(x.range.hi) : `±${big(magnitude(x.range))}`} for ${TYPICAL_TEXT}, and ${LIMITS[name]}`,
    hint: `keep the argument small, e.g. ${name}(clip(${x.text}, -80, 80)), or bound it with tanh or a smaller scale`,
    labels: [],
  };
}

function power(n: Node): Finding | undefined {
  const [base, e] = n.operands;
  if (!usable(base) || !usable(e)) return undefined;
  let r: Interval;
  if (isPoint(e.range)) {
    if (e.range.lo < 0 && contains(base.range, 0)) return undefined; // a division by 0: the domain check's
    r = powConst(base.range, e.range.lo);
  } else if (base.range.lo > 0) {
    const corners = [base.range.lo, base.range.hi].flatMap((b) => [e.range.lo, e.range.hi].map((k) => b ** k));
    r = iv(Math.min(...corners), Math.max(...corners));
  } else return undefined;
  if (magnitude(r) <= F32_MAX) return undefined;
  return {
    code: "IV4012",
    node: n,
    noun: `${code(n.text)} overflows float32`,
    verb: `overflows float32 in ${code(n.text)}`,
    problem: `: it reaches ${big(magnitude(r))} for ${TYPICAL_TEXT}${isPoint(e.range) ? "" : ` (${code(e.text)} lies in ${formatInterval(e.range)} there)`}, beyond float32's largest value, 3.4e38`,
    hint: `bound the base (e.g. with tanh or clip) or use a smaller exponent`,
    labels: [],
  };
}

/** Drop an overflow that consumes another one (exp(exp(exp(y))) is reported once, where it starts). */
function innermost(fs: Finding[]): Finding[] {
  const flagged = new Set(fs.map((f) => f.node));
  const feeds = (n: Node, seen = new Set<Node>()): boolean =>
    n.operands.some((o) => !!o && !seen.has(o) && (seen.add(o), flagged.has(o) || feeds(o, seen)));
  return fs.filter((f) => !feeds(f.node));
}
