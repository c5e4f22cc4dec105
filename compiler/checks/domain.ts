// Domain safety (IV4004–IV4007): division, log, sqrt, fractional and negative powers, asin/acos/log1p
// on operands whose interval can leave the domain. Each finding points at the operation, labels where
// the bad value comes from ("norm(y) is 0 where y is 0"), and suggests the fix in the user's own terms.
import type { Label } from "../diagnostics/diagnostic";
import { functionInfo } from "../builtins";
import { consumers, type Finding, type Graph, type Node } from "./graph";
import { canBeNegative, contains, formatInterval, isPoint, REAL, subset, type Interval } from "./interval";

type Bad = (r: Interval) => boolean;
const canBeZero: Bad = (r) => contains(r, 0);
const canBeNonPositive: Bad = (r) => canBeNegative(r, true);

const usable = (n: Node | undefined): n is Node => !!n && !n.unknown && !n.failed;
const code = (s: string) => `\`${s}\``;

/** How each built-in function's domain is checked; test/checks/domain-rules.test.ts holds every function
 *  of the table to having one. "table": the `domain` interval of compiler/builtins/functions.ts;
 *  "total": finite value and gradient everywhere (overflow aside: `intel check --probe`'s business). */
export const DOMAIN_RULES: Record<string, "table" | "total" | "division" | "power" | "poles" | "origin"> = {
  sqrt: "table", log: "table", log1p: "table", asin: "table", acos: "table",
  mod: "division", pow: "power", tan: "poles", atan2: "origin",
  ...Object.fromEntries(
    ("abs square exp expm1 sin cos atan sinh cosh tanh sigmoid softplus relu leaky_relu elu normal_cdf normal_log_cdf sign floor ceil " +
      "round stop_gradient min max clip where sum mean prod amin amax logsumexp norm softmax log_softmax cumsum dot entropy_spread " +
      "concat stack reshape transpose matmul gather len hierarchy clusters_product planar_flow radial_flow sylvester_flow")
      .split(" ")
      .map((n) => [n, "total" as const]),
  ),
};

export function domainFindings(g: Graph): Finding[] {
  const out: Finding[] = [];
  const outs = consumers(g);
  for (const n of g.nodes) {
    if (n.failed) continue;
    const f = check(g, n);
    if (f) out.push(insideGuard(f, n, outs.get(n) ?? []));
  }
  return out;
}

/** where(r > 0, y / r, y) guards the value, not the gradient: where sends 0 into the branch it does not
 *  pick, and 0 · ∞ through y / r is NaN. Say so, and point at the guard that works. */
function insideGuard(f: Finding, n: Node, uses: { to: Node }[]): Finding {
  const guard = uses.find((u) => u.to.fn?.name === "where" && u.to.operands[0]?.op.match(/[<>]/) && u.to.operands.indexOf(n) > 0)?.to;
  const d = n.op === "/" ? n.operands[1] : undefined;
  if (!guard || !d) return f;
  const [c] = guard.operands;
  return {
    ...f,
    problem: `${f.problem}; the \`where\` around it picks its other branch there, but the gradient flows through both branches, and 0 · ∞ through this division is not a number`,
    hint: `guard the divisor instead: ${n.operands[0]?.text ?? "x"} / where(${c!.text}, ${d.text}, 1)`,
  };
}

function check(g: Graph, n: Node): Finding | undefined {
  const [a, b] = n.operands;
  if (n.op === "/") return division(g, n, a, b);
  if (n.op === "**") return power(g, n, a, b);
  if (n.op !== "fn" || !n.fn) return undefined;
  if (n.fn.name === "pow") return power(g, n, a, b);
  if (n.fn.name === "mod") return division(g, n, a, b);
  if (n.fn.name === "tan") return tangent(n, a);
  if (n.fn.name === "atan2") return angle(n, a, b);
  const domain = functionInfo(n.fn.name)?.domain;
  if (!domain || !usable(a) || subset(a.range, domain)) return undefined;
  return functionDomain(g, n, n.fn.name, a, domain);
}

function division(g: Graph, n: Node, num: Node | undefined, d: Node | undefined): Finding | undefined {
  if (!usable(d) || !canBeZero(d.range)) return undefined;
  const N = num?.text ?? "x";
  const D = d.text;
  const zero = isPoint(d.range) ? ", which is always 0" : `, which can be 0${rangeClause(d)}`;
  let hint: string;
  const p = d.decl?.param;
  if (n.op === "fn") hint = `give ${code(n.text)} a modulus that cannot be 0`;
  else if (isPoint(d.range)) hint = "divide by a value that is not 0";
  else if (d.op === "hyper" && p && !p.default) hint = `give '${D}' a nonzero default (call sites that pass another value are checked there)`;
  else if (d.op === "hyper" && p) hint = `give '${D}' a default that is not 0`;
  else if (d.range.lo >= 0) hint = `add a positive epsilon: ${N} / (${D} + eps)${epsDecl(g)}`;
  else hint = `keep the divisor away from 0, e.g. ${N} / (${positive(d)} + eps)${epsDecl(g)}`;
  const what = n.op === "fn" ? `${code(n.text)} divides` : "division";
  return finding(n, "IV4004", `${what} by ${code(D)}`, `divides by ${code(D)}`, zero, hint, blame(d, canBeZero, n));
}

