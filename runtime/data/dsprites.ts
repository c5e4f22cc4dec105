// A dSprites-like generator (Matthey et al. 2017) with known factors, drawn from a seed with our own
// PRNG: one white shape on a black 32×32 image. Factors, in this order:
//   shape    ∈ {0 square, 1 ellipse, 2 triangle} (also the labels)
//   scale    ~ U[0.5, 1]: the shape fits in a disc of radius scale·R, R = 0.2·32 px
//   rotation ~ U[0, 2π)
//   x, y     ~ U[0, 1]: the centre, mapped to [R + 0.6, 32 − R − 0.6] px so no shape is clipped
// `xy_mix` w injects dependence between the positions as the InteL-VAE code's dSprites does
// (its y is (x + y)/2, i.e. w = 0.5): y ← (1 − w)·y + w·x, so y stays in [0, 1] and the Pearson
// correlation of x and y is w / √(w² + (1 − w)²) (0.71 at w = 0.5, 1 at w = 1). The factor `y` is
// the mixed position, the one the image shows.
// Pixels are 1 where the pixel centre lies inside the shape, else 0 (binary, as in dSprites).
import { mulberry32, randomInt } from "../random/seeds";
import { DataError, makeDataset, type Dataset } from "./dataset";

export const DSPRITES_SIDE = 32;
export const DSPRITES_FACTORS = ["shape", "scale", "rotation", "x", "y"] as const;
const R = 0.2 * DSPRITES_SIDE;
const MARGIN = R + 0.6;

export interface SpriteFactors {
  shape: number;
  scale: number;
  rotation: number;
  x: number;
  y: number;
}

/** Is the point (u, v), in the shape's own frame (unrotated, centred, in px), inside it? */
function inside(shape: number, u: number, v: number, r: number): boolean {
  if (shape === 0) return Math.max(Math.abs(u), Math.abs(v)) <= r / Math.SQRT2; // square, corners on the circle
  if (shape === 1) return (u / r) ** 2 + (v / (0.5 * r)) ** 2 <= 1; // ellipse 2:1
  // equilateral triangle with circumradius r, one vertex up: three half-planes at distance r/2
  for (let k = 0; k < 3; k++) {
    const a = Math.PI / 2 + (2 * Math.PI * k) / 3 + Math.PI; // outward normal of the edge opposite vertex k
    if (u * Math.cos(a) + v * Math.sin(a) > r / 2) return false;
  }
  return true;
}

/** The image of one sprite, [side·side] row-major (row = image y, downwards). */
export function renderSprite(f: SpriteFactors, out = new Float32Array(DSPRITES_SIDE * DSPRITES_SIDE)): Float32Array {
  const span = DSPRITES_SIDE - 2 * MARGIN;
  const cx = MARGIN + f.x * span;
  const cy = MARGIN + f.y * span;
  const r = f.scale * R;
  const c = Math.cos(f.rotation);
  const s = Math.sin(f.rotation);
  for (let i = 0; i < DSPRITES_SIDE; i++) {
    for (let j = 0; j < DSPRITES_SIDE; j++) {
      const dx = j + 0.5 - cx;
      const dy = i + 0.5 - cy;
      out[i * DSPRITES_SIDE + j] = inside(f.shape, c * dx + s * dy, -s * dx + c * dy, r) ? 1 : 0;
    }
  }
  return out;
}

/** n sprites with their factors, deterministic in `seed`; `flatten` gives Real[1024] points. */
export function generateDsprites(args: Record<string, unknown>, seed: number): Dataset {
  const n = args.n ?? 4000;
  const mix = args.xy_mix ?? 0;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) throw new DataError(`dsprites: n must be an integer ≥ 1, got ${JSON.stringify(n)}`);
  if (typeof mix !== "number" || !(mix >= 0 && mix <= 1)) throw new DataError(`dsprites: xy_mix must be in [0, 1], got ${JSON.stringify(mix)}`);
  const rand = mulberry32(seed);
  const px = DSPRITES_SIDE * DSPRITES_SIDE;
  const x = new Float32Array(n * px);
  const k = DSPRITES_FACTORS.length;
  const values = new Float32Array(n * k);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const f: SpriteFactors = { shape: randomInt(rand, 3), scale: 0.5 + 0.5 * rand(), rotation: 2 * Math.PI * rand(), x: rand(), y: 0 };
    f.y = (1 - mix) * rand() + mix * f.x;
    renderSprite(f, x.subarray(i * px, (i + 1) * px));
    values.set([f.shape, f.scale, f.rotation, f.x, f.y], i * k);
    labels[i] = f.shape;
  }
  const ds = makeDataset(x, args.flatten === true ? [px] : [DSPRITES_SIDE, DSPRITES_SIDE, 1], labels);
  ds.factors = { names: [...DSPRITES_FACTORS], values, discrete: [true, false, false, false, false] };
  return ds;
}
