// Gradients that went through tf.gather fail on wasm ("Kernel 'UnsortedSegmentSum' not registered"):
// the grouped TC term, the permute flow layer and the mapping's indexing. Each must differentiate on
// wasm and agree with cpu.
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { Permute } from "../../runtime/flows/permute";
import { aggregateTerms } from "../../runtime/objectives/aggregate";
import { gatherAxis } from "../../runtime/ops/gather";
import { use } from "./helpers";

const Y = [[0.3, -1.2, 0.5, 2], [1.1, 0.4, -0.7, 0.2], [-0.5, 0.9, 1.3, -1.4]];
const MEAN = [[0.2, -1, 0.4, 1.8], [1, 0.5, -0.5, 0.1], [-0.4, 1, 1.1, -1.2]];
const LOGVAR = [[-0.5, 0.1, 0.2, -0.3], [0, -0.2, 0.3, 0.1], [0.2, 0.1, -0.4, 0]];

function grads(): number[][][] {
  return tf.tidy(() => {
    const y = tf.tensor2d(Y);
    const tcGrad = tf.grad((t: tf.Tensor) => aggregateTerms(t as tf.Tensor2D, tf.tensor2d(MEAN), tf.tensor2d(LOGVAR), { datasetSize: 100, sampling: "mws", groups: [[0, 2], [1, 3]] }).tcGroups!)(y);
    const p = new Permute({ kind: "permute", order: "random", seed: 5 }, 4);
    const permGrad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(p.normalize(t as tf.Tensor2D).u, tf.tensor1d([1, 2, 3, 4]))))(y);
    p.dispose();
    const gatherGrad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gatherAxis(t, 1, [3, 0, 1, -1]), tf.tensor1d([1, 2, 3, 4]))))(y);
    return [tcGrad, permGrad, gatherGrad].map((g) => g.arraySync() as number[][]);
  });
}

describe("gather-free gradients on wasm", () => {
  afterAll(() => use("cpu"));
  it("the grouped TC, the permute layer and gatherAxis differentiate on wasm as on cpu", async () => {
    await use("wasm");
    const wasm = grads();
    await use("cpu");
    const cpu = grads();
    for (let k = 0; k < 3; k++) {
      wasm[k]!.flat().forEach((v, i) => expect(Math.abs(v - cpu[k]!.flat()[i]!)).toBeLessThan(1e-5));
      expect(cpu[k]!.flat().some((v) => v !== 0)).toBe(true);
    }
    // gatherAxis([3, 0, 1, -1]) weights 1..4: column 3 gets 1 + 4, column 0 gets 2, column 1 gets 3, column 2 nothing
    expect(cpu[2]![0]).toEqual([2, 3, 0, 5]);
  });
});
