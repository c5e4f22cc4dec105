// Values of the mapping graph. A bias is written for one datapoint; the runtime carries a batch
// axis in front of every value that depends on y ("batched") and none on constants and params.
import * as tf from "@tensorflow/tfjs";
import type { Value } from "../../compiler/ir/types";
import "../model/gradients";

export interface Val {
  t: tf.Tensor;
  batched: boolean;
}

/** The rank of one datapoint's value. */
export const rankOf = (v: Val): number => v.t.rank - (v.batched ? 1 : 0);

/** A datapoint axis (0 = first, negative from the end) as an axis of the tensor. */
export function tensorAxis(v: Val, axis: number): number {
  const r = rankOf(v);
  if (axis < -r || axis >= Math.max(r, 1)) throw new Error(`axis ${axis} is out of range for a value of rank ${r}`);
  const a = axis < 0 ? axis + r : axis;
  return v.batched ? a + 1 : a;
}

/** Bool tensors (comparisons) become 0/1 floats where arithmetic needs them. */
export const asFloat = (t: tf.Tensor): tf.Tensor => (t.dtype === "float32" ? t : tf.cast(t, "float32"));

/**
 * Tensors ready for NumPy broadcasting with the batch axis in front: a batched value of lower
 * datapoint rank gets size-1 axes after its batch axis (NumPy aligns trailing axes, and the batch
 * axis must stay in front). Unbatched values broadcast by the usual trailing-axis rule.
 */
export function align(vals: Val[]): { ts: tf.Tensor[]; batched: boolean } {
  const batched = vals.some((v) => v.batched);
  const rank = Math.max(...vals.map(rankOf));
  const ts = vals.map((v) => {
    const r = rankOf(v);
    if (!v.batched || r === rank) return v.t;
    return tf.reshape(v.t, [v.t.shape[0]!, ...new Array<number>(rank - r).fill(1), ...v.t.shape.slice(1)]);
  });
  return { ts, batched };
}

/** An unbatched value repeated over a batch of `b` (for concat and stack, which do not broadcast). */
export function withBatch(v: Val, b: number): tf.Tensor {
  return v.batched ? v.t : tf.broadcastTo(tf.expandDims(v.t, 0), [b, ...v.t.shape]);
}

export function num(attrs: Record<string, unknown> | undefined, key: string, dflt: number): number {
  const v = attrs?.[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== "number") throw new Error(`attribute '${key}' must be a number, got ${JSON.stringify(v)}`);
  return v;
}

/** A constant attribute as a float tensor (numbers, nested lists, booleans). */
export function constTensor(value: Value | undefined): tf.Tensor {
  if (typeof value === "number") return tf.scalar(value);
  if (typeof value === "boolean") return tf.scalar(value ? 1 : 0);
  if (Array.isArray(value)) return tf.tensor(value as number[], undefined, "float32");
  throw new Error(`a 'const' node needs a number or a (nested) list of numbers, got ${JSON.stringify(value)}`);
}
