// Metrics on generated samples (y ~ N(0, I) → z = g(y) → decoder mean) and on the latent codes:
// the paper's Table 2/3 quantities (class shares and uncertainty of samples under a classifier
// trained on the data), region mass, and active dimensions.
import type { Classifier } from "./classifier";
import { argmaxRows } from "./classifier";
import { columnStd } from "./hoyer";

/** Share of samples whose most likely class has probability below `threshold`. */
export function sampleUncertainty(clf: Classifier, samples: Float32Array, n: number, threshold = 0.8): number {
  if (!(threshold > 0 && threshold < 1)) throw new Error(`sample_uncertainty: threshold must be in (0, 1), got ${threshold}`);
  const p = clf.predictProba(samples, n);
  const k = clf.classes;
  let low = 0;
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let c = 0; c < k; c++) m = Math.max(m, p[i * k + c]!);
    if (m < threshold) low++;
  }
  return low / n;
}

/** Share of each class (argmax) among the samples, indexed by class. */
export function classProportions(clf: Classifier, samples: Float32Array, n: number): number[] {
  const pred = argmaxRows(clf.predictProba(samples, n), n, clf.classes);
  return labelProportions(pred, clf.classes);
}

/**
 * A classifier's confidence on samples, from its class probabilities [n, classes]: the mean
 * max-probability, the mean entropy (nats) of its predicted distribution, and the share of samples
 * whose most likely class is each class (docs/results-family.md §3).
 */
export function predictiveConfidence(probs: Float32Array, n: number, classes: number): { maxProb: number; entropy: number; shares: number[] } {
  if (probs.length !== n * classes) throw new Error(`predictive confidence: ${probs.length} probabilities for ${n} samples of ${classes} classes`);
  let maxProb = 0;
  let entropy = 0;
  for (let i = 0; i < n; i++) {
    const row = probs.subarray(i * classes, (i + 1) * classes);
    maxProb += Math.max(...row);
    for (const p of row) if (p > 0) entropy -= p * Math.log(p);
  }
  return { maxProb: maxProb / n, entropy: entropy / n, shares: labelProportions(argmaxRows(probs, n, classes), classes) };
}

/** Share of each label 0..classes-1. */
export function labelProportions(labels: ArrayLike<number>, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]!++;
  return counts.map((c) => c / Math.max(1, labels.length));
}

/** Fraction of the rows [n, dim] within `radius` (Euclidean, inclusive) of `center`. */
export function regionMass(samples: Float32Array, n: number, center: readonly number[], radius: number): number {
  const dim = center.length;
  if (samples.length !== n * dim) throw new Error(`region_mass: center has ${dim} coordinates but samples have ${samples.length / n}`);
  let inside = 0;
  for (let i = 0; i < n; i++) {
    let d2 = 0;
    for (let j = 0; j < dim; j++) d2 += (samples[i * dim + j]! - center[j]!) ** 2;
    if (d2 <= radius * radius) inside++;
  }
  return inside / n;
}

/**
 * Active dimensions (Burda et al. 2016): coordinates u whose variance over the data of the encoder's
 * mean, Cov_x(E_q[z_u | x]), exceeds `threshold`. `means` holds E_q[·|x] per point, [n, dim].
 */
export function activeDims(means: Float32Array, n: number, dim: number, threshold = 0.01): { count: number; variances: number[] } {
  const std = columnStd(means, n, dim);
  const variances = Array.from(std, (s) => s * s);
  return { count: variances.filter((v) => v > threshold).length, variances };
}
