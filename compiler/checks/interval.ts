// Intervals over the extended reals with open or closed ends: the abstract domain of domain safety.
// An interval bounds every element of a value (tensors are summarised elementwise). Infinite ends are
// always open: values are finite, ±∞ only says "unbounded". Open ends are what tell `> 0` from `≥ 0`.
// Every transfer function is sound (its result contains every possible result), not always tight.

export interface Interval {
  readonly lo: number;
  readonly hi: number;
  readonly loOpen: boolean;
  readonly hiOpen: boolean;
}

export function iv(lo: number, hi: number, loOpen = false, hiOpen = false): Interval {
  return { lo, hi, loOpen: loOpen || !Number.isFinite(lo), hiOpen: hiOpen || !Number.isFinite(hi) };
}

export const point = (c: number): Interval => iv(c, c);
export const REAL = iv(-Infinity, Infinity);
export const POSITIVE = iv(0, Infinity, true);
export const NONNEGATIVE = iv(0, Infinity);
/** `inf` as a value: larger than any number, so that clip(x, 0, inf) stays ≥ 0. */
export const INFINITE = iv(Number.MAX_VALUE, Infinity, true);

export const isEmpty = (a: Interval): boolean => a.lo > a.hi || (a.lo === a.hi && (a.loOpen || a.hiOpen));
export const isPoint = (a: Interval): boolean => a.lo === a.hi && !a.loOpen && !a.hiOpen;

export function contains(a: Interval, v: number): boolean {
  return (a.loOpen ? v > a.lo : v >= a.lo) && (a.hiOpen ? v < a.hi : v <= a.hi);
}

/** a ⊆ b */
export function subset(a: Interval, b: Interval): boolean {
  if (isEmpty(a)) return true;
  const loOk = a.lo > b.lo || (a.lo === b.lo && (a.loOpen || !b.loOpen));
  const hiOk = a.hi < b.hi || (a.hi === b.hi && (a.hiOpen || !b.hiOpen));
  return loOk && hiOk;
}

/** Some value < 0 (or ≤ 0 with `orZero`). */
export const canBeNegative = (a: Interval, orZero = false): boolean => a.lo < 0 || (orZero && contains(a, 0));

export function hull(a: Interval, b: Interval): Interval {
  if (isEmpty(a)) return b;
  if (isEmpty(b)) return a;
  const lo = a.lo < b.lo ? [a.lo, a.loOpen] : b.lo < a.lo ? [b.lo, b.loOpen] : [a.lo, a.loOpen && b.loOpen];
  const hi = a.hi > b.hi ? [a.hi, a.hiOpen] : b.hi > a.hi ? [b.hi, b.hiOpen] : [a.hi, a.hiOpen && b.hiOpen];
  return iv(lo[0] as number, hi[0] as number, lo[1] as boolean, hi[1] as boolean);
}

export function intersect(a: Interval, b: Interval): Interval {
  const lo = a.lo > b.lo ? [a.lo, a.loOpen] : b.lo > a.lo ? [b.lo, b.loOpen] : [a.lo, a.loOpen || b.loOpen];
  const hi = a.hi < b.hi ? [a.hi, a.hiOpen] : b.hi < a.hi ? [b.hi, b.hiOpen] : [a.hi, a.hiOpen || b.hiOpen];
  return iv(lo[0] as number, hi[0] as number, lo[1] as boolean, hi[1] as boolean);
}

/** The operand restricted to a function's domain (after the error is reported), so that one bad
 *  operation does not cascade into errors downstream; wholly outside, the domain itself stands in. */
export function restrict(a: Interval, domain: Interval): Interval {
  const r = intersect(a, domain);
  return isEmpty(r) ? domain : r;
}

/** a without the value 0 (as far as an interval can say: only an end at 0 can be opened). */
export function withoutZero(a: Interval): Interval {
  if (a.lo === 0 && a.hi === 0) return iv(0, 0, true, true);
  if (a.lo === 0) return iv(0, a.hi, true, a.hiOpen);
  if (a.hi === 0) return iv(a.lo, 0, a.loOpen, true);
  return a;
}

