// Transfer functions of the built-in functions over intervals, and which of their arguments carry a
// gradient. The builtins table (compiler/builtins/functions.ts) states domains, ranges, continuity and
// zero-gradient functions; here are the precise ranges it cannot state (a monotone function of an
// interval is an interval), falling back on the table's range for everything else.
import { functionInfo } from "../builtins";
import type { ArgType, Builtin } from "../builtins/types";
import {
  abs,
  ceilOf,
  floorOf,
  hull,
  isEmpty,
  isPoint,
  iv,
  max2,
  min2,
  monotone,
  mul,
  NONNEGATIVE,
  normOf,
  POSITIVE,
  powConst,
  powVar,
  prodOf,
  REAL,
  restrict,
  roundOf,
  signOf,
  square,
  sumOf,
  type Interval,
} from "./interval";

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const softplus = (x: number): number => (x > 30 ? x : Math.log1p(Math.exp(x)));

/** Strictly increasing (or decreasing) functions: the image of an interval is the interval of its ends. */
const MONOTONE: Record<string, { f: (x: number) => number; domain?: Interval; increasing?: false }> = {
  exp: { f: Math.exp },
  expm1: { f: Math.expm1 },
  log: { f: Math.log, domain: POSITIVE },
  log1p: { f: Math.log1p, domain: iv(-1, Infinity, true) },
  sqrt: { f: Math.sqrt, domain: NONNEGATIVE },
  sigmoid: { f: sigmoid },
  softplus: { f: softplus },
  tanh: { f: Math.tanh },
  atan: { f: Math.atan },
  sinh: { f: Math.sinh },
  asin: { f: Math.asin, domain: iv(-1, 1) },
  acos: { f: Math.acos, domain: iv(-1, 1), increasing: false },
};

/** Argument types that are settings, not values: no gradient flows through them. */
const SETTING_TYPES: ReadonlySet<ArgType> = new Set(["Int", "Int[]", "Bool", "String", "name"]);

/** Value arguments that still carry no gradient. */
const NO_GRADIENT_ARGS: Record<string, Record<number, string>> = {
  where: { 0: "is a condition, which has no gradient" },
  gather: { 1: "are indices, which have no gradient" },
};

/** Why argument `i` of a built-in carries no gradient, or undefined when it does. */
export function argBlocker(b: Builtin, i: number): string | undefined {
  const info = functionInfo(b.name);
  if (info?.zeroGradient) return `has zero gradient`;
  const special = NO_GRADIENT_ARGS[b.name]?.[i];
  if (special) return special;
  const p = b.params[Math.min(i, b.params.length - 1)];
  if (p && SETTING_TYPES.has(p.type)) return `uses it as the setting '${p.name}', which has no gradient`;
  return undefined;
}

/** Results that are whole numbers (they make `x ** k` an integer power). */
export const INTEGER_RESULTS: ReadonlySet<string> = new Set(["floor", "ceil", "round", "sign", "len"]);

/** a ** b: an integer or fractional power of a constant exponent, else only the sign survives. */
export function powRange(base: Interval, exponent: Interval, exponentInteger: boolean): Interval {
  if (isPoint(exponent)) return powConst(base, exponent.lo);
  if (exponentInteger && base.lo >= 0) return NONNEGATIVE;
  return exponentInteger ? REAL : powVar(base);
}

/** The range of a built-in function applied to arguments in `args` (aligned with its parameters;
 *  undefined where the argument was left out and has no numeric default). */
export function functionRange(b: Builtin, args: (Interval | undefined)[], integerArg: (i: number) => boolean): Interval {
  const info = functionInfo(b.name);
  const x = args[0] ?? REAL;
  const mono = MONOTONE[b.name];
  if (mono) return monotone(mono.domain ? restrict(x, mono.domain) : x, mono.f, mono.increasing ?? true);
  const arg = (i: number) => args[i] ?? REAL;
  switch (b.name) {
    case "abs":
      return abs(x);
    case "square":
      return square(x);
    case "cosh":
      return monotone(abs(x), Math.cosh);
    case "relu":
      return max2(x, iv(0, 0));
    case "sign":
      return signOf(x);
    case "floor":
      return floorOf(x);
    case "ceil":
      return ceilOf(x);
    case "round":
      return roundOf(x);
    case "stop_gradient":
    case "mean":
    case "amin":
    case "amax":
    case "reshape":
    case "transpose":
    case "gather":
      return x;
    case "min":
      return min2(x, arg(1));
    case "max":
      return max2(x, arg(1));
    case "clip":
      return min2(max2(x, arg(1)), arg(2));
    case "pow":
      return powRange(x, arg(1), integerArg(1));
    case "mod": {
      const m = arg(1);
      return m.lo > 0 ? iv(0, m.hi, false, true) : REAL;
    }
    case "where": {
      const c = arg(0);
      if (isPoint(c)) return c.lo !== 0 ? arg(1) : arg(2);
      return hull(arg(1), arg(2));
    }
    case "sum":
    case "cumsum":
      return sumOf(x);
    case "prod":
      return prodOf(x);
    case "logsumexp":
      return iv(x.lo, Infinity, x.loOpen);
    case "norm":
      return normOf(x);
    case "softmax":
      return iv(0, 1, true, false); // exactly 1 along an axis of length 1
    case "log_softmax":
      return iv(-Infinity, 0, true, false);
    case "dot":
    case "matmul":
      return sumOf(mul(x, arg(1)));
    case "concat":
    case "stack":
      return args.some((a) => !a) || args.length === 0 ? REAL : (args as Interval[]).reduce(hull);
    case "len":
      return NONNEGATIVE;
  }
  const r = info?.range;
  return r && !isEmpty(r) ? iv(r.lo, r.hi, r.loOpen, r.hiOpen) : REAL;
}