function power(g: Graph, n: Node, base: Node | undefined, exp: Node | undefined): Finding | undefined {
  if (!usable(base) || !usable(exp)) return undefined;
  const c = isPoint(exp.range) ? exp.range.lo : undefined;
  const fractional = c !== undefined ? !Number.isInteger(c) : !exp.integer;
  const X = base.text;
  const E = exp.text;
  const wrap = (s: string) => (/^[\w.]+$/.test(s) ? s : `(${s})`);
  if (fractional && canBeNegative(base.range)) {
    return finding(
      n,
      "IV4006",
      `fractional power ${code(n.text)}`,
      `raises ${code(X)} to the fractional power ${E}`,
      `, whose base ${code(X)} can be negative${rangeClause(base)}`,
      `take the power of abs(${X}): abs(${X}) ** ${wrap(E)} (times sign(${X}) to keep the sign); (abs(${X}) + eps) ** ${wrap(E)} also keeps the slope finite at 0`,
      blame(base, (r) => canBeNegative(r), n),
    );
  }
  if (exp.range.lo < 0 && canBeZero(base.range)) {
    const inner = base.range.lo >= 0 ? `${wrap(X)} + eps` : `abs(${X}) + eps`;
    return finding(
      n,
      "IV4006",
      `negative power ${code(n.text)}`,
      `raises ${code(X)} to the negative power ${E}`,
      `, whose base ${code(X)} can be 0${rangeClause(base)}`,
      `add a positive epsilon: (${inner}) ** ${wrap(E)}${epsDecl(g)}`,
      blame(base, canBeZero, n),
    );
  }
  return undefined;
}

function functionDomain(g: Graph, n: Node, name: string, x: Node, domain: Interval): Finding {
  const X = x.text;
  const r = x.range;
  const clause = rangeClause(x);
  const nonneg = r.lo >= 0;
  switch (name) {
    case "log": {
      const what = canBeNegative(r) ? (canBeZero(r) ? "0 or negative" : "negative") : "0";
      const hint = nonneg ? `add a positive epsilon: log(${X} + eps)${epsDecl(g)}` : `take the log of a positive value, e.g. log(${positive(x)} + eps)${epsDecl(g)}`;
      return finding(n, "IV4005", `log of ${code(X)}`, `takes the log of ${code(X)}`, `, which can be ${what}${clause}`, hint, blame(x, canBeNonPositive, n));
    }
    case "sqrt": {
      const neg = canBeNegative(r);
      const problem = neg ? `, which can be negative${clause}` : `, which can be 0, where its slope is infinite${clause}`;
      const hint = neg ? `take the root of a non-negative value plus an epsilon: sqrt(abs(${X}) + eps)` : `add a positive epsilon: sqrt(${X} + eps)${epsDecl(g)}`;
      return finding(n, "IV4006", `square root of ${code(X)}`, `takes the square root of ${code(X)}`, problem, hint, blame(x, neg ? (q) => canBeNegative(q) : canBeZero, n));
    }
    case "asin":
    case "acos": {
      const outside = r.lo < -1 || r.hi > 1;
      const problem = outside ? `, which can lie outside [-1, 1]${clause}` : `, which can be ±1, where its slope is infinite${clause}`;
      return finding(
        n,
        "IV4007",
        `${name} of ${code(X)}`,
        `takes ${name} of ${code(X)}`,
        problem,
        `keep the argument strictly inside (-1, 1): ${name}(clip(${clipped(x)}, -1 + eps, 1 - eps))${epsDecl(g)}`,
        blame(x, (q) => !subset(q, domain), n),
      );
    }
    case "log1p":
      return finding(
        n,
        "IV4007",
        `log1p of ${code(X)}`,
        `takes log1p of ${code(X)}`,
        `, which can be -1 or less${clause}`,
        `log1p needs an argument above -1, e.g. log1p(abs(${X}))`,
        blame(x, (q) => !subset(q, domain), n),
      );
    default:
      return finding(
        n,
        "IV4007",
        `${name} of ${code(X)}`,
        `takes ${name} of ${code(X)}`,
        `, which can lie outside ${formatInterval(domain)}, where ${name} is defined${clause}`,
        `keep the argument inside ${formatInterval(domain)}, e.g. with clip(${X}, lo, hi)`,
        blame(x, (q) => !subset(q, domain), n),
      );
  }
}

/** tan is infinite at π/2 + kπ: its argument must stay between two poles. */
function tangent(n: Node, x: Node | undefined): Finding | undefined {
  if (!usable(x) || !reachesPole(x.range)) return undefined;
  return finding(
    n,
    "IV4007",
    `tan of ${code(x.text)}`,
    `takes tan of ${code(x.text)}`,
    `, which can reach π/2 + kπ, where tan is infinite${rangeClause(x)}`,
    `keep the argument strictly inside (-π/2, π/2), e.g. tan(1.5 * tanh(${x.text}))`,
    blame(x, reachesPole, n),
  );
}

