// Float64 references for the prior tests: Monte Carlo KL(q ‖ p) = E_q[log q(y) − log p(y)] in plain
// JS over many draws, with its standard error, and small statistics helpers.
import * as tf from "@tensorflow/tfjs";
import { expect } from "vitest";
import type { CompiledModel } from "../../../runtime/model/compiled";
import { mulberry32, normalFrom } from "../../../runtime/random/seeds";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export interface Estimate {
  mean: number;
  se: number;
}

export function estimate(xs: ArrayLike<number>): Estimate {
  const n = xs.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += xs[i]!;
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (xs[i]! - m) ** 2;
  return { mean: m, se: Math.sqrt(v / (n - 1) / n) };
}

/** log N(y; m, s²) summed over coordinates, float64 */
export function logNormal(y: number[], m: number[], logSd: number[]): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += -0.5 * ((y[i]! - m[i]!) / Math.exp(logSd[i]!)) ** 2 - logSd[i]! - HALF_LOG_2PI;
  return s;
}

export function logSumExp(a: number[]): number {
  const m = Math.max(...a);
  return m + Math.log(a.reduce((s, v) => s + Math.exp(v - m), 0));
}

/** KL(N(mean, e^{logvar}) ‖ p) by `n` float64 Monte Carlo draws. */
export function referenceKl(mean: number[], logvar: number[], logP: (y: number[]) => number, n = 100_000, seed = 12345): Estimate {
  const normal = normalFrom(mulberry32(seed));
  const sd = logvar.map((v) => Math.exp(v / 2));
  const logQConst = logvar.reduce((s, v) => s - v / 2 - HALF_LOG_2PI, 0);
  const out = new Float64Array(n);
  const y = new Array<number>(mean.length);
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let d = 0; d < mean.length; d++) {
      const e = normal();
      sq += e * e;
      y[d] = mean[d]! + sd[d]! * e;
    }
    out[i] = logQConst - sq / 2 - logP(y);
  }
  return estimate(out);
}

/** Rows of `t` as number arrays. */
export const rows = (t: tf.Tensor): number[][] => t.arraySync() as number[][];

/** |a − b| within `z` combined standard errors (plus a float32 floor) */
export function expectClose(a: Estimate, b: Estimate, z = 4, floor = 1e-4): { ok: boolean; detail: string } {
  const tol = z * Math.hypot(a.se, b.se) + floor;
  const diff = Math.abs(a.mean - b.mean);
  return { ok: diff <= tol, detail: `${a.mean} vs ${b.mean} (|Δ| ${diff.toExponential(2)}, tolerance ${tol.toExponential(2)})` };
}

/** the standard normal CDF, by Abramowitz–Stegun 7.1.26 for erf (|error| < 1.5e-7) */
export function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return 0.5 * (1 + (x >= 0 ? erf : -erf));
}

/** IWAE(K = 1) = ELBO (β = 1) on the same seeds, on a batch of 8 2-D points. */
export function expectIwaeK1IsElbo(m: CompiledModel): void {
  const x = tf.mul(tf.randomNormal([8, 2], 0, 1, "float32", 21), 1.5);
  for (const seed of [3, 17]) {
    const [iw, elbo] = tf.tidy(() => [tf.mean(m.iwae(x, 1, seed)).dataSync()[0]!, -m.loss(x, seed, false, { beta: 1 }).loss.dataSync()[0]!]);
    expect(Math.abs(iw - elbo), `${iw} vs ${elbo}`).toBeLessThan(1e-4 * Math.abs(elbo) + 1e-5);
  }
  x.dispose();
}