export const neg = (a: Interval): Interval => iv(-a.hi, -a.lo, a.hiOpen, a.loOpen);

export function add(a: Interval, b: Interval): Interval {
  return iv(a.lo + b.lo, a.hi + b.hi, a.loOpen || b.loOpen, a.hiOpen || b.hiOpen);
}

export const sub = (a: Interval, b: Interval): Interval => add(a, neg(b));

interface End {
  v: number;
  open: boolean;
}

/** One corner of a product. `dir` is the side the interval extends to from this end (+1 from lo):
 *  0 · ∞ at a corner is 0 only when the zero side is exactly {0}; otherwise the product is unbounded. */
function corner(x: number, xOpen: boolean, xDir: number, xPoint: boolean, y: number, yOpen: boolean, yDir: number, yPoint: boolean): End {
  if (x === 0 && !Number.isFinite(y)) return xPoint ? { v: 0, open: false } : { v: Math.sign(y) * xDir * Infinity, open: true };
  if (y === 0 && !Number.isFinite(x)) return yPoint ? { v: 0, open: false } : { v: Math.sign(x) * yDir * Infinity, open: true };
  const v = x * y;
  if (!Number.isFinite(v)) return { v, open: true };
  // x·y = 0 is attained whenever either factor attains 0, whatever the other one is.
  const open = (x === 0 && !xOpen) || (y === 0 && !yOpen) ? false : xOpen || yOpen;
  return { v, open };
}

export function mul(a: Interval, b: Interval): Interval {
  if (isEmpty(a) || isEmpty(b)) return iv(1, 0);
  const ap = isPoint(a);
  const bp = isPoint(b);
  const cs = [
    corner(a.lo, a.loOpen, 1, ap, b.lo, b.loOpen, 1, bp),
    corner(a.lo, a.loOpen, 1, ap, b.hi, b.hiOpen, -1, bp),
    corner(a.hi, a.hiOpen, -1, ap, b.lo, b.loOpen, 1, bp),
    corner(a.hi, a.hiOpen, -1, ap, b.hi, b.hiOpen, -1, bp),
  ];
  const lo = Math.min(...cs.map((c) => c.v));
  const hi = Math.max(...cs.map((c) => c.v));
  return iv(lo, hi, cs.every((c) => c.v !== lo || c.open), cs.every((c) => c.v !== hi || c.open));
}

/** 1 / a, for an `a` from which 0 has been removed (the division check reports it first). */
export function recip(a: Interval): Interval {
  const b = withoutZero(a);
  if (b.lo >= 0) return iv(b.hi === Infinity ? 0 : 1 / b.hi, b.lo === 0 ? Infinity : 1 / b.lo, b.hiOpen, b.loOpen);
  if (b.hi <= 0) return neg(recip(neg(b)));
  return REAL;
}

export const div = (a: Interval, b: Interval): Interval => mul(a, recip(b));

/** f applied to both ends of a monotone function; f must give the limits at ±∞. */
export function monotone(a: Interval, f: (x: number) => number, increasing = true): Interval {
  const lo = f(a.lo);
  const hi = f(a.hi);
  return increasing ? iv(lo, hi, a.loOpen, a.hiOpen) : iv(hi, lo, a.hiOpen, a.loOpen);
}

export function abs(a: Interval): Interval {
  if (a.lo >= 0) return a;
  if (a.hi <= 0) return neg(a);
  const top = Math.max(-a.lo, a.hi);
  const open = (-a.lo !== top || a.loOpen) && (a.hi !== top || a.hiOpen);
  return iv(0, top, false, open);
}

export const square = (a: Interval): Interval => monotone(abs(a), (x) => x * x);

