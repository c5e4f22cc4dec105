// The two VAEs of ../shared/reference/torch_vae.py, written directly against tfjs for the step
// benchmark. A stand-in until the IR interpreter can build them from a spec.
//
// "fast" uses runtime/ops (dense, conv, batch norm, fused likelihood/KL, fused Adam);
// "tfjs" uses stock tfjs ops, autodiff and tf.train.adam (the baseline those ops replace).
import * as tf from "@tensorflow/tfjs";
import { Adam } from "../runtime/ops/adam";
import { addBias, leakyRelu } from "../runtime/ops/channel";
import { conv2d, conv2dTranspose } from "../runtime/ops/conv";
import { dense } from "../runtime/ops/dense";
import { bernoulliLogLik, gaussianKlStdNormal } from "../runtime/ops/losses";
import { batchNormTrain } from "../runtime/ops/norm";

export type Arch = "mlp" | "conv";
export type Impl = "fast" | "tfjs";

export interface VaeConfig {
  arch: Arch;
  impl: Impl;
  batch: number;
  latent: number;
  seed: number;
}

export interface VaeBench {
  params: tf.Variable[];
  /** One optimisation step on the fixed batch; returns the loss. */
  step(): number;
  dispose(): void;
}

type P = tf.Variable;

/** PyTorch's default init for Linear/Conv: U(±1/√fan_in) for weights and biases. */
function makeInit(seedBase: number) {
  let s = seedBase;
  return (shape: number[], fanIn: number, name: string): P => {
    const b = 1 / Math.sqrt(fanIn);
    return tf.variable(tf.randomUniform(shape, -b, b, "float32", s++), true, `${name}_${s}`);
  };
}

function mlpModel(cfg: VaeConfig, init: ReturnType<typeof makeInit>) {
  const L = cfg.latent;
  const layer = (i: number, o: number, n: string) => [init([i, o], i, n + "_w"), init([o], i, n + "_b")] as const;
  const enc = [layer(784, 512, "e1"), layer(512, 256, "e2"), layer(256, 2 * L, "e3")];
  const dec = [layer(L, 256, "d1"), layer(256, 512, "d2"), layer(512, 784, "d3")];
  const fast = cfg.impl === "fast";
  const lin = (x: tf.Tensor2D, [w, b]: readonly [P, P], relu: boolean, inputGrad = true): tf.Tensor2D => {
    if (fast) return dense(x, w as tf.Variable<tf.Rank.R2>, b as tf.Variable<tf.Rank.R1>, { activation: relu ? "relu" : "linear", inputGrad });
    const z = tf.add(tf.matMul(x, w as tf.Tensor2D), b) as tf.Tensor2D;
    return relu ? tf.relu(z) : z;
  };
  return {
    params: [...enc, ...dec].flat(),
    encode: (x: tf.Tensor) => {
      const h = lin(lin(tf.reshape(x, [cfg.batch, 784]), enc[0]!, true, false), enc[1]!, true);
      return lin(h, enc[2]!, false);
    },
    decode: (z: tf.Tensor2D) => tf.reshape(lin(lin(lin(z, dec[0]!, true), dec[1]!, true), dec[2]!, false), [cfg.batch, 28, 28, 1]),
  };
}

