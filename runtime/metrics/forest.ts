// A small random forest (Breiman 2001), as the paper's downstream classifier: 50 trees of depth ≤ 4,
// each grown on a bootstrap sample, choosing at every node the best Gini split over ⌈√dim⌉ features
// drawn at random (thresholds halfway between consecutive distinct values). A leaf predicts its
// class frequencies; the forest averages its trees' leaf frequencies. Seeded (mulberry32).
import { mulberry32, randomInt } from "../random/seeds";
import { checkXy, type Classifier } from "./classifier";

export interface ForestOptions {
  trees?: number; // 50
  depth?: number; // 4
  /** features tried per node (default ⌈√dim⌉) */
  features?: number;
  /** smallest node that is split further */
  minSplit?: number; // 2
  seed?: number; // 1
  classes?: number;
}

type Node = { leaf: Float32Array } | { feature: number; threshold: number; left: Node; right: Node };

function leafOf(labels: ArrayLike<number>, rows: Int32Array, k: number): Float32Array {
  const p = new Float32Array(k);
  for (const r of rows) p[labels[r]!]! += 1 / rows.length;
  return p;
}

export function trainForest(x: Float32Array, n: number, dim: number, labels: ArrayLike<number>, o: ForestOptions = {}): Classifier {
  const k = Math.max(o.classes ?? 0, checkXy(x, n, dim, labels, "random forest"), 2);
  const nTrees = o.trees ?? 50;
  const maxDepth = o.depth ?? 4;
  const nFeat = Math.min(dim, o.features ?? Math.ceil(Math.sqrt(dim)));
  const minSplit = o.minSplit ?? 2;
  const rand = mulberry32(o.seed ?? 1);

  const gini = (counts: Float64Array, total: number) => {
    let s = 0;
    for (let c = 0; c < k; c++) s += (counts[c]! / total) ** 2;
    return 1 - s;
  };

  function grow(rows: Int32Array, depth: number): Node {
    const first = labels[rows[0]!]!;
    let pure = true;
    for (const r of rows) if (labels[r] !== first) pure = false;
    if (pure || depth >= maxDepth || rows.length < minSplit) return { leaf: leafOf(labels, rows, k) };
    // features without replacement (partial Fisher–Yates)
    const feats = Int32Array.from({ length: dim }, (_, i) => i);
    for (let i = 0; i < nFeat; i++) {
      const j = i + randomInt(rand, dim - i);
      [feats[i], feats[j]] = [feats[j]!, feats[i]!];
    }
    const m = rows.length;
    const total = new Float64Array(k);
    for (const r of rows) total[labels[r]!]!++;
    const parent = gini(total, m);
    let best = { gain: 1e-12, feature: -1, threshold: 0 };
    const order = new Int32Array(m);
    const left = new Float64Array(k);
    for (let f = 0; f < nFeat; f++) {
      const feat = feats[f]!;
      order.set(rows);
      order.sort((a, b) => x[a * dim + feat]! - x[b * dim + feat]!);
      left.fill(0);
      for (let i = 0; i < m - 1; i++) {
        left[labels[order[i]!]!]!++;
        const v = x[order[i]! * dim + feat]!;
        const w = x[order[i + 1]! * dim + feat]!;
        if (v === w) continue;
        const nl = i + 1;
        const right = new Float64Array(k);
        for (let c = 0; c < k; c++) right[c] = total[c]! - left[c]!;
        const g = parent - (nl / m) * gini(left, nl) - ((m - nl) / m) * gini(right, m - nl);
        if (g > best.gain) best = { gain: g, feature: feat, threshold: (v + w) / 2 };
      }
    }
    if (best.feature < 0) return { leaf: leafOf(labels, rows, k) };
    const l: number[] = [];
    const r: number[] = [];
    for (const row of rows) (x[row * dim + best.feature]! <= best.threshold ? l : r).push(row);
    return { feature: best.feature, threshold: best.threshold, left: grow(Int32Array.from(l), depth + 1), right: grow(Int32Array.from(r), depth + 1) };
  }

  const trees: Node[] = [];
  for (let t = 0; t < nTrees; t++) {
    const boot = new Int32Array(n);
    for (let i = 0; i < n; i++) boot[i] = randomInt(rand, n);
    trees.push(grow(boot, 0));
  }
  return {
    classes: k,
    dim,
    predictProba(v: Float32Array, m: number): Float32Array {
      if (v.length !== m * dim) throw new Error(`random forest: ${v.length} values are not ${m} rows of ${dim}`);
      const out = new Float32Array(m * k);
      for (let i = 0; i < m; i++) {
        for (const tree of trees) {
          let node = tree;
          while (!("leaf" in node)) node = v[i * dim + node.feature]! <= node.threshold ? node.left : node.right;
          for (let c = 0; c < k; c++) out[i * k + c]! += node.leaf[c]! / trees.length;
        }
      }
      return out;
    },
  };
}
