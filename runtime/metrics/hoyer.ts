// Hoyer sparsity (Hoyer 2004), as the paper uses it (Miao et al. 2022, §5.3 and appendix): each
// dimension of the representations is first divided by its standard deviation over the data, then
// every point scores (√D − ‖z‖₁/‖z‖₂) / (√D − 1) ∈ [0, 1] (1 = one non-zero coordinate, 0 = all equal
// in magnitude), and the scores are averaged over points.
//
// Edge cases (our decisions; the paper's code would divide by zero):
// - A dimension whose std over the data is 0 (constant, e.g. switched off everywhere) carries no
//   information about any point and is LEFT OUT: D counts only the dimensions that vary. So a dead
//   dimension neither makes the representations look sparser (its zeros) nor denser (a constant).
// - A point whose scaled vector is all zeros has no defined score and is left out of the average
//   (counted in `zeroPoints`).
// - Fewer than 2 varying dimensions: the score is undefined (√D − 1 = 0): `value` is NaN.
// Std is the population std (divide by n) of the raw values, not centred away: z / std(z), as in the
// reference code.

/** Hoyer of one vector, no scaling: NaN for the zero vector or a length < 2. */
export function hoyerVector(v: ArrayLike<number>): number {
  const d = v.length;
  let l1 = 0;
  let l2 = 0;
  for (let i = 0; i < d; i++) {
    const a = v[i]!;
    l1 += Math.abs(a);
    l2 += a * a;
  }
  if (d < 2 || l2 === 0) return NaN;
  const sd = Math.sqrt(d);
  return (sd - l1 / Math.sqrt(l2)) / (sd - 1);
}

export interface HoyerResult {
  /** mean score over the points that have one; NaN when fewer than 2 dimensions vary */
  value: number;
  /** dimensions that vary over the data (the D used) */
  dims: number;
  /** dimensions left out for zero std */
  constantDims: number;
  /** points left out for being all zero after scaling */
  zeroPoints: number;
}

/** Per-dimension population std of rows [n, dim]. */
export function columnStd(z: Float32Array, n: number, dim: number): Float64Array {
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j]! += z[i * dim + j]!;
  for (let j = 0; j < dim; j++) mean[j]! /= n;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < dim; j++) {
      const c = z[i * dim + j]! - mean[j]!;
      sq[j]! += c * c;
    }
  return sq.map((s) => Math.sqrt(s / n));
}

/** The paper's Hoyer sparsity of representations z: [n, dim] row-major. */
export function hoyerSparsity(z: Float32Array, n: number, dim: number): HoyerResult {
  if (n < 1 || z.length !== n * dim) throw new Error(`hoyer: ${z.length} values are not ${n} points of ${dim} dims`);
  const std = columnStd(z, n, dim);
  const keep: number[] = [];
  for (let j = 0; j < dim; j++) if (std[j]! > 1e-12 * (1 + Math.abs(z[j]!))) keep.push(j);
  const d = keep.length;
  const constantDims = dim - d;
  if (d < 2) return { value: NaN, dims: d, constantDims, zeroPoints: 0 };
  const row = new Float64Array(d);
  let total = 0;
  let counted = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) row[k] = z[i * dim + keep[k]!]! / std[keep[k]!]!;
    const h = hoyerVector(row);
    if (Number.isNaN(h)) continue;
    total += h;
    counted++;
  }
  return { value: counted ? total / counted : NaN, dims: d, constantDims, zeroPoints: n - counted };
}
