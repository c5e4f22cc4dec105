import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { conv2d, conv2dTranspose, convGeometry, type ConvImpl, type ConvPad } from "../../runtime/ops/conv";
import { finiteDiff, gradsOf, maxAbsDiff, readout, relErr, seeded, use, values } from "./helpers";

type T4 = tf.Tensor4D;
// [input NHWC, kernel, stride, padding, output channels]
const CASES: [number[], number, number, ConvPad, number][] = [
  [[2, 12, 12, 1], 4, 2, "same", 3], // the conv VAE's encoder layer, small
  [[2, 7, 7, 4], 4, 2, 1, 5], // 7 → 3 with PyTorch padding 1
  [[2, 7, 7, 4], 4, 2, "same", 5], // 7 → 4, odd padding goes bottom/right
  [[2, 9, 8, 3], 3, 1, "same", 2],
  [[2, 9, 8, 3], 3, 2, "valid", 2],
  [[1, 5, 6, 2], 1, 2, "same", 3], // kernel smaller than stride
  [[1, 6, 6, 2], 5, 3, "same", 2],
  [[1, 6, 7, 2], 2, 2, "valid", 3],
  [[1, 8, 8, 2], 4, 2, 3, 2], // padding ≥ k − s: some phases start past dy's first row
  [[1, 7, 9, 2], 4, 3, 2, 2], // sizes not multiples of the stride
];

function convCase(i: number, [xs, k, s, pad, f]: (typeof CASES)[number]) {
  const x = seeded(xs, 100 + i) as T4;
  const w = seeded([k, k, xs[3]!, f], 200 + i, 0.3) as T4;
  const fwd = (impl: ConvImpl) => (a: tf.Tensor, b: tf.Tensor) => conv2d(a as T4, b as T4, s, pad, { impl });
  const y = fwd("tfjs")(x, w);
  return { x, w, r: seeded(y.shape, 300 + i), fwd, s, pad, hw: [xs[1]!, xs[2]!] as [number, number] };
}

// conv2dTranspose maps the conv's output shape back to its input shape.
function convTCase(i: number, c: (typeof CASES)[number]) {
  const { x, w, s, pad, hw, fwd } = convCase(i, c);
  const xt = seeded(fwd("tfjs")(x, w).shape, 400 + i) as T4;
  const fwdT = (impl: ConvImpl) => (a: tf.Tensor, b: tf.Tensor) => conv2dTranspose(a as T4, b as T4, hw, s, pad, { impl });
  return { xt, w, r: seeded(x.shape, 500 + i), fwdT };
}

describe("conv geometry", () => {
  beforeAll(() => use("cpu"));
  it("matches tfjs's computeConv2DInfo", () => {
    for (const inH of [5, 6, 7, 14, 28]) {
      for (const k of [1, 2, 3, 4, 5]) {
        for (const s of [1, 2, 3]) {
          for (const pad of ["same", "valid", 0, 1, 2] as ConvPad[]) {
            if (k > inH + 2 * (typeof pad === "number" ? pad : 0) && pad !== "same") continue;
            const ref = tf.backend_util.computeConv2DInfo([1, inH, inH + 1, 1], [k, k, 1, 1], s, 1, pad);
            const g = convGeometry(inH, inH + 1, k, k, s, pad);
            expect([g.outH, g.outW, g.top, g.bottom, g.left, g.right]).toEqual([
              ref.outHeight, ref.outWidth, ref.padInfo.top, ref.padInfo.bottom, ref.padInfo.left, ref.padInfo.right,
            ]);
          }
        }
      }
    }
  });

  it("explains impossible shapes and channel mismatches", () => {
    expect(() => convGeometry(2, 2, 5, 5, 1, "valid")).toThrow(/no output/);
    expect(() => convGeometry(4, 4, 3, 3, 1, -1)).toThrow(/padding/);
    expect(() => conv2d(seeded([1, 5, 5, 2], 1) as T4, seeded([3, 3, 3, 4], 2) as T4, 1, "same")).toThrow(/do not match/);
    expect(() => conv2dTranspose(seeded([1, 3, 3, 4], 1) as T4, seeded([4, 4, 2, 4], 2) as T4, [9, 9], 2, 1)).toThrow(/does not convolve back/);
  });
});

