// The Student-t log-density, written once for the prior on y and the likelihood on x:
//   log t_ν(x; m, s) = lnΓ((ν+1)/2) − lnΓ(ν/2) − ½ ln(νπ) − ln s − (ν+1)/2 · ln(1 + r²/ν),  r = (x − m)/s.
import * as tf from "@tensorflow/tfjs";

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: ~1e-15 relative in float64). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x); // reflection
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const z = x - 1;
  let a = c[0]!;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** lnΓ((ν+1)/2) − lnΓ(ν/2) − ½ ln(νπ): the per-coordinate normaliser of a unit-scale t_ν. */
export function studentTLogNorm(df: number): number {
  return logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
}

/** −(ν+1)/2 · ln(1 + r²/ν), elementwise: the unnormalised log-density of the standardised r. */
export function studentTTail(r: tf.Tensor, df: number): tf.Tensor {
  return tf.mul(tf.log1p(tf.div(tf.square(r), df)), -(df + 1) / 2);
}
