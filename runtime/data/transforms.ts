// Transforms shared by the sources.
import { mulberry32, shuffledIndices } from "../random/seeds";
import { DataError, subset, type Dataset } from "./dataset";

/**
 * Uneven class proportions: each class's points are repeated ⌊m⌋ times, plus each point once more
 * with probability m − ⌊m⌋ (drawn from `rand`, so seeded). Class order follows `classes`.
 */
export function applyMultipliers(ds: Dataset, classes: readonly number[], multipliers: readonly number[], rand: () => number, source: string): Dataset {
  if (!ds.labels) throw new DataError(`${source}: multipliers need labels`);
  if (multipliers.length !== classes.length) {
    throw new DataError(`${source}: ${multipliers.length} multipliers for ${classes.length} classes (one per class, in \`classes\` order)`);
  }
  for (const m of multipliers) if (!(m >= 0) || !Number.isFinite(m)) throw new DataError(`${source}: multiplier ${m} must be a finite number ≥ 0`);
  const byClass = new Map(classes.map((c, i) => [c, multipliers[i]!]));
  const keep: number[] = [];
  for (let i = 0; i < ds.n; i++) {
    const m = byClass.get(ds.labels[i]!) ?? 1;
    const whole = Math.floor(m);
    for (let r = 0; r < whole; r++) keep.push(i);
    if (m > whole && rand() < m - whole) keep.push(i);
  }
  if (keep.length === 0) throw new DataError(`${source}: the multipliers leave no datapoints`);
  return subset(ds, keep);
}

export interface LabelledFilters {
  classes: number[] | null;
  multipliers: number[] | null;
  binarize: boolean;
  limit: number | null;
  seed: number;
}

/**
 * The filters of the labelled sources, in mnist's order: classes (keep those labels) → multipliers →
 * seeded shuffle (so `limit` takes a random subset) → limit → binarize (threshold 0.5).
 * `numClasses` bounds the class indices when known.
 */
export function applyFilters(ds: Dataset, o: LabelledFilters, source: string, numClasses: number | null): Dataset {
  if (o.classes) {
    if (!ds.labels) throw new DataError(`${source}: classes need labels`);
    for (const c of o.classes) {
      if (!Number.isInteger(c) || c < 0 || (numClasses !== null && c >= numClasses)) {
        throw new DataError(`${source}: class ${c} does not exist (labels are ${numClasses !== null ? `0-${numClasses - 1}` : "integers ≥ 0"})`);
      }
    }
    if (new Set(o.classes).size !== o.classes.length) throw new DataError(`${source}: classes [${o.classes.join(", ")}] repeat a label`);
    const keep = new Set(o.classes);
    const idx: number[] = [];
    for (let i = 0; i < ds.n; i++) if (keep.has(ds.labels[i]!)) idx.push(i);
    ds = subset(ds, idx);
  }
  if (o.multipliers) {
    const classes = o.classes ?? Array.from({ length: numClasses ?? (ds.labels ? Math.max(0, ...ds.labels) + 1 : 0) }, (_, i) => i);
    ds = applyMultipliers(ds, classes, o.multipliers, mulberry32(o.seed ^ 0x5bd1e995), source);
  }
  ds = subset(ds, shuffledIndices(ds.n, o.seed));
  if (o.limit != null) {
    if (!Number.isInteger(o.limit) || o.limit < 1) throw new DataError(`${source}: limit must be a positive integer, got ${o.limit}`);
    if (o.limit < ds.n) ds = subset(ds, Array.from({ length: o.limit }, (_, i) => i));
  }
  if (o.binarize) for (let i = 0; i < ds.x.length; i++) ds.x[i] = ds.x[i]! > 0.5 ? 1 : 0;
  return ds;
}
