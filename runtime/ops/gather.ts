// Gathers that have gradients on every backend: tf.gather's gradient needs the UnsortedSegmentSum
// kernel, which tfjs-backend-wasm lacks ("Kernel 'UnsortedSegmentSum' not registered").
import * as tf from "@tensorflow/tfjs";

/** Entries `idx` (negative: from the end) along axis `ax`, from slices and one concat; contiguous runs become one slice each. */
export function gatherAxis(t: tf.Tensor, ax: number, idx: readonly number[]): tf.Tensor {
  const n = t.shape[ax]!;
  const at = (i: number) => (idx[i]! < 0 ? idx[i]! + n : idx[i]!);
  const parts: tf.Tensor[] = [];
  for (let i = 0; i < idx.length; ) {
    const first = at(i);
    if (first < 0 || first >= n) throw new Error(`index ${idx[i]} is out of range for an axis of size ${n}`);
    let len = 1;
    while (i + len < idx.length && at(i + len) === first + len) len++;
    parts.push(tf.slice(t, t.shape.map((_, j) => (j === ax ? first : 0)), t.shape.map((d, j) => (j === ax ? len : d))));
    i += len;
  }
  return parts.length === 1 ? parts[0]! : tf.concat(parts, ax);
}

/** The [D, D] matrix P with (y·P)[:, i] = y[:, perm[i]]: a permutation of columns as one matmul, exact (one-hot columns). */
export function permutationMatrix(perm: readonly number[]): tf.Tensor2D {
  const d = perm.length;
  const p = new Float32Array(d * d);
  perm.forEach((src, i) => (p[src * d + i] = 1));
  return tf.tensor2d(p, [d, d]);
}
