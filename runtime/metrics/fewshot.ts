// Few-shot downstream classification (the paper's §5.3 / Table 1): for each training size s and
// repeat r, a seeded permutation of the representations puts s labelled points in the training set
// and the rest in the test set; a classifier trained on the s points is scored on the rest. With
// `balanced` (the paper's protocol) the s points are drawn class by class, ⌊s/C⌋ of each class (the
// first s mod C classes one more), so a small set is not missing a class by chance.
// Accuracies are reported as mean ± (population) std over repeats. Sizes that leave no test
// points are skipped with a note.
import { mulberry32, shuffledIndices } from "../random/seeds";
import { accuracy, type Classifier } from "./classifier";
import { trainForest } from "./forest";
import { trainLogistic } from "./logistic";

export type ClassifierKind = "logistic" | "forest";

export function trainClassifier(kind: ClassifierKind, x: Float32Array, n: number, dim: number, labels: ArrayLike<number>, seed: number, classes?: number): Classifier {
  if (kind === "forest") return trainForest(x, n, dim, labels, { seed, ...(classes ? { classes } : {}) });
  if (kind === "logistic") return trainLogistic(x, n, dim, labels, classes ? { classes } : {});
  throw new Error(`unknown classifier "${String(kind)}" (logistic or forest)`);
}

export interface FewshotRow {
  size: number;
  mean: number;
  std: number;
  accuracies: number[];
}

export interface FewshotResult {
  classifier: ClassifierKind;
  rows: FewshotRow[];
  notes: string[];
}

function rows(src: Float32Array, dim: number, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * dim);
  for (let i = 0; i < idx.length; i++) out.set(src.subarray(idx[i]! * dim, (idx[i]! + 1) * dim), i * dim);
  return out;
}

export function fewshot(
  z: Float32Array,
  n: number,
  dim: number,
  labels: ArrayLike<number>,
  o: { sizes: number[]; repeats: number; classifier: ClassifierKind; seed: number; balanced?: boolean },
): FewshotResult {
  const notes: string[] = [];
  const out: FewshotRow[] = [];
  let classes = 0;
  for (let i = 0; i < n; i++) classes = Math.max(classes, labels[i]! + 1);
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < n; i++) counts[labels[i]!]!++;
  const rand = mulberry32(o.seed);
  for (const size of o.sizes) {
    if (!(size >= 1 && size < n)) {
      notes.push(`size ${size} skipped: needs 1 ≤ size < ${n} (the evaluation points)`);
      continue;
    }
    const quota = o.balanced ? counts.map((_, c) => Math.floor(size / classes) + (c < size % classes ? 1 : 0)) : null;
    const short = quota?.findIndex((q, c) => q >= counts[c]!) ?? -1;
    if (quota && short >= 0) {
      notes.push(`size ${size} skipped: a balanced draw needs ${quota[short]} points of class ${short} and leaves none to test (it has ${counts[short]})`);
      continue;
    }
    const acc: number[] = [];
    for (let r = 0; r < o.repeats; r++) {
      const perm = shuffledIndices(n, 1 + Math.floor(rand() * 0x7ffffffe));
      const [tr, te] = quota ? balancedSplit(perm, labels, quota) : [perm.subarray(0, size), perm.subarray(size)];
      const ytr = Int32Array.from(tr, (i) => labels[i]!);
      const yte = Int32Array.from(te, (i) => labels[i]!);
      const clf = trainClassifier(o.classifier, rows(z, dim, tr), size, dim, ytr, 1 + r, classes);
      acc.push(accuracy(clf, rows(z, dim, te), te.length, yte));
    }
    const mean = acc.reduce((a, b) => a + b, 0) / acc.length;
    const std = Math.sqrt(acc.reduce((a, b) => a + (b - mean) ** 2, 0) / acc.length);
    out.push({ size, mean, std, accuracies: acc });
  }
  return { classifier: o.classifier, rows: out, notes };
}

/** The permutation's first quota[c] points of each class c (in permutation order) and the rest. */
export function balancedSplit(perm: Int32Array, labels: ArrayLike<number>, quota: number[]): [Int32Array, Int32Array] {
  const left = quota.slice();
  const tr: number[] = [];
  const te: number[] = [];
  for (const i of perm) {
    const c = labels[i]!;
    if (left[c]! > 0) {
      left[c]!--;
      tr.push(i);
    } else te.push(i);
  }
  return [Int32Array.from(tr), Int32Array.from(te)];
}