function convModel(cfg: VaeConfig, init: ReturnType<typeof makeInit>) {
  const L = cfg.latent;
  const fast = cfg.impl === "fast";
  const convP = (cin: number, cout: number, k: number, n: string, transposed = false) => ({
    w: init(transposed ? [k, k, cout, cin] : [k, k, cin, cout], cin * k * k, n + "_w"),
    b: init([cout], cin * k * k, n + "_b"),
  });
  const bnP = (c: number, n: string) => ({
    g: tf.variable(tf.ones([c]), true, `${n}_gamma`),
    b: tf.variable(tf.zeros([c]), true, `${n}_beta`),
  });
  const e = [convP(1, 32, 4, "ec1"), convP(32, 64, 4, "ec2"), convP(64, 128, 4, "ec3")];
  const ebn = [bnP(32, "ebn1"), bnP(64, "ebn2"), bnP(128, "ebn3")];
  const eOut = { w: init([128 * 9, 2 * L], 128 * 9, "eo_w"), b: init([2 * L], 128 * 9, "eo_b") };
  const dIn = { w: init([L, 7 * 7 * 128], L, "di_w"), b: init([7 * 7 * 128], L, "di_b") };
  const d = [convP(128, 64, 4, "dc1", true), convP(64, 32, 4, "dc2", true), convP(32, 1, 3, "dc3")];
  const dbn = [bnP(128, "dbn1"), bnP(64, "dbn2"), bnP(32, "dbn3")];

  const bn = (x: tf.Tensor, p: { g: P; b: P }): tf.Tensor => {
    if (fast) {
      const r = batchNormTrain(x, p.g as tf.Variable<tf.Rank.R1>, p.b as tf.Variable<tf.Rank.R1>);
      r.mean.dispose();
      r.variance.dispose();
      return r.y;
    }
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return tf.batchNorm(x, mean, variance, p.b as tf.Tensor1D, p.g as tf.Tensor1D, 1e-5);
  };
  const bias = (y: tf.Tensor, b: P) => (fast ? addBias(y, b as tf.Variable<tf.Rank.R1>) : tf.add(y, b)) as tf.Tensor4D;
  const cv = (x: tf.Tensor4D, p: { w: P; b: P }, s: number, pad: number) =>
    bias(fast ? conv2d(x, p.w as tf.Variable<tf.Rank.R4>, s, pad) : tf.conv2d(x, p.w as tf.Tensor4D, s, pad), p.b);
  const cvT = (x: tf.Tensor4D, p: { w: P; b: P }, hw: number) => {
    const w = p.w as tf.Variable<tf.Rank.R4>;
    return bias(fast ? conv2dTranspose(x, w, [hw, hw], 2, 1) : tf.conv2dTranspose(x, w, [cfg.batch, hw, hw, w.shape[2]], 2, 1), p.b);
  };
  const lrelu = (x: tf.Tensor) => (fast ? leakyRelu(x, 0.2) : tf.leakyRelu(x, 0.2)) as tf.Tensor4D;
  const lin = (x: tf.Tensor2D, p: { w: P; b: P }, relu: boolean) => {
    if (fast) return dense(x, p.w as tf.Variable<tf.Rank.R2>, p.b as tf.Variable<tf.Rank.R1>, { activation: relu ? "relu" : "linear" });
    const z = tf.add(tf.matMul(x, p.w as tf.Tensor2D), p.b) as tf.Tensor2D;
    return relu ? tf.relu(z) : z;
  };
  return {
    params: [...e.flatMap((p) => [p.w, p.b]), ...ebn.flatMap((p) => [p.g, p.b]), eOut.w, eOut.b, dIn.w, dIn.b,
      ...d.flatMap((p) => [p.w, p.b]), ...dbn.flatMap((p) => [p.g, p.b])],
    encode: (x: tf.Tensor) => {
      let h = x as tf.Tensor4D;
      e.forEach((p, i) => { h = lrelu(bn(cv(h, p, 2, 1), ebn[i]!)); });
      return lin(tf.reshape(h, [cfg.batch, 128 * 9]), eOut, false);
    },
    decode: (z: tf.Tensor2D) => {
      let h = tf.reshape(lin(z, dIn, true), [cfg.batch, 7, 7, 128]) as tf.Tensor4D;
      h = cvT(tf.relu(bn(h, dbn[0]!)) as tf.Tensor4D, d[0]!, 14);
      h = cvT(tf.relu(bn(h, dbn[1]!)) as tf.Tensor4D, d[1]!, 28);
      return cv(tf.relu(bn(h, dbn[2]!)) as tf.Tensor4D, d[2]!, 1, 1);
    },
  };
}

export function buildVae(cfg: VaeConfig): VaeBench {
  const init = makeInit(cfg.seed * 1000 + 1);
  const model = cfg.arch === "mlp" ? mlpModel(cfg, init) : convModel(cfg, init);
  const { params } = model;
  const B = cfg.batch, L = cfg.latent;
  // Random binary "images", fixed for the run (like the reference).
  const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([B, 28, 28, 1], 0, 1, "float32", cfg.seed + 7), 0.5), "float32"));
  let noiseSeed = cfg.seed * 1_000_003 + 11; // never 0: tfjs treats seed 0 as unseeded
  const fast = cfg.impl === "fast";

  const loss = (): tf.Scalar => {
    const h = model.encode(x);
    const mu = tf.slice(h, [0, 0], [B, L]);
    const logvar = tf.slice(h, [0, L], [B, L]);
    const eps = tf.randomNormal([B, L], 0, 1, "float32", noiseSeed++);
    const y = tf.add(mu, tf.mul(eps, tf.exp(tf.mul(logvar, 0.5)))) as tf.Tensor2D;
    const logits = model.decode(y); // identity mapping: z = y
    if (fast) return tf.mean(tf.sub(gaussianKlStdNormal(mu, logvar), bernoulliLogLik(logits, x)));
    const bce = tf.sub(tf.add(tf.relu(logits), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))), tf.mul(logits, x));
    const kl = tf.mul(tf.sum(tf.sub(tf.add(tf.square(mu), tf.exp(logvar)), tf.add(logvar, 1)), 1), 0.5);
    return tf.add(tf.div(tf.sum(bce), B), tf.mean(kl));
  };

  const adam = new Adam({ lr: 1e-3 });
  const tfAdam = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  return {
    params,
    step() {
      const l = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(loss, params);
        if (fast) adam.apply(params, grads);
        else tfAdam.applyGradients(grads as Parameters<typeof tfAdam.applyGradients>[0]);
        return value;
      });
      const v = l.dataSync()[0]!;
      l.dispose();
      return v;
    },
    dispose() {
      tf.dispose([x, ...params]);
      adam.dispose();
      tfAdam.dispose();
    },
  };
}