export function reachesPole(r: Interval): boolean {
  if (!Number.isFinite(r.lo) || !Number.isFinite(r.hi) || r.hi - r.lo >= Math.PI) return true;
  const pole = Math.PI / 2 + Math.ceil((r.lo - Math.PI / 2) / Math.PI) * Math.PI;
  return contains(r, pole);
}

/** atan2(v, u) has the gradient (u, -v) / (u² + v²): 0/0 = NaN where both are 0. Safe when either
 *  cannot be 0, or when one is guarded: where(cond, u, c) with a constant c ≠ 0 for where cond fails. */
function angle(n: Node, v: Node | undefined, u: Node | undefined): Finding | undefined {
  if (!usable(v) || !usable(u) || !canBeZero(v.range) || !canBeZero(u.range) || guarded(u) || guarded(v)) return undefined;
  return finding(
    n,
    "IV4011",
    `${code(n.text)}`,
    `takes atan2 of ${code(v.text)} and ${code(u.text)}`,
    `: both arguments can be 0 at once, where the value is defined but its gradient is 0/0 (not a number)`,
    `guard the origin: atan2(${v.text}, where(square(${u.text}) + square(${v.text}) > 0, ${u.text}, 1))`,
    [],
  );
}

const guarded = (x: Node): boolean =>
  x.op === "fn" && x.fn?.name === "where" && !!x.operands[2] && isPoint(x.operands[2].range) && !canBeZero(x.operands[2].range);

function finding(n: Node, c: Finding["code"], noun: string, verb: string, problem: string, hint: string, labels: Label[]): Finding {
  return { code: c, node: n, noun, verb, problem, hint, labels };
}

/** " (its values lie in [-1, ∞))" when that says more than the name does. */
function rangeClause(x: Node): string {
  if (x.op === "y" || x.op === "param" || x.op === "hyper" || subset(REAL, x.range)) return "";
  return ` (its values lie in ${formatInterval(x.range)})`;
}

/** What to clip: the value itself, or what an existing clip already clips. */
function clipped(x: Node): string {
  return x.op === "fn" && x.fn?.name === "clip" && x.operands[0] ? x.operands[0].text : x.text;
}

/** A positive stand-in for a value of any sign: softplus for a learnable parameter, abs otherwise. */
function positive(x: Node): string {
  return x.op === "param" ? `softplus(${x.text})` : `abs(${x.text})`;
}

/** Suggest declaring `eps` unless the bias already has it (a model's inline mapping has no hyperparameters). */
function epsDecl(g: Graph): string {
  if (!g.decl) return ", with eps a small constant such as 1e-7";
  return g.decl.params.some((p) => p.name.name === "eps") ? "" : ", with a hyperparameter `eps: Real = 1e-7`";
}

/** Why a node can be bad, in words, at the deepest place that explains it: a known cause ("norm(y)
 *  is 0 where y is 0", "y can be any real number"), else the node where the bad values first appear. */
function blame(top: Node, bad: Bad, primary: Node): Label[] {
  const seen = new Set<Node>();
  const visit = (n: Node, depth: number): { node: Node; message: string } | undefined => {
    if (seen.has(n) || depth > 24 || n.failed) return undefined;
    seen.add(n);
    const why = note(n);
    if (why) return { node: n, message: why };
    const culprits = n.operands.filter((o): o is Node => !!o && bad(o.range));
    for (const o of culprits) {
      const found = visit(o, depth + 1);
      if (found) return found;
    }
    return culprits.length === 0 ? { node: n, message: `${code(n.text)} lies in ${formatInterval(n.range)}` } : undefined;
  };
  const found = visit(top, 0);
  // The operand's own range is already in the message; a label must say more than that.
  if (!found || found.node.span === primary.span || (found.node === top && !note(top))) return [];
  return [{ span: found.node.span, message: found.message }];
}

function note(n: Node): string | undefined {
  const [a, lo, hi] = n.operands;
  switch (n.op) {
    case "y":
      return `the latent '${n.text}' can be any real number`;
    case "param":
      return `the learnable '${n.text}' can take any value as it trains`;
    case "hyper": {
      const p = n.decl?.param;
      if (p && !p.default && subset(REAL, n.range)) return `'${n.text}' has no default, so it can be any value`;
      return isPoint(n.range) ? `'${n.text}' is ${formatInterval(n.range)} here` : `'${n.text}' lies in ${formatInterval(n.range)} here`;
    }
    case "*":
      return a && lo && (a === lo || a.text === lo.text) && contains(n.range, 0) ? `${code(n.text)} is 0 where ${code(a.text)} is 0` : undefined;
    case "fn": {
      const name = n.fn?.name;
      if (name === "clip" && lo && hi) return `${code(n.text)} reaches its bounds ${lo.text} and ${hi.text}`;
      if (!a || !contains(n.range, 0)) return undefined;
      if (name === "norm" || name === "abs" || name === "square") return `${code(n.text)} is 0 where ${code(a.text)} is 0`;
      if (name === "relu") return `${code(n.text)} is 0 wherever ${code(a.text)} ≤ 0`;
      return undefined;
    }
    default:
      return undefined;
  }
}
