// Layer shape rules against what tfjs computes (cpu backend), and their symbolic forms.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { LAYERS } from "../../compiler/builtins/layers";
import { showDim, Subst } from "../../compiler/types/dims";
import { convOutput, convTransposeOutput, layerOutput, layerShape } from "../../compiler/types/layers";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const sizes = [1, 4, 5, 7, 8, 14, 28];
const kernels = [1, 2, 3, 4, 5];
const strides = [1, 2, 3];

describe("convolution sizes match tfjs", () => {
  it("conv2d, 'same' and 'valid'", () => {
    for (const n of sizes)
      for (const k of kernels)
        for (const s of strides)
          for (const padding of ["same", "valid"] as const) {
            if (padding === "valid" && k > n) continue;
            const out = tf.tidy(() => tf.conv2d(tf.zeros([1, n, n, 1]) as tf.Tensor4D, tf.zeros([k, k, 1, 2]) as tf.Tensor4D, s, padding).shape);
            expect(layerShape("conv2d", [n, n, 1], { filters: 2, kernel: k, stride: s, padding }), `${n} k${k} s${s} ${padding}`).toEqual(out.slice(1));
          }
  });

  it("conv2d_transpose: tfjs accepts our output size and maps it back to the input", () => {
    for (const n of [1, 3, 7, 14])
      for (const k of [1, 2, 3, 4, 5])
        for (const s of [1, 2])
          for (const padding of ["same", "valid"] as const) {
            const [h, w, c] = layerShape("conv2d_transpose", [n, n, 3], { filters: 2, kernel: k, stride: s, padding });
            const y = tf.tidy(() =>
              tf.conv2dTranspose(tf.zeros([1, n, n, 3]) as tf.Tensor4D, tf.zeros([k, k, 2, 3]) as tf.Tensor4D, [1, h!, w!, c!], s, padding).shape,
            );
            expect(y.slice(1)).toEqual([h, w, c]);
          }
  });

  it("conv2d_transpose agrees with tf.layers' Conv2DTranspose whenever kernel ≥ stride", () => {
    for (const n of [3, 7])
      for (const k of [2, 3, 4])
        for (const s of [1, 2])
          for (const padding of ["same", "valid"] as const) {
            const layer = tf.layers.conv2dTranspose({ filters: 4, kernelSize: k, strides: s, padding });
            const shape = layer.computeOutputShape([null, n, n, 1]) as (number | null)[];
            expect(layerShape("conv2d_transpose", [n, n, 1], { filters: 4, kernel: k, stride: s, padding })).toEqual(shape.slice(1));
          }
  });

  it("max_pool2d matches tf.maxPool", () => {
    for (const n of [4, 5, 7, 28])
      for (const size of [2, 3])
        for (const padding of ["same", "valid"] as const) {
          const out = tf.tidy(() => tf.maxPool(tf.zeros([1, n, n, 2]) as tf.Tensor4D, size, size, padding).shape);
          expect(layerShape("max_pool2d", [n, n, 2], { size, stride: null, padding })).toEqual(out.slice(1));
        }
  });
});

describe("layer rules", () => {
  it("dense: Real[N] → Real[units]; an image needs flatten first", () => {
    expect(layerShape("dense", [784], { units: 512 })).toEqual([512]);
    const r = layerOutput(new Subst(), "dense", [7, 7, 64], { units: 10 });
    expect(r).toMatchObject({ ok: false, hint: "add `flatten` before it" });
  });

  it("flatten, reshape (with -1), identity layers", () => {
    expect(layerShape("flatten", [4, 4, 128], {})).toEqual([2048]);
    expect(layerShape("flatten", [10], {})).toEqual([10]);
    expect(layerShape("reshape", [6272], { d0: 7, d1: 7, d2: 128 })).toEqual([7, 7, 128]);
    expect(layerShape("reshape", [784], { d0: -1, d1: 28, d2: 1 })).toEqual([28, 28, 1]);
    expect(() => layerShape("reshape", [100], { d0: 7, d1: 7, d2: 2 })).toThrow(/100 values/);
    for (const name of ["batch_norm", "layer_norm", "dropout", "relu", "leaky_relu", "sigmoid", "tanh", "softplus", "elu", "softmax"]) {
      expect(layerShape(name, [14, 14, 32], {})).toEqual([14, 14, 32]);
    }
    expect(layerShape("upsample2d", [7, 7, 3], { factor: 2 })).toEqual([14, 14, 3]);
  });

  it("works on symbols: the paper's encoder maps Real[H, W, C] to ⌈H / 2⌉", () => {
    const s = new Subst();
    const h = s.fresh("H", true);
    const w = s.fresh("W", true);
    const r = layerOutput(s, "conv2d", [h, w, 1], { filters: 32, kernel: 4, stride: 2, padding: "same" });
    expect(r.ok && r.out.map((d) => showDim(d))).toEqual(["⌈H / 2⌉", "⌈W / 2⌉", "32"]);
    expect(showDim(convOutput(h, 5, 1, "valid"))).toBe("H - 5 + 1");
    expect(showDim(convTransposeOutput(h, 4, 2, "same"))).toBe("H * 2");
  });

  it("a 'valid' kernel larger than the image is an error", () => {
    expect(layerOutput(new Subst(), "conv2d", [4, 4, 1], { filters: 1, kernel: 5, stride: 1, padding: "valid" }).ok).toBe(false);
  });

  it("every builtin layer's shape rule answers for an image and a vector (its descriptor's, not a fallback)", () => {
    for (const l of LAYERS) {
      const args = Object.fromEntries(l.params.map((p) => [p.name, p.default === undefined ? 2 : (p.default as number | string | boolean | null)]));
      if (l.name === "reshape") Object.assign(args, { d0: -1, d1: null });
      for (const input of [[8, 8, 4], [16]]) {
        const r = layerOutput(new Subst(), l.name, input, args);
        if (r.ok) expect(r.out.every((d) => typeof d === "number"), `${l.name} on [${input}]`).toBe(true);
        else expect(r.message, `${l.name} on [${input}]`).toMatch(new RegExp(l.name));
      }
    }
  });
});
