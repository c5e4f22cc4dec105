// The first two principal components of a small matrix (n rows × dim columns, row-major): the
// covariance matrix, then power iteration with deflation. Enough for a latent scatter plot.

export interface Pca2 {
  /** the rows projected on the two components, [n, 2] row-major */
  scores: Float64Array;
  /** unit vectors, each [dim]; the sign makes the largest-magnitude entry positive */
  components: [Float64Array, Float64Array];
  /** variance along each component */
  variances: [number, number];
  /** fraction of the total variance along each component (0 when the data has none) */
  explained: [number, number];
  mean: Float64Array;
}

export function pca2(values: ArrayLike<number>, n: number, dim: number): Pca2 {
  if (n < 1 || dim < 1 || values.length !== n * dim) throw new Error(`pca2: expected ${n}×${dim} values, got ${values.length}`);
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j]! += values[i * dim + j]! / n;
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) row[j] = values[i * dim + j]! - mean[j]!;
    for (let a = 0; a < dim; a++) {
      const ra = row[a]!;
      if (ra === 0) continue;
      for (let b = a; b < dim; b++) cov[a * dim + b]! += ra * row[b]!;
    }
  }
  const denom = Math.max(1, n - 1);
  let total = 0;
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const v = cov[a * dim + b]! / denom;
      cov[a * dim + b] = v;
      cov[b * dim + a] = v;
    }
    total += cov[a * dim + a]!;
  }
  const first = topEigen(cov, dim, null);
  // deflate: C − λ v vᵀ
  for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) cov[a * dim + b]! -= first.value * first.vector[a]! * first.vector[b]!;
  const second = topEigen(cov, dim, first.vector);
  const scores = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    let s0 = 0;
    let s1 = 0;
    for (let j = 0; j < dim; j++) {
      const c = values[i * dim + j]! - mean[j]!;
      s0 += c * first.vector[j]!;
      s1 += c * second.vector[j]!;
    }
    scores[2 * i] = s0;
    scores[2 * i + 1] = s1;
  }
  const frac = (v: number) => (total > 0 ? Math.max(0, v) / total : 0);
  return {
    scores,
    components: [first.vector, second.vector],
    variances: [Math.max(0, first.value), Math.max(0, second.value)],
    explained: [frac(first.value), frac(second.value)],
    mean,
  };
}

/** The dominant eigenpair of a symmetric PSD matrix by power iteration (orthogonal to `avoid`). */
function topEigen(m: Float64Array, dim: number, avoid: Float64Array | null): { value: number; vector: Float64Array } {
  let v = new Float64Array(dim);
  // a fixed, non-degenerate start
  for (let j = 0; j < dim; j++) v[j] = 1 + ((j * 7919) % 13) / 13;
  const orth = (u: Float64Array) => {
    if (!avoid) return;
    let d = 0;
    for (let j = 0; j < dim; j++) d += u[j]! * avoid[j]!;
    for (let j = 0; j < dim; j++) u[j]! -= d * avoid[j]!;
  };
  const normalize = (u: Float64Array): number => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += u[j]! * u[j]!;
    const norm = Math.sqrt(s);
    if (norm > 0) for (let j = 0; j < dim; j++) u[j]! /= norm;
    return norm;
  };
  orth(v);
  if (normalize(v) === 0) {
    // the start lay along `avoid`: any other basis direction
    v = new Float64Array(dim);
    v[avoid && Math.abs(avoid[0]!) > 0.5 ? Math.min(1, dim - 1) : 0] = 1;
    orth(v);
    normalize(v);
  }
  let value = 0;
  const w = new Float64Array(dim);
  for (let it = 0; it < 500; it++) {
    for (let a = 0; a < dim; a++) {
      let s = 0;
      for (let b = 0; b < dim; b++) s += m[a * dim + b]! * v[b]!;
      w[a] = s;
    }
    orth(w);
    const norm = normalize(w);
    if (norm === 0) break; // no variance left in this direction
    let delta = 0;
    for (let j = 0; j < dim; j++) delta = Math.max(delta, Math.abs(w[j]! - v[j]!));
    v.set(w);
    value = norm;
    if (delta < 1e-10) break;
  }
  // Rayleigh quotient for the value
  let rq = 0;
  for (let a = 0; a < dim; a++) {
    let s = 0;
    for (let b = 0; b < dim; b++) s += m[a * dim + b]! * v[b]!;
    rq += v[a]! * s;
  }
  value = rq;
  let big = 0;
  for (let j = 0; j < dim; j++) if (Math.abs(v[j]!) > Math.abs(v[big]!)) big = j;
  if (v[big]! < 0) for (let j = 0; j < dim; j++) v[j] = -v[j]!;
  return { value, vector: v };
}
