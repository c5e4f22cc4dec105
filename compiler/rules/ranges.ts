// Valid ranges of hyperparameters, checked before any tensor exists (IV5004), and the closed sets
// of values of string hyperparameters, read off the built-in tables (each parameter's `range` and
// `choices`, compiler/builtins/). Keyed "context:builtin.param"; train settings are "train:setting".
import { BUILTIN_CONTEXTS, builtinsIn, TRAIN_SETTINGS, type BuiltinParam } from "../builtins";

export interface Range {
  lo: number;
  hi: number;
  loOpen: boolean;
  hiOpen: boolean;
  int: boolean;
}

/** "int [1, inf)", "(0, 1]", "[0, inf)" → a Range. */
export function parseRange(text: string): Range {
  const m = /^(int )?([[(])\s*(-?[\d.e+-]+|-inf)\s*,\s*(-?[\d.e+-]+|inf)\s*([\])])$/.exec(text);
  if (!m) throw new Error(`bad range ${text}`);
  const num = (s: string) => (s === "inf" ? Infinity : s === "-inf" ? -Infinity : Number(s));
  return { int: Boolean(m[1]), lo: num(m[3]!), hi: num(m[4]!), loOpen: m[2] === "(", hiOpen: m[5] === ")" };
}

function keyed(): [string, BuiltinParam][] {
  const out: [string, BuiltinParam][] = [];
  for (const c of BUILTIN_CONTEXTS) for (const b of builtinsIn(c)) for (const p of b.params) out.push([`${c}:${b.name}.${p.name}`, p]);
  for (const t of TRAIN_SETTINGS) out.push([`train:${t.name}`, t]);
  return out;
}

export const RANGES: ReadonlyMap<string, Range> = new Map(keyed().flatMap(([k, p]) => (p.range ? [[k, parseRange(p.range)] as const] : [])));

/** String hyperparameters with a closed set of values (also IV5004), keyed like RANGES. */
export const CHOICES: ReadonlyMap<string, readonly string[]> = new Map(keyed().flatMap(([k, p]) => (p.choices ? [[k, p.choices] as const] : [])));

/** `"a", "b" or "c"` */
export function describeChoices(cs: readonly string[]): string {
  const q = cs.map((c) => JSON.stringify(c));
  return q.length === 1 ? q[0]! : `${q.slice(0, -1).join(", ")} or ${q.at(-1)}`;
}

export function inRange(r: Range, v: number): boolean {
  if (r.int && !Number.isInteger(v)) return false;
  return (r.loOpen ? v > r.lo : v >= r.lo) && (r.hiOpen ? v < r.hi : v <= r.hi);
}

export function describeRange(r: Range): string {
  const whole = r.int ? "a whole number " : "";
  if (r.hi === Infinity) {
    if (r.lo === 0 && r.loOpen) return `${whole}> 0`;
    return `${whole}≥ ${r.lo}`;
  }
  return `${whole}in ${r.loOpen ? "(" : "["}${r.lo}, ${r.hi}${r.hiOpen ? ")" : "]"}`;
}
