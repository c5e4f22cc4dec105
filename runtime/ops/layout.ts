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
