// Fréchet distance between two sets of feature vectors (an FID without Inception):
//   ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2·(Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2}),
// with sample means and covariances (divide by n − 1) and symmetric eigendecompositions by cyclic
// Jacobi rotations (small negative eigenvalues from round-off are clipped to 0). O(d³) per sweep:
// fine for d up to a few hundred (784 pixels takes seconds).

/** Mean and covariance of rows [n, d]. */
export function meanCov(x: Float32Array, n: number, d: number): { mean: Float64Array; cov: Float64Array } {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]! / n;
  const cov = new Float64Array(d * d);
  const c = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) c[j] = x[i * d + j]! - mean[j]!;
    for (let a = 0; a < d; a++) {
      const ca = c[a]!;
      if (ca === 0) continue;
      for (let b = a; b < d; b++) cov[a * d + b]! += ca * c[b]!;
    }
  }
  const den = Math.max(1, n - 1);
  for (let a = 0; a < d; a++)
    for (let b = a; b < d; b++) {
      cov[a * d + b]! /= den;
      cov[b * d + a] = cov[a * d + b]!;
    }
  return { mean, cov };
}

/** Eigenvalues and eigenvectors (columns of V) of a symmetric d×d matrix, by cyclic Jacobi. */
export function symEigen(m: Float64Array, d: number, sweeps = 30): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(m);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let s = 0; s < sweeps; s++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < d; p++) {
      diag += a[p * d + p]! ** 2;
      for (let q = p + 1; q < d; q++) off += a[p * d + q]! ** 2;
    }
    if (off <= 1e-24 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < d; p++)
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * d + q]! - a[p * d + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p]!;
          const akq = a[k * d + q]!;
          a[k * d + p] = c * akp - sn * akq;
          a[k * d + q] = sn * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k]!;
          const aqk = a[q * d + k]!;
          a[p * d + k] = c * apk - sn * aqk;
          a[q * d + k] = sn * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p]!;
          const vkq = v[k * d + q]!;
          v[k * d + p] = c * vkp - sn * vkq;
          v[k * d + q] = sn * vkp + c * vkq;
        }
      }
  }
  return { values: Float64Array.from({ length: d }, (_, i) => a[i * d + i]!), vectors: v };
}

/** The symmetric PSD square root V·diag(√max(λ, 0))·Vᵀ. */
function sqrtPsd(m: Float64Array, d: number): Float64Array {
  const { values, vectors: v } = symEigen(m, d);
  const out = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const s = Math.sqrt(Math.max(values[k]!, 0));
    if (s === 0) continue;
    for (let i = 0; i < d; i++) {
      const vik = v[i * d + k]! * s;
      for (let j = 0; j < d; j++) out[i * d + j]! += vik * v[j * d + k]!;
    }
  }
  return out;
}

function matmul(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let k = 0; k < d; k++) {
      const aik = a[i * d + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < d; j++) out[i * d + j]! += aik * b[k * d + j]!;
    }
  return out;
}

/** Fréchet distance between N(μ₁, Σ₁) and N(μ₂, Σ₂). */
export function frechetFromStats(m1: Float64Array, c1: Float64Array, m2: Float64Array, c2: Float64Array, d: number): number {
  let dm = 0;
  for (let i = 0; i < d; i++) dm += (m1[i]! - m2[i]!) ** 2;
  const s1 = sqrtPsd(c1, d);
  const inner = matmul(matmul(s1, c2, d), s1, d);
  for (let i = 0; i < d; i++)
    for (let j = i + 1; j < d; j++) {
      const avg = (inner[i * d + j]! + inner[j * d + i]!) / 2; // symmetrise round-off
      inner[i * d + j] = avg;
      inner[j * d + i] = avg;
    }
  const { values } = symEigen(inner, d);
  let tr = 0;
  for (let i = 0; i < d; i++) tr += c1[i * d + i]! + c2[i * d + i]!;
  for (const l of values) tr -= 2 * Math.sqrt(Math.max(l, 0));
  return Math.max(0, dm + tr);
}

/** Fréchet distance between the Gaussian fits of two sets of rows [n, d]. */
export function frechetDistance(a: Float32Array, na: number, b: Float32Array, nb: number, d: number): number {
  const x = meanCov(a, na, d);
  const y = meanCov(b, nb, d);
  return frechetFromStats(x.mean, x.cov, y.mean, y.cov, d);
}