describe("conv ops on cpu", () => {
  beforeAll(() => use("cpu"));

  it("conv2d: forward and gradients equal tf.conv2d and its gradients", () => {
    CASES.forEach((c, i) => {
      const { x, w, r, fwd } = convCase(i, c);
      expect(maxAbsDiff(values(fwd("custom")(x, w)), values(fwd("tfjs")(x, w)))).toBeLessThan(1e-5);
      const loss = (impl: ConvImpl) => (a: tf.Tensor, b: tf.Tensor) => readout(fwd(impl)(a, b), r);
      const [ref, got] = [gradsOf(loss("tfjs"), [x, w]), gradsOf(loss("custom"), [x, w])];
      expect(relErr(got[0]!, ref[0]!), `dx ${JSON.stringify(c)}`).toBeLessThan(1e-5);
      expect(relErr(got[1]!, ref[1]!), `dw ${JSON.stringify(c)}`).toBeLessThan(1e-5);
    });
  });

  it("conv2dTranspose: forward and gradients equal tf.conv2dTranspose and its gradients", () => {
    CASES.forEach((c, i) => {
      const { xt, w, r, fwdT } = convTCase(i, c);
      expect(relErr(values(fwdT("custom")(xt, w)), values(fwdT("tfjs")(xt, w))), JSON.stringify(c)).toBeLessThan(1e-5);
      const loss = (impl: ConvImpl) => (a: tf.Tensor, b: tf.Tensor) => readout(fwdT(impl)(a, b), r);
      const [ref, got] = [gradsOf(loss("tfjs"), [xt, w]), gradsOf(loss("custom"), [xt, w])];
      expect(relErr(got[0]!, ref[0]!), `dx ${JSON.stringify(c)}`).toBeLessThan(1e-5);
      expect(relErr(got[1]!, ref[1]!), `dw ${JSON.stringify(c)}`).toBeLessThan(1e-5);
    });
  });

  it("gradients match central finite differences", () => {
    const c: (typeof CASES)[number] = [[1, 5, 5, 2], 3, 2, 1, 2];
    const { x, w, r, fwd } = convCase(0, c);
    const f = (a: tf.Tensor, b: tf.Tensor) => readout(fwd("custom")(a, b), r);
    const g = gradsOf(f, [x, w]);
    for (let i = 0; i < 2; i++) expect(maxAbsDiff(g[i]!, finiteDiff(f, [x, w], i, 1e-2))).toBeLessThan(2e-3);
    const t = convTCase(0, c);
    const ft = (a: tf.Tensor, b: tf.Tensor) => readout(t.fwdT("custom")(a, b), t.r);
    const gt = gradsOf(ft, [t.xt, t.w]);
    for (let i = 0; i < 2; i++) expect(maxAbsDiff(gt[i]!, finiteDiff(ft, [t.xt, t.w], i, 1e-2))).toBeLessThan(2e-3);
  });

  it("defaults the transposed output size like PyTorch's ConvTranspose2d", () => {
    const x = seeded([1, 7, 7, 3], 1) as T4;
    expect(conv2dTranspose(x, seeded([4, 4, 2, 3], 2) as T4, null, 2, 1).shape).toEqual([1, 14, 14, 2]);
    expect(conv2dTranspose(x, seeded([4, 4, 2, 3], 2) as T4, null, 2, "same").shape).toEqual([1, 14, 14, 2]);
    expect(conv2dTranspose(x, seeded([3, 3, 2, 3], 2) as T4, null, 2, "valid").shape).toEqual([1, 15, 15, 2]);
  });
});

describe("conv ops train on wasm", () => {
  it("forward and both gradients agree with the cpu reference", async () => {
    const picked = [0, 1, 3];
    await use("cpu");
    const ref = picked.map((i) => {
      const c = convCase(i, CASES[i]!);
      const t = convTCase(i, CASES[i]!);
      const y = Float32Array.from(values(c.fwd("tfjs")(c.x, c.w)));
      const g = gradsOf((a, b) => readout(c.fwd("tfjs")(a, b), c.r), [c.x, c.w]);
      const yt = Float32Array.from(values(t.fwdT("tfjs")(t.xt, t.w)));
      const gt = gradsOf((a, b) => readout(t.fwdT("tfjs")(a, b), t.r), [t.xt, t.w]);
      return [y, ...g, yt, ...gt];
    });
    await use("wasm");
    picked.forEach((i, j) => {
      const c = convCase(i, CASES[i]!);
      const t = convTCase(i, CASES[i]!);
      const got = [
        values(c.fwd("auto")(c.x, c.w)),
        ...gradsOf((a, b) => readout(c.fwd("auto")(a, b), c.r), [c.x, c.w]),
        values(t.fwdT("auto")(t.xt, t.w)),
        ...gradsOf((a, b) => readout(t.fwdT("auto")(a, b), t.r), [t.xt, t.w]),
      ];
      got.forEach((v, k) => expect(relErr(v, ref[j]![k]!), `case ${i} output ${k}`).toBeLessThan(1e-5));
    });
  });
});
