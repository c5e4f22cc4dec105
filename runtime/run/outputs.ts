// Files for people: image grids (PNG) and tables (CSV).
import { PNG } from "pngjs";
import type { DataIR } from "../../compiler/ir/types";

export interface ImageLayout {
  height: number;
  width: number;
  channels: 1 | 3;
}

/** How a datapoint is drawn as an image, or null when the data is not images (e.g. 2-D points). */
export function imageLayout(data: DataIR): ImageLayout | null {
  const s = data.shape;
  if (s.length === 3 && (s[2] === 1 || s[2] === 3) && s[0]! >= 4 && s[1]! >= 4) return { height: s[0]!, width: s[1]!, channels: s[2] as 1 | 3 };
  if (s.length === 2 && s[0]! >= 4 && s[1]! >= 4) return { height: s[0]!, width: s[1]!, channels: 1 };
  // flattened MNIST-like images (`flatten: true`)
  if (s.length === 1 && s[0] === 784 && /mnist/.test(data.source)) return { height: 28, width: 28, channels: 1 };
  return null;
}

/**
 * n images (row-major, values clipped to [0, 1]) in a near-square grid with a `pad`-pixel dark
 * border between them, as PNG bytes.
 */
export function imageGridPng(values: Float32Array, n: number, l: ImageLayout, pad = 2): Buffer {
  const cols = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const W = cols * l.width + (cols + 1) * pad;
  const H = rows * l.height + (rows + 1) * pad;
  const png = new PNG({ width: W, height: H });
  png.data.fill(0);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255; // opaque
  const per = l.height * l.width * l.channels;
  for (let k = 0; k < n; k++) {
    const ox = pad + (k % cols) * (l.width + pad);
    const oy = pad + Math.floor(k / cols) * (l.height + pad);
    for (let y = 0; y < l.height; y++) {
      for (let x = 0; x < l.width; x++) {
        const p = ((oy + y) * W + ox + x) * 4;
        for (let c = 0; c < 3; c++) {
          const v = values[k * per + (y * l.width + x) * l.channels + (l.channels === 1 ? 0 : c)]!;
          png.data[p + c] = Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));
        }
      }
    }
  }
  return PNG.sync.write(png);
}

/** A CSV with a header; `labels` (when given) become the last column. */
export function toCsv(values: Float32Array, n: number, dim: number, prefix: string, labels: Int32Array | null = null): string {
  const header = Array.from({ length: dim }, (_, j) => `${prefix}${j}`);
  if (labels) header.push("label");
  const lines = [header.join(",")];
  for (let i = 0; i < n; i++) {
    const row = Array.from(values.subarray(i * dim, (i + 1) * dim), (v) => String(v));
    if (labels) row.push(String(labels[i]));
    lines.push(row.join(","));
  }
  return lines.join("\n") + "\n";
}
