// The pieces the experiments' rules are made of. A claim "A beats B" holds only when the gap between
// the means over seeds exceeds MARGIN_SE standard errors of that gap (√(se_A² + se_B²), se = sample
// std / √n), so a difference that seed noise could produce is never a verdict; one seed per arm gives
// no standard error and so no verdict. Fixed before the reruns of issue #20 (see docs/results.md).

/** One quantity of one arm over its seeds. */
export interface Stat {
  mean: number;
  /** standard error of the mean (null with fewer than 2 seeds) */
  se: number | null;
  n: number;
}

/** Per arm, one Stat per quantity (in the experiment's `quantities` order), null when no seed gave a number. */
export type Stats = Record<string, (Stat | null)[]>;

export interface Verdict {
  held: boolean;
  /** the rule, with the numbers that decided it */
  why: string;
}

export const MARGIN_SE = 2;

export function statOf(xs: readonly number[]): Stat | null {
  if (xs.length === 0) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return { mean, se: null, n: 1 };
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, se: Math.sqrt(v / xs.length), n: xs.length };
}

export const fmt = (v: number | null | undefined, d = 3) => (v === null || v === undefined || !Number.isFinite(v) ? "n/a" : v.toFixed(d));
export const stat = (s: Stats, arm: string, i: number): Stat | null => s[arm]?.[i] ?? null;

/** a − b with its standard error; null when either side lacks a standard error */
export function gap(a: Stat, b: Stat): { d: number; se: number } | null {
  if (a.se === null || b.se === null) return null;
  return { d: a.mean - b.mean, se: Math.sqrt(a.se ** 2 + b.se ** 2) };
}

/** Held when d > 0 and d ≥ MARGIN_SE · se (a gap of exactly 0 never holds, even at se = 0). */
export function clears(g: { d: number; se: number } | null): boolean {
  return g !== null && g.d > 0 && g.d >= MARGIN_SE * g.se;
}

const gapText = (g: { d: number; se: number } | null, d = 3) => (g ? `gap ${fmt(g.d, d)}, ${MARGIN_SE} SE = ${fmt(MARGIN_SE * g.se, d)}` : "no SE (one seed)");

/**
 * Held when `arm`'s quantity i is better than every baseline's by ≥ MARGIN_SE standard errors of the
 * gap; better = lower or higher.
 */
export function beats(s: Stats, arm: string, baselines: string[], i: number, better: "lower" | "higher", what: string, digits = 3): Verdict {
  const mine = stat(s, arm, i);
  if (!mine) return { held: false, why: `${arm} has no ${what}` };
  const parts: string[] = [];
  let held = true;
  for (const b of baselines) {
    const other = stat(s, b, i);
    if (!other) return { held: false, why: `${b} has no ${what}` };
    const g = better === "lower" ? gap(other, mine) : gap(mine, other);
    held &&= clears(g);
    parts.push(`${b} ${fmt(other.mean, digits)} (${gapText(g, digits)})`);
  }
  return { held, why: `${what}: ${arm} ${fmt(mine.mean, digits)} vs ${parts.join(", ")}; rule: ${better} than each by ≥ ${MARGIN_SE} SE of the gap` };
}

/** Held when `arm`'s mean quantity i (lower = better, e.g. −ELBO or NLL) is at most (1 + tol) × `ref`'s. */
export function fitsAsWell(s: Stats, arm: string, ref: string, i: number, tol: number, what: string): Verdict {
  const a = stat(s, arm, i);
  const r = stat(s, ref, i);
  if (!a || !r) return { held: false, why: `a ${what} is missing` };
  return { held: a.mean <= (1 + tol) * r.mean, why: `${what} ${arm} ${fmt(a.mean, 1)} vs ${ref} ${fmt(r.mean, 1)} (rule: ≤ ${(100 * tol).toFixed(0)} % above)` };
}

/** Every part must hold; the reasons are joined. */
export function all(...parts: Verdict[]): Verdict {
  return { held: parts.every((p) => p.held), why: parts.map((p) => p.why).join("; ") };
}
