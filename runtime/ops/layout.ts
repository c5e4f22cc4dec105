// Layout helpers tuned for tfjs-backend-wasm.
import * as tf from "@tensorflow/tfjs";
import { activeRoutes } from "../backend/routes";

/**
 * 2-D transpose. tfjs-wasm's 2-D kernel reads rows and writes with a stride of `rows` floats; when
 * that is a multiple of 128 (512 B-aligned), the writes crowd into a few cache sets and the copy
 * runs 2–3× slower ([512, 784]: 1.6 ms, [256, 512]: 0.5 ms, [128, 784]: 0.3 ms). Splitting the rows
 * into two halves makes it the 3-D kernel, which writes contiguously and reads with a stride of
 * `cols` instead (0.3, 0.25 and 0.12 ms). Measured; other shapes are faster as plain 2-D transposes.
 */
export function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  const [r, c] = x.shape;
  if (r % 128 !== 0 || activeRoutes().layout !== "wasm") return tf.transpose(x);
  return tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(x, [2, r / 2, c]), [2, 0, 1]), [c, r]));
}

/**
 * [B, ...] → [k·B, ...], sample-major (row c·B + b is row b): k copies of x stacked on the first
 * axis. One concat of k views instead of broadcastTo/tile: tfjs-wasm's Tile kernel copies element
 * by element through index arithmetic, ~30× slower than Concat's block copies ([100, 784] × 20:
 * 420 ms against 15–20 ms, bench/iwae.ts's profile). Exact on every backend; its gradient is the sum
 * of the k slices, as broadcastTo's.
 */
export function repeatRows<T extends tf.Tensor>(x: T, k: number): T {
  return k === 1 ? x : (tf.concat(Array<T>(k).fill(x), 0) as T);
}
