// Transforms shared by the sources.
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
