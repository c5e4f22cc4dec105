// Small constructors that keep the built-in tables readable: one line per parameter.
import type { ArgType, Builtin, BuiltinContext, BuiltinParam } from "./types";

/** The valid values of a parameter: an interval ("int [1, inf)", "(0, 1)") or a list of strings. */
export type Limit = string | readonly string[];

/** Ranges shared by many parameters. */
export const POSITIVE = "(0, inf)";
export const NONNEG = "[0, inf)";
export const COUNT = "int [1, inf)";
export const NONNEG_INT = "int [0, inf)";
export const UNIT_OPEN = "(0, 1)";
export const FRACTION = "[0, 1)";

function withLimit(p: BuiltinParam, doc: string | undefined, limit: Limit | undefined): BuiltinParam {
  if (doc !== undefined) p.doc = doc;
  if (typeof limit === "string") p.range = limit;
  else if (limit) p.choices = limit;
  return p;
}

/** A required parameter. */
export function req(name: string, type: ArgType, doc?: string, limit?: Limit): BuiltinParam {
  return withLimit({ name, type }, doc, limit);
}

/** An optional parameter and its default (`null` = "none": the documented fallback applies). */
export function opt(name: string, type: ArgType, def: NonNullable<BuiltinParam["default"]> | null, doc?: string, limit?: Limit): BuiltinParam {
  return withLimit({ name, type, default: def }, doc, limit);
}

/** Up to four optional shape dimensions d0..d3 (`normal(D, D, std: 0.01)`, `reshape(7, 7, 128)`).
 *  The first is required unless `firstOptional` (then no dims at all means a scalar). */
export function dims(firstOptional = false): BuiltinParam[] {
  const first = firstOptional
    ? opt("d0", "Int", null, "first dimension; none at all = a scalar")
    : req("d0", "Int", "first dimension");
  return [first, opt("d1", "Int", null), opt("d2", "Int", null), opt("d3", "Int", null)];
}

export interface BuiltinOptions {
  variadic?: boolean;
  sparsity?: boolean;
  drawsPrior?: boolean;
  values?: readonly [number, number];
  point?: Builtin["point"];
}

/** A maker for one context: `const layer = maker("layer"); layer("dense", [...], "doc")`. */
export function maker(context: BuiltinContext) {
  return (name: string, params: BuiltinParam[], doc: string, options: BuiltinOptions = {}): Builtin => {
    const b: Builtin = { name, context, params, doc };
    if (options.variadic) b.variadic = true;
    if (options.sparsity) b.sparsity = true;
    if (options.drawsPrior) b.drawsPrior = true;
    if (options.values) b.values = options.values;
    if (options.point) b.point = options.point;
    return b;
  };
}

/** A closed or open interval of reals; `Infinity` stands for an unbounded end. */
export interface Interval {
  lo: number;
  hi: number;
  /** the lower end is excluded */
  loOpen: boolean;
  /** the upper end is excluded */
  hiOpen: boolean;
}

/** Parses interval notation: "(0, inf)", "[0, 1]", "[-1, 1]", "(-inf, inf)", "[0, pi]". */
export function interval(text: string): Interval {
  const m = /^\s*([[(])\s*([^,]+?)\s*,\s*([^\])]+?)\s*([\])])\s*$/.exec(text);
  if (!m) throw new Error(`bad interval '${text}'`);
  const num = (s: string): number => {
    const t = s.replace(/\s+/g, "");
    const sign = t.startsWith("-") ? -1 : 1;
    const body = t.replace(/^[-+]/, "");
    const v = body === "inf" ? Infinity : body === "pi" ? Math.PI : body === "pi/2" ? Math.PI / 2 : Number(body);
    if (Number.isNaN(v)) throw new Error(`bad interval end '${s}' in '${text}'`);
    return sign * v;
  };
  return { lo: num(m[2]!), hi: num(m[3]!), loOpen: m[1] === "(", hiOpen: m[4] === ")" };
}

/** Does `v` lie in the interval? */
export function contains(i: Interval, v: number): boolean {
  const above = i.loOpen ? v > i.lo : v >= i.lo;
  const below = i.hiOpen ? v < i.hi : v <= i.hi;
  return above && below;
}
