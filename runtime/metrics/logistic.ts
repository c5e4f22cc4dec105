// Multinomial logistic regression, full batch, Adam on the mean cross-entropy + (l2/2)·‖W‖², on
// features standardised with the training rows' mean and std (a zero std is left unscaled).
// Weights start at zero, so the result is deterministic: no seed is needed. Runs on tfjs (matMul),
// so 784-pixel inputs with thousands of rows stay fast; gradients are written out by hand.
import * as tf from "@tensorflow/tfjs";
import { checkXy, type Classifier } from "./classifier";

export interface LogisticOptions {
  steps?: number; // 300
  lr?: number; // 0.05
  l2?: number; // 1e-3
  /** number of classes (default: max label + 1) */
  classes?: number;
}

export function trainLogistic(x: Float32Array, n: number, dim: number, labels: ArrayLike<number>, o: LogisticOptions = {}): Classifier {
  const k = Math.max(o.classes ?? 0, checkXy(x, n, dim, labels, "logistic regression"), 2);
  const steps = o.steps ?? 300;
  const lr = o.lr ?? 0.05;
  const l2 = o.l2 ?? 1e-3;
  const mean = new Float32Array(dim);
  const scale = new Float32Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j]! += x[i * dim + j]! / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) scale[j]! += (x[i * dim + j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < dim; j++) scale[j] = scale[j]! > 1e-12 ? 1 / Math.sqrt(scale[j]!) : 1;
  const standardise = (v: Float32Array, m: number) => tf.mul(tf.sub(tf.tensor2d(v, [m, dim]), tf.tensor1d(mean)), tf.tensor1d(scale)) as tf.Tensor2D;

  const [W, b] = tf.tidy(() => {
    const X = standardise(x, n);
    const Y = tf.oneHot(tf.tensor1d(Int32Array.from(labels as ArrayLike<number>), "int32"), k).toFloat();
    let W: tf.Tensor = tf.zeros([dim, k]);
    let b: tf.Tensor = tf.zeros([k]);
    let mW: tf.Tensor = tf.zerosLike(W), vW: tf.Tensor = tf.zerosLike(W), mb: tf.Tensor = tf.zerosLike(b), vb: tf.Tensor = tf.zerosLike(b);
    const b1 = 0.9, b2 = 0.999, eps = 1e-8;
    for (let t = 1; t <= steps; t++) {
      const next = tf.tidy(() => {
        const P = tf.softmax(tf.add(tf.matMul(X, W), b));
        const G = tf.div(tf.sub(P, Y), n);
        const gW = tf.add(tf.matMul(X, G, true, false), tf.mul(W, l2));
        const gb = tf.sum(G, 0);
        const upd = (p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor) => {
          const m2 = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
          const v2 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
          const step = tf.div(tf.div(m2, 1 - b1 ** t), tf.add(tf.sqrt(tf.div(v2, 1 - b2 ** t)), eps));
          return [tf.sub(p, tf.mul(step, lr)), m2, v2] as const;
        };
        return [...upd(W, gW, mW, vW), ...upd(b, gb, mb, vb)];
      });
      tf.dispose([W, mW, vW, b, mb, vb]);
      [W, mW, vW, b, mb, vb] = next as unknown as tf.Tensor[] as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    }
    tf.dispose([mW, vW, mb, vb]);
    return [W, b];
  });
  const w = W.dataSync().slice() as Float32Array;
  const bias = b.dataSync().slice() as Float32Array;
  tf.dispose([W, b]);
  return {
    classes: k,
    dim,
    predictProba(v: Float32Array, m: number): Float32Array {
      if (v.length !== m * dim) throw new Error(`logistic regression: ${v.length} values are not ${m} rows of ${dim}`);
      return tf.tidy(() => tf.softmax(tf.add(tf.matMul(standardise(v, m), tf.tensor2d(w, [dim, k])), tf.tensor1d(bias))).dataSync() as Float32Array).slice();
    },
  };
}
