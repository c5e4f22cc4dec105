// The root of an increasing function on [lo, hi] by bisection, in float64: the generating direction of
// the flow layers that have no closed-form inverse (planar, Householder–Sylvester) solves monotone
// 1-D equations with it. 64 halvings reach float64 resolution on any bracket used here.
const HALVINGS = 64;

export function bisect(f: (x: number) => number, target: number, lo: number, hi: number): number {
  for (let k = 0; k < HALVINGS; k++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid) < target) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
