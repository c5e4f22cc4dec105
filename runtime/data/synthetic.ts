// The paper's low-dimensional data (appendix), generated from a seed with our own PRNG so that the
// same seed gives the same points on every backend and machine. Argument names and defaults follow
// compiler/builtins/data.ts; `args` arrive with the defaults already filled in by the compiler,
// but the fallbacks here keep the generators usable on their own.
import { mulberry32, normalFrom, randomInt } from "../random/seeds";
import { DataError, makeDataset, type Dataset } from "./dataset";
import { applyMultipliers } from "./transforms";

export const SYNTHETIC_SOURCES = ["ring", "square", "star", "figure_eight", "two_moons", "two_gaussians", "gaussian_clusters", "sparse_vectors"] as const;
export type SyntheticSource = (typeof SYNTHETIC_SOURCES)[number];

export const isSynthetic = (s: string): s is SyntheticSource => (SYNTHETIC_SOURCES as readonly string[]).includes(s);

type Args = Record<string, unknown>;

function num(args: Args, key: string, fallback: number, source: string): number {
  const v = args[key] ?? fallback;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new DataError(`${source}: ${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
}
function int(args: Args, key: string, fallback: number, source: string, min: number): number {
  const v = num(args, key, fallback, source);
  if (!Number.isInteger(v) || v < min) throw new DataError(`${source}: ${key} must be an integer ≥ ${min}, got ${v}`);
  return v;
}

/** Points uniform along a closed polygon's outline (edge chosen by length, then a uniform position). */
function onPolygon(vertices: [number, number][], rand: () => number): [number, number] {
  const lengths = vertices.map((v, i) => {
    const w = vertices[(i + 1) % vertices.length]!;
    return Math.hypot(w[0] - v[0], w[1] - v[1]);
  });
  const total = lengths.reduce((a, b) => a + b, 0);
  let u = rand() * total;
  let i = 0;
  while (i < lengths.length - 1 && u >= lengths[i]!) u -= lengths[i++]!;
  const a = vertices[i]!;
  const b = vertices[(i + 1) % vertices.length]!;
  const t = Math.min(1, u / lengths[i]!);
  return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
}

/** n points (and labels where the data has classes) from `source`, deterministic in `seed`. */
export function generateSynthetic(source: SyntheticSource, args: Args, seed: number): Dataset {
  const rand = mulberry32(seed);
  const normal = normalFrom(rand);
  const n = int(args, "n", 2000, source, 1);
  const noise = num(args, "noise", 0, source);
  if (noise < 0) throw new DataError(`${source}: noise must be ≥ 0, got ${noise}`);
  let dim = 2;
  let labels: Int32Array | null = null;
  let point: (i: number) => number[];
  switch (source) {
    case "ring": {
      const r = num(args, "radius", 2, source);
      const arc = num(args, "arc", 1, source);
      if (!(arc > 0 && arc <= 1)) throw new DataError(`ring: arc must be in (0, 1], got ${arc}`);
      point = () => {
        const t = 2 * Math.PI * arc * rand();
        return [r * Math.cos(t), r * Math.sin(t)];
      };
      break;
    }
    case "square": {
      const c = num(args, "size", 2, source) / Math.SQRT2; // corners on the diagonals at distance `size`
      const corners: [number, number][] = [[c, c], [-c, c], [-c, -c], [c, -c]];
      point = () => onPolygon(corners, rand);
      break;
    }
    case "star": {
      const tips = int(args, "points", 5, source, 2);
      const r = num(args, "radius", 2, source);
      const inner = num(args, "inner", 1 / 3, source);
      const vertices: [number, number][] = [];
      for (let i = 0; i < 2 * tips; i++) {
        const rr = i % 2 === 0 ? r : r * inner;
        const a = Math.PI / 2 + (Math.PI * i) / tips;
        vertices.push([rr * Math.cos(a), rr * Math.sin(a)]);
      }
      point = () => onPolygon(vertices, rand);
      break;
    }
    case "figure_eight": {
      const s = num(args, "scale", 2, source);
      point = () => {
        const t = 2 * Math.PI * rand();
        return [s * Math.cos(t), s * Math.sin(t) * Math.cos(t)];
      };
      break;
    }
    case "two_moons": {
      // scikit-learn's make_moons, scaled: the upper moon s·(cos t, sin t) and the lower one
      // s·(1 − cos t, ½ − sin t), t uniform on [0, π]; equal halves in label order
      const s = num(args, "scale", 1, source);
      labels = new Int32Array(n);
      for (let i = 0; i < n; i++) labels[i] = i < Math.ceil(n / 2) ? 0 : 1;
      point = (i) => {
        const t = Math.PI * rand();
        return labels![i] === 0 ? [s * Math.cos(t), s * Math.sin(t)] : [s * (1 - Math.cos(t)), s * (0.5 - Math.sin(t))];
      };
      break;
    }
    case "two_gaussians":
    case "gaussian_clusters": {
      const two = source === "two_gaussians";
      const k = two ? 2 : int(args, "k", 4, source, 1);
      dim = two ? 2 : int(args, "dim", 2, source, k === 2 ? 1 : 2);
      const r = num(args, two ? "distance" : "radius", 2, source);
      const std = num(args, "std", 0.3, source);
      labels = new Int32Array(n);
      // Equal sizes in label order (0, 1, …), so two_gaussians' label 0 is the cluster at −distance.
      for (let i = 0; i < n; i++) labels[i] = Math.floor((i * k) / n);
      const centre = (j: number): number[] => {
        const c = new Array<number>(dim).fill(0);
        if (k === 2) c[0] = j === 0 ? -r : r;
        else {
          c[0] = r * Math.cos((2 * Math.PI * j) / k);
          c[1] = r * Math.sin((2 * Math.PI * j) / k);
        }
        return c;
      };
      point = (i) => centre(labels![i]!).map((c) => c + std * normal());
      break;
    }
    case "sparse_vectors": {
      dim = int(args, "dim", 10, source, 1);
      const active = int(args, "active", 2, source, 1);
      if (active > dim) throw new DataError(`sparse_vectors: active (${active}) exceeds dim (${dim})`);
      labels = new Int32Array(n);
      point = (i) => {
        const v = new Array<number>(dim).fill(0);
        const chosen = new Set<number>();
        while (chosen.size < active) chosen.add(randomInt(rand, dim));
        for (const j of chosen) v[j] = normal();
        labels![i] = Math.min(...chosen);
        return v;
      };
      break;
    }
  }
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const p = point(i);
    for (let d = 0; d < dim; d++) x[i * dim + d] = p[d]! + (noise > 0 ? noise * normal() : 0);
  }
  let ds = makeDataset(x, [dim], labels);
  const multipliers = args.multipliers;
  if (multipliers != null && labels) {
    if (!Array.isArray(multipliers)) throw new DataError(`${source}: multipliers must be a list of numbers`);
    const k = Math.max(...labels) + 1;
    ds = applyMultipliers(ds, Array.from({ length: k }, (_, i) => i), multipliers as number[], rand, source);
  }
  return ds;
}