export function max2(a: Interval, b: Interval): Interval {
  const lo = a.lo > b.lo ? [a.lo, a.loOpen] : b.lo > a.lo ? [b.lo, b.loOpen] : [a.lo, a.loOpen && b.loOpen];
  const hi = a.hi > b.hi ? [a.hi, a.hiOpen] : b.hi > a.hi ? [b.hi, b.hiOpen] : [a.hi, a.hiOpen && b.hiOpen];
  return iv(lo[0] as number, hi[0] as number, lo[1] as boolean, hi[1] as boolean);
}

export const min2 = (a: Interval, b: Interval): Interval => neg(max2(neg(a), neg(b)));

/** The sum of n ≥ 1 elements each in a (n unknown): keeps only what survives any n. */
export function sumOf(a: Interval): Interval {
  const lo = a.lo >= 0 ? [a.lo, a.loOpen] : [-Infinity, true];
  const hi = a.hi <= 0 ? [a.hi, a.hiOpen] : [Infinity, true];
  return iv(lo[0] as number, hi[0] as number, lo[1] as boolean, hi[1] as boolean);
}

export function prodOf(a: Interval): Interval {
  if (a.lo >= 0 && a.hi <= 1) return iv(0, a.hi, a.lo > 0 || a.loOpen ? true : false, a.hiOpen);
  if (a.lo >= 1) return iv(a.lo, Infinity, a.loOpen);
  if (a.lo >= 0) return iv(0, Infinity, a.lo > 0 || a.loOpen);
  return REAL;
}

/** The Lp norm (p ≥ 1) of n ≥ 1 elements in a: at least the smallest |element|. */
export function normOf(a: Interval): Interval {
  const m = abs(a);
  return iv(m.lo, isPoint(m) && m.lo === 0 ? 0 : Infinity, m.loOpen);
}

export function floorOf(a: Interval): Interval {
  const hi = a.hiOpen && Number.isInteger(a.hi) ? a.hi - 1 : Math.floor(a.hi);
  return iv(Math.floor(a.lo), hi);
}

export function ceilOf(a: Interval): Interval {
  const lo = a.loOpen && Number.isInteger(a.lo) ? a.lo + 1 : Math.ceil(a.lo);
  return iv(lo, Math.ceil(a.hi));
}

export const roundOf = (a: Interval): Interval => iv(Math.round(a.lo), Math.round(a.hi));

export function signOf(a: Interval): Interval {
  const s = (x: number, open: boolean, up: boolean): number => (x === 0 && open ? (up ? 1 : -1) : Math.sign(x));
  return iv(s(a.lo, a.loOpen, true), s(a.hi, a.hiOpen, false));
}

/** a ** c for a constant c; the base is first restricted to where the power is defined. */
export function powConst(a: Interval, c: number): Interval {
  if (c === 0) return point(1);
  if (c === 1) return a;
  if (Number.isInteger(c)) {
    const k = Math.abs(c);
    const base = k % 2 === 0 ? abs(a) : a;
    const pos = monotone(base, (x) => Math.sign(x) * Math.abs(x) ** k);
    return c > 0 ? pos : recip(pos);
  }
  const base = restrict(a, c > 0 ? NONNEGATIVE : POSITIVE);
  return monotone(base, (x) => x ** c, c > 0);
}

/** a ** b for a non-constant exponent: only the sign survives. */
export function powVar(a: Interval): Interval {
  if (a.lo > 0 || (a.lo === 0 && a.loOpen)) return POSITIVE;
  return a.lo >= 0 ? NONNEGATIVE : REAL;
}

export function formatNumber(v: number): string {
  if (v === Infinity) return "∞";
  if (v === -Infinity) return "-∞";
  if (Math.abs(v - Math.PI) < 1e-12) return "π";
  return String(Number(v.toPrecision(4)));
}

export function formatInterval(a: Interval): string {
  if (isEmpty(a)) return "∅";
  if (isPoint(a)) return formatNumber(a.lo);
  return `${a.loOpen ? "(" : "["}${formatNumber(a.lo)}, ${formatNumber(a.hi)}${a.hiOpen ? ")" : "]"}`;
}
