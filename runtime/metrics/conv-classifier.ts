// A small convolutional classifier of 28×28 images, trained here from a seed: the feature network of
// the reproduction's MNIST FID (Table 1), where Inception weights cannot be downloaded (and mean
// little on digits); FID on a domain classifier's penultimate layer is the usual substitute.
// conv 5×5/2 (8) → ReLU → conv 5×5/2 (16) → ReLU → dense 64 → ReLU (the features) → dense C.
// Convolutions are runtime/ops/conv's (they train on wasm, which lacks Conv2DBackpropFilter). Adam on
// the mean cross-entropy; weights glorot-uniform from the seed, batches from a seeded shuffle,
// so the same seed gives the same network. Weights are plain arrays, so a trained one can be saved
// as JSON and reused by every arm.
import * as tf from "@tensorflow/tfjs";
import { conv2d } from "../ops/conv";
import { mulberry32, shuffledIndices } from "../random/seeds";

export interface ConvClassifierOptions {
  epochs?: number; // 2
  batch?: number; // 64
  lr?: number; // 1e-3
  seed?: number; // 1
  classes?: number; // 10
}

/** Trained weights, by name, with their shapes (JSON-friendly). */
export interface ConvWeights {
  classes: number;
  tensors: Record<string, { shape: number[]; values: number[] }>;
}

const SHAPES = (c: number): Record<string, number[]> => ({
  c1: [5, 5, 1, 8],
  b1: [8],
  c2: [5, 5, 8, 16],
  b2: [16],
  d1: [7 * 7 * 16, 64],
  e1: [64],
  d2: [64, c],
  e2: [c],
});
export const FEATURE_DIM = 64;

function forward(v: Record<string, tf.Tensor>, x: tf.Tensor4D): { features: tf.Tensor2D; logits: tf.Tensor2D } {
  const h1 = tf.relu(tf.add(conv2d(x, v.c1 as tf.Tensor4D, 2, "same"), v.b1!));
  const h2 = tf.relu(tf.add(conv2d(h1 as tf.Tensor4D, v.c2 as tf.Tensor4D, 2, "same"), v.b2!));
  const features = tf.relu(tf.add(tf.matMul(tf.reshape(h2, [x.shape[0], 7 * 7 * 16]), v.d1 as tf.Tensor2D), v.e1!)) as tf.Tensor2D;
  return { features, logits: tf.add(tf.matMul(features, v.d2 as tf.Tensor2D), v.e2!) as tf.Tensor2D };
}

const images = (x: Float32Array, n: number) => tf.tensor4d(x, [n, 28, 28, 1]);

/** Trains the classifier on images [n, 784] (values in [0, 1]) with labels 0..classes-1. */
export function trainConvClassifier(x: Float32Array, n: number, labels: ArrayLike<number>, o: ConvClassifierOptions = {}): ConvWeights {
  if (x.length !== n * 784) throw new Error(`conv classifier: ${x.length} values are not ${n} images of 28×28`);
  const classes = o.classes ?? 10;
  const [epochs, batch, lr, seed] = [o.epochs ?? 2, o.batch ?? 64, o.lr ?? 1e-3, o.seed ?? 1];
  const rand = mulberry32(seed);
  const vars: Record<string, tf.Variable> = {};
  for (const [name, shape] of Object.entries(SHAPES(classes))) {
    const isBias = shape.length === 1;
    const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const fanOut = shape.length === 4 ? shape[0]! * shape[1]! * shape[3]! : shape[shape.length - 1]!;
    const lim = Math.sqrt(6 / (fanIn + fanOut));
    vars[name] = tf.variable(isBias ? tf.zeros(shape) : tf.randomUniform(shape, -lim, lim, "float32", Math.floor(rand() * 2 ** 31)));
  }
  const opt = tf.train.adam(lr);
  const y = Int32Array.from(labels as ArrayLike<number>);
  for (let e = 0; e < epochs; e++) {
    const perm = shuffledIndices(n, Math.floor(rand() * 2 ** 31) + 1);
    for (let s = 0; s < n; s += batch) {
      const idx = perm.subarray(s, Math.min(n, s + batch));
      const xb = new Float32Array(idx.length * 784);
      idx.forEach((i, k) => xb.set(x.subarray(i * 784, (i + 1) * 784), k * 784));
      const yb = Int32Array.from(idx, (i) => y[i]!);
      tf.tidy(() => {
        const X = images(xb, idx.length);
        const Y = tf.oneHot(tf.tensor1d(yb, "int32"), classes);
        opt.minimize(() => tf.losses.softmaxCrossEntropy(Y, forward(vars, X).logits) as tf.Scalar);
      });
    }
  }
  opt.dispose();
  const tensors: ConvWeights["tensors"] = {};
  for (const [name, v] of Object.entries(vars)) {
    tensors[name] = { shape: v.shape, values: Array.from(v.dataSync()) };
    v.dispose();
  }
  return { classes, tensors };
}

/** Penultimate-layer features [n, FEATURE_DIM] and class probabilities [n, classes] of images [n, 784]. */
export function convApply(w: ConvWeights, x: Float32Array, n: number, batch = 500): { features: Float32Array; probs: Float32Array } {
  const features = new Float32Array(n * FEATURE_DIM);
  const probs = new Float32Array(n * w.classes);
  tf.tidy(() => {
    const v = Object.fromEntries(Object.entries(w.tensors).map(([k, t]) => [k, tf.tensor(t.values, t.shape)]));
    for (let s = 0; s < n; s += batch) {
      const m = Math.min(n, s + batch) - s;
      tf.tidy(() => {
        const out = forward(v, images(x.subarray(s * 784, (s + m) * 784), m));
        features.set(out.features.dataSync() as Float32Array, s * FEATURE_DIM);
        probs.set(tf.softmax(out.logits).dataSync() as Float32Array, s * w.classes);
      });
    }
  });
  return { features, probs };
}

/** Share of images whose most likely class is the label. */
export function convAccuracy(w: ConvWeights, x: Float32Array, n: number, labels: ArrayLike<number>): number {
  const { probs } = convApply(w, x, n);
  let ok = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < w.classes; c++) if (probs[i * w.classes + c]! > probs[i * w.classes + best]!) best = c;
    if (best === labels[i]) ok++;
  }
  return ok / n;
}
