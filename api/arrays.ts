// Tensors or plain arrays in, the same kind out: number[][] rows are datapoints, flattened.
import * as tf from "@tensorflow/tfjs";

/** A batch: a tensor [n, ...shape] or n rows of numbers (each a flattened datapoint). */
export type Batch = tf.Tensor | number[][];
/** What a batch maps to: a tensor for a tensor (the caller disposes it), rows for rows. */
export type Out<B extends Batch> = B extends tf.Tensor ? tf.Tensor : number[][];

export class ShapeError extends Error {
  override readonly name = "ShapeError";
}

/** The batch as a float32 tensor [n, ...shape] (a new tensor; dispose it). */
export function toTensor(b: Batch, shape: readonly number[], what: string): tf.Tensor {
  const size = shape.reduce((a, c) => a * c, 1);
  if (b instanceof tf.Tensor) {
    if (b.size % size !== 0 || (b.rank > 1 && b.size / b.shape[0]! !== size)) {
      throw new ShapeError(`${what}: a tensor of shape [${b.shape.join(", ")}] is not a batch of [${shape.join(", ")}]`);
    }
    return tf.tidy(() => tf.reshape(tf.cast(b, "float32"), [b.size / size, ...shape]));
  }
  if (!Array.isArray(b) || b.some((r) => !Array.isArray(r) || r.length !== size)) {
    throw new ShapeError(`${what}: expected rows of ${size} numbers (a flattened [${shape.join(", ")}] each)`);
  }
  const flat = new Float32Array(b.length * size);
  b.forEach((r, i) => flat.set(r, i * size));
  return tf.tensor(flat, [b.length, ...shape], "float32");
}

/** Rows of a tensor [n, ...]: each datapoint flattened. */
export function toRows(t: tf.Tensor): number[][] {
  const n = t.shape[0] ?? 1;
  const data = t.dataSync();
  const per = n ? data.length / n : 0;
  return Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * per, (i + 1) * per)));
}

/** Runs `f` on the batch as a tensor and gives back the kind that came in. */
export function withBatch<B extends Batch>(b: B, shape: readonly number[], what: string, f: (x: tf.Tensor) => tf.Tensor): Out<B> {
  const x = toTensor(b, shape, what);
  try {
    const y = tf.tidy(() => f(x));
    if (b instanceof tf.Tensor) return y as Out<B>;
    try {
      return toRows(y) as Out<B>;
    } finally {
      y.dispose();
    }
  } finally {
    x.dispose();
  }
}
