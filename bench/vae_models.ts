// The naive baseline of the step benchmark: the VAEs of ../shared/reference/torch_vae.py written
// with stock tfjs ops, tfjs autodiff and tf.train.adam, as one would without runtime/ops (no fused
// likelihood/KL, no wasm-shaped dense backward, no fused Adam). The real models are compiled from
// specs (bench/specs.ts) and run by the IR interpreter; this is only the "naive tfjs" row.
import * as tf from "@tensorflow/tfjs";
import type { Arch } from "./specs";

export interface NaiveConfig {
  arch: Arch;
  batch: number;
  latent: number;
  seed: number;
}

export interface NaiveVae {
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
    return tf.variable(tf.randomUniform(shape, -b, b, "float32", s++), true, `naive_${name}_${s}`);
  };
}

const lin = (x: tf.Tensor2D, w: P, b: P, relu: boolean): tf.Tensor2D => {
  const z = tf.add(tf.matMul(x, w as tf.Tensor2D), b) as tf.Tensor2D;
  return relu ? tf.relu(z) : z;
};

function mlpModel(cfg: NaiveConfig, init: ReturnType<typeof makeInit>) {
  const L = cfg.latent;
  const layer = (i: number, o: number, n: string) => [init([i, o], i, n + "_w"), init([o], i, n + "_b")] as const;
  const enc = [layer(784, 512, "e1"), layer(512, 256, "e2"), layer(256, 2 * L, "e3")];
  const dec = [layer(L, 256, "d1"), layer(256, 512, "d2"), layer(512, 784, "d3")];
  const run = (x: tf.Tensor2D, ls: (readonly [P, P])[]) => ls.reduce((h, [w, b], i) => lin(h, w, b, i < ls.length - 1), x);
  return {
    params: [...enc, ...dec].flat(),
    encode: (x: tf.Tensor) => run(tf.reshape(x, [cfg.batch, 784]), enc),
    decode: (z: tf.Tensor2D) => tf.reshape(run(z, dec), [cfg.batch, 28, 28, 1]),
  };
}

function convModel(cfg: NaiveConfig, init: ReturnType<typeof makeInit>) {
  const L = cfg.latent;
  const convP = (cin: number, cout: number, k: number, n: string, transposed = false) => ({
    w: init(transposed ? [k, k, cout, cin] : [k, k, cin, cout], cin * k * k, n + "_w"),
    b: init([cout], cin * k * k, n + "_b"),
  });
  const bnP = (c: number, n: string) => ({ g: tf.variable(tf.ones([c]), true, `naive_${n}_gamma`), b: tf.variable(tf.zeros([c]), true, `naive_${n}_beta`) });
  const e = [convP(1, 32, 4, "ec1"), convP(32, 64, 4, "ec2"), convP(64, 128, 4, "ec3")];
  const ebn = [bnP(32, "ebn1"), bnP(64, "ebn2"), bnP(128, "ebn3")];
  const eOut = { w: init([128 * 16, 2 * L], 128 * 16, "eo_w"), b: init([2 * L], 128 * 16, "eo_b") };
  const dIn = { w: init([L, 7 * 7 * 128], L, "di_w"), b: init([7 * 7 * 128], L, "di_b") };
  const d = [convP(128, 64, 4, "dc1", true), convP(64, 32, 4, "dc2", true), convP(32, 1, 4, "dc3", true)];
  const dbn = [bnP(128, "dbn1"), bnP(64, "dbn2"), bnP(32, "dbn3")];
  const bn = (x: tf.Tensor, p: { g: P; b: P }): tf.Tensor => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return tf.batchNorm(x, mean, variance, p.b as tf.Tensor1D, p.g as tf.Tensor1D, 1e-5);
  };
  const cvT = (x: tf.Tensor4D, p: { w: P; b: P }, hw: number, s: number) => {
    const w = p.w as tf.Tensor4D;
    return tf.add(tf.conv2dTranspose(x, w, [cfg.batch, hw, hw, w.shape[2]], s, "same"), p.b) as tf.Tensor4D;
  };
  return {
    params: [...e.flatMap((p) => [p.w, p.b]), ...ebn.flatMap((p) => [p.g, p.b]), eOut.w, eOut.b, dIn.w, dIn.b,
      ...d.flatMap((p) => [p.w, p.b]), ...dbn.flatMap((p) => [p.g, p.b])],
    encode: (x: tf.Tensor) => {
      let h = x as tf.Tensor4D;
      e.forEach((p, i) => {
        h = tf.leakyRelu(bn(tf.add(tf.conv2d(h, p.w as tf.Tensor4D, 2, "same"), p.b), ebn[i]!), 0.2) as tf.Tensor4D;
      });
      return lin(tf.reshape(h, [cfg.batch, 128 * 16]), eOut.w, eOut.b, false);
    },
    decode: (z: tf.Tensor2D) => {
      let h = tf.reshape(lin(z, dIn.w, dIn.b, true), [cfg.batch, 7, 7, 128]) as tf.Tensor4D;
      h = cvT(tf.relu(bn(h, dbn[0]!)) as tf.Tensor4D, d[0]!, 14, 2);
      h = cvT(tf.relu(bn(h, dbn[1]!)) as tf.Tensor4D, d[1]!, 28, 2);
      return cvT(tf.relu(bn(h, dbn[2]!)) as tf.Tensor4D, d[2]!, 28, 1);
    },
  };
}

export function buildNaiveVae(cfg: NaiveConfig): NaiveVae {
  const init = makeInit(cfg.seed * 1000 + 1);
  const model = cfg.arch === "mlp" ? mlpModel(cfg, init) : convModel(cfg, init);
  const { params } = model;
  const B = cfg.batch, L = cfg.latent;
  // Random binary "images", fixed for the run (like the reference).
  const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([B, 28, 28, 1], 0, 1, "float32", cfg.seed + 7), 0.5), "float32"));
  let noiseSeed = cfg.seed * 1_000_003 + 11; // never 0: tfjs treats seed 0 as unseeded

  const loss = (): tf.Scalar => {
    const h = model.encode(x);
    const mu = tf.slice(h, [0, 0], [B, L]);
    const logvar = tf.slice(h, [0, L], [B, L]);
    const eps = tf.randomNormal([B, L], 0, 1, "float32", noiseSeed++);
    const y = tf.add(mu, tf.mul(eps, tf.exp(tf.mul(logvar, 0.5)))) as tf.Tensor2D;
    const logits = model.decode(y); // identity mapping: z = y
    const bce = tf.sub(tf.add(tf.relu(logits), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))), tf.mul(logits, x));
    const kl = tf.mul(tf.sum(tf.sub(tf.add(tf.square(mu), tf.exp(logvar)), tf.add(logvar, 1)), 1), 0.5);
    return tf.add(tf.div(tf.sum(bce), B), tf.mean(kl));
  };

  const adam = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  return {
    step() {
      const l = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(loss, params);
        adam.applyGradients(grads as Parameters<typeof adam.applyGradients>[0]);
        return value;
      });
      const v = l.dataSync()[0]!;
      l.dispose();
      return v;
    },
    dispose() {
      tf.dispose([x, ...params]);
      adam.dispose();
    },
  };
}
