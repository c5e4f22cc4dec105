// The classifiers the metrics train: a shared interface and accuracy / confidence helpers.
// Inputs are rows [n, dim] row-major; labels are integers 0..classes-1.

export interface Classifier {
  readonly classes: number;
  readonly dim: number;
  /** class probabilities, [n, classes] row-major */
  predictProba(x: Float32Array, n: number): Float32Array;
}

export function checkXy(x: Float32Array, n: number, dim: number, labels: ArrayLike<number>, who: string): number {
  if (n < 1 || x.length !== n * dim) throw new Error(`${who}: ${x.length} values are not ${n} rows of ${dim}`);
  if (labels.length !== n) throw new Error(`${who}: ${labels.length} labels for ${n} rows`);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (!Number.isInteger(l) || l < 0) throw new Error(`${who}: label ${l} is not a class index`);
    k = Math.max(k, l + 1);
  }
  return k;
}

/** argmax per row of [n, k] probabilities. */
export function argmaxRows(p: Float32Array, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[i * k + c]! > p[i * k + best]!) best = c;
    out[i] = best;
  }
  return out;
}

export function accuracy(clf: Classifier, x: Float32Array, n: number, labels: ArrayLike<number>): number {
  const pred = argmaxRows(clf.predictProba(x, n), n, clf.classes);
  let ok = 0;
  for (let i = 0; i < n; i++) if (pred[i] === labels[i]) ok++;
  return ok / n;
}
