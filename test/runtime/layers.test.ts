import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { bernoulliLogLik, gaussianKlStdNormal, softplus } from "../../runtime/ops/losses";
import { batchNormTrain } from "../../runtime/ops/norm";
import { addBias, channelSum, leakyRelu } from "../../runtime/ops/channel";
import { finiteDiff, gradsOf, maxAbsDiff, relErr, seeded, use, values } from "./helpers";

const binary = (shape: number[], seed: number) => tf.cast(tf.greater(tf.randomUniform(shape, 0, 1, "float32", seed), 0.5), "float32");

// The textbook forms the fused ops replace, differentiated by tfjs.
const naiveLogLik = (l: tf.Tensor, x: tf.Tensor) => tf.neg(tf.sum(tf.reshape(tf.sub(tf.softplus(l), tf.mul(x, l)), [l.shape[0]!, -1]), 1));
const naiveKl = (mu: tf.Tensor, lv: tf.Tensor) => tf.mul(tf.sum(tf.sub(tf.add(tf.square(mu), tf.exp(lv)), tf.add(lv, 1)), 1), 0.5);
const naiveBn = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
  const { mean, variance } = tf.moments(x, [...Array(x.rank - 1).keys()]);
  return tf.batchNorm(x, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, 1e-5);
};

describe("likelihood, KL and batch norm on cpu", () => {
  beforeAll(() => use("cpu"));

  it("softplus is stable and agrees with tf.softplus", () => {
    const l = tf.tensor1d([-100, -20, -1, -1e-3, 0, 1e-3, 1, 20, 100]);
    const got = values(softplus(l));
    expect(maxAbsDiff(got, values(tf.softplus(l)))).toBeLessThan(2e-6);
    expect(got[8]).toBe(100);
    expect(got[0]).toBeGreaterThanOrEqual(0);
  });

  it("Bernoulli log-likelihood: values and gradient match the naive form and finite differences", () => {
    const l = seeded([4, 3, 3, 1], 1, 3);
    const x = binary([4, 3, 3, 1], 2);
    expect(maxAbsDiff(values(bernoulliLogLik(l, x)), values(naiveLogLik(l, x)))).toBeLessThan(1e-5);
    const w = seeded([4], 3);
    const f = (ll: tf.Tensor) => tf.sum(tf.mul(bernoulliLogLik(ll, x), w));
    const [g] = gradsOf(f, [l]);
    expect(maxAbsDiff(g!, gradsOf((ll) => tf.sum(tf.mul(naiveLogLik(ll, x), w)), [l])[0]!)).toBeLessThan(1e-5);
    expect(maxAbsDiff(g!, finiteDiff(f, [l], 0, 1e-2))).toBeLessThan(5e-3);
    // Non-binary targets in [0, 1] are exact too.
    const xs = tf.randomUniform([4, 3, 3, 1], 0, 1, "float32", 4);
    expect(maxAbsDiff(values(bernoulliLogLik(l, xs)), values(naiveLogLik(l, xs)))).toBeLessThan(1e-5);
    expect(() => bernoulliLogLik(l, seeded([4, 9], 5))).toThrow(/differ/);
  });

  it("analytic KL: values and gradients match the naive form and finite differences", () => {
    const mu = seeded([5, 3], 6);
    const lv = seeded([5, 3], 7, 0.5);
    expect(maxAbsDiff(values(gaussianKlStdNormal(mu as tf.Tensor2D, lv as tf.Tensor2D)), values(naiveKl(mu, lv)))).toBeLessThan(1e-5);
    const w = seeded([5], 8);
    const f = (m: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(gaussianKlStdNormal(m as tf.Tensor2D, v as tf.Tensor2D), w));
    const g = gradsOf(f, [mu, lv]);
    const ref = gradsOf((m, v) => tf.sum(tf.mul(naiveKl(m, v), w)), [mu, lv]);
    for (let i = 0; i < 2; i++) {
      expect(maxAbsDiff(g[i]!, ref[i]!)).toBeLessThan(1e-5);
      expect(maxAbsDiff(g[i]!, finiteDiff(f, [mu, lv], i, 1e-2))).toBeLessThan(5e-3);
    }
  });

  it("batch norm (training): output, statistics and gradients match tf.moments + tf.batchNorm", () => {
    const x = seeded([4, 3, 3, 5], 9, 2);
    const gamma = seeded([5], 10);
    const beta = seeded([5], 11);
    const r = seeded([4, 3, 3, 5], 12);
    const res = batchNormTrain(x, gamma as tf.Tensor1D, beta as tf.Tensor1D);
    expect(maxAbsDiff(values(res.y), values(naiveBn(x, gamma, beta)))).toBeLessThan(1e-5);
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    expect(maxAbsDiff(values(res.mean), values(mean))).toBeLessThan(1e-6);
    expect(maxAbsDiff(values(res.variance), values(variance))).toBeLessThan(1e-5);
    const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(batchNormTrain(a, g as tf.Tensor1D, b as tf.Tensor1D).y, r));
    const got = gradsOf(f, [x, gamma, beta]);
    const ref = gradsOf((a, g, b) => tf.sum(tf.mul(naiveBn(a, g, b), r)), [x, gamma, beta]);
    for (let i = 0; i < 3; i++) expect(relErr(got[i]!, ref[i]!)).toBeLessThan(1e-5);
    expect(maxAbsDiff(got[0]!, finiteDiff(f, [x, gamma, beta], 0, 1e-2))).toBeLessThan(1e-2);
    // 2-D input ([N, C]) normalises over the batch.
    const x2 = seeded([8, 5], 13);
    expect(maxAbsDiff(values(batchNormTrain(x2, gamma as tf.Tensor1D, beta as tf.Tensor1D).y), values(naiveBn(x2, gamma, beta)))).toBeLessThan(1e-5);
  });

  it("batch norm leaks no tensors", () => {
    const x = seeded([4, 2, 2, 3], 14);
    const g = tf.ones([3]) as tf.Tensor1D;
    const b = tf.zeros([3]) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.grads((a: tf.Tensor) => tf.sum(batchNormTrain(a, g, b).y))([x]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("channel helpers on cpu", () => {
  beforeAll(() => use("cpu"));

  it("addBias and leakyRelu: values and gradients match tfjs's ops", () => {
    const x = seeded([3, 4, 4, 5], 31);
    const b = seeded([5], 32);
    const r = seeded([3, 4, 4, 5], 33);
    const f = (mine: boolean) => (a: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(mine ? leakyRelu(addBias(a, bb as tf.Tensor1D), 0.2) : tf.leakyRelu(tf.add(a, bb), 0.2), r));
    expect(maxAbsDiff(values(f(true)(x, b)), values(f(false)(x, b)))).toBeLessThan(1e-4);
    const [got, ref] = [gradsOf(f(true), [x, b]), gradsOf(f(false), [x, b])];
    for (let i = 0; i < 2; i++) expect(maxAbsDiff(got[i]!, ref[i]!)).toBeLessThan(1e-5);
    expect(() => addBias(x, seeded([4], 34) as tf.Tensor1D)).toThrow(/does not match/);
  });
});

describe("layers on wasm", () => {
  it("channelSum agrees with tf.sum", async () => {
    await use("cpu");
    const ref = Float32Array.from(values(tf.sum(seeded([8, 6, 5, 7], 41), [0, 1, 2])));
    await use("wasm");
    expect(relErr(values(channelSum(seeded([8, 6, 5, 7], 41))), ref)).toBeLessThan(1e-5);
  });

  it("agree with the cpu values and gradients", async () => {
    const run = () => {
      const l = seeded([6, 28, 28, 1], 21, 3);
      const x = binary([6, 28, 28, 1], 22);
      const mu = seeded([6, 4], 23);
      const lv = seeded([6, 4], 24, 0.5);
      const bx = seeded([6, 5, 5, 8], 25);
      const br = seeded([6, 5, 5, 8], 26);
      const f = (ll: tf.Tensor, m: tf.Tensor, v: tf.Tensor, a: tf.Tensor) =>
        tf.add(tf.sum(tf.sub(gaussianKlStdNormal(m as tf.Tensor2D, v as tf.Tensor2D), bernoulliLogLik(ll, x))),
          tf.sum(tf.mul(leakyRelu(addBias(batchNormTrain(a, tf.ones([8]) as tf.Tensor1D, tf.zeros([8]) as tf.Tensor1D).y, tf.ones([8]) as tf.Tensor1D)), br)));
      return [Float32Array.from(values(f(l, mu, lv, bx))), ...gradsOf(f, [l, mu, lv, bx])];
    };
    await use("cpu");
    const ref = run();
    await use("wasm");
    const got = run();
    got.forEach((v, i) => expect(relErr(v, ref[i]!), `output ${i}`).toBeLessThan(2e-5));
  });
});
