import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { dense, denseChain, denseImplFor, type ChainLayer } from "../../runtime/ops/dense";
import { transpose2d } from "../../runtime/ops/layout";
import { finiteDiff, gradsOf, maxAbsDiff, readout, relErr, seeded, use, values } from "./helpers";

type T2 = tf.Tensor2D;
const x0 = () => seeded([6, 5], 1) as T2;
const w0 = () => seeded([5, 4], 2, 0.5) as T2;
const b0 = () => seeded([4], 3, 0.1) as tf.Tensor1D;
const r0 = () => seeded([6, 4], 4);

describe("dense on cpu", () => {
  beforeAll(() => use("cpu"));

  it("custom forward equals tf.matMul + bias (+ relu)", () => {
    for (const activation of ["linear", "relu"] as const) {
      const [x, w, b] = [x0(), w0(), b0()];
      const ref = dense(x, w, b, { activation, impl: "tfjs" });
      const out = dense(x, w, b, { activation, impl: "custom" });
      expect(maxAbsDiff(values(out), values(ref))).toBeLessThan(1e-6);
      const nb = dense(x, w, null, { activation, impl: "custom" });
      expect(maxAbsDiff(values(nb), values(dense(x, w, null, { activation, impl: "tfjs" })))).toBeLessThan(1e-6);
    }
  });

  it("custom gradients equal tfjs autodiff (relu)", () => {
    const inputs = [x0(), w0(), b0()];
    const r = r0();
    const f = (impl: "custom" | "tfjs") => (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
      readout(dense(x as T2, w as T2, b as tf.Tensor1D, { activation: "relu", impl }), r);
    const ref = gradsOf(f("tfjs"), inputs);
    const got = gradsOf(f("custom"), inputs);
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(got[i]!, ref[i]!)).toBeLessThan(1e-5);
  });

  it("custom gradients match central finite differences", () => {
    const inputs = [x0(), w0(), b0()];
    const r = r0();
    const f = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => readout(dense(x as T2, w as T2, b as tf.Tensor1D, { impl: "custom" }), r);
    const g = gradsOf(f, inputs);
    // Linear in each input, so central differences are exact up to float32 rounding of f.
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(g[i]!, finiteDiff(f, inputs, i, 1e-2))).toBeLessThan(2e-3);
  });

  it("inputGrad: false keeps W and b gradients and refuses dx", () => {
    const [x, w, b] = [x0(), w0(), b0()];
    const r = r0();
    const full = gradsOf((xx, ww, bb) => readout(dense(xx as T2, ww as T2, bb as tf.Tensor1D, { activation: "relu", impl: "custom" }), r), [x, w, b]);
    const wb = tf.grads((ww: tf.Tensor, bb: tf.Tensor) =>
      readout(dense(x, ww as T2, bb as tf.Tensor1D, { activation: "relu", impl: "custom", inputGrad: false }), r))([w, b]);
    expect(maxAbsDiff(values(wb[0]!), full[1]!)).toBe(0);
    expect(maxAbsDiff(values(wb[1]!), full[2]!)).toBe(0);
    expect(() => tf.grad((xx: tf.Tensor) => readout(dense(xx as T2, w, b, { impl: "custom", inputGrad: false }), r))(x)).toThrow(/shape/);
  });

  it("rejects shapes that do not chain", () => {
    expect(() => dense(x0(), seeded([4, 4], 5) as T2)).toThrow(/do not chain/);
    expect(() => dense(x0(), w0(), seeded([5], 6) as tf.Tensor1D)).toThrow(/bias/);
  });

  it("auto picks the custom op only on wasm", () => {
    expect(denseImplFor("wasm")).toBe("custom");
    expect(denseImplFor("cpu")).toBe("tfjs");
    expect(denseImplFor("tensorflow")).toBe("tfjs");
  });
});

describe("dense on wasm", () => {
  it("forward and backward agree with the cpu reference", async () => {
    await use("cpu");
    const shapes = { x: [16, 40], w: [40, 24] };
    const mk = () => [seeded(shapes.x, 11), seeded(shapes.w, 12, 0.2), seeded([24], 13, 0.1), seeded([16, 24], 14)];
    const f = (impl: "custom" | "tfjs") => (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, r: tf.Tensor) =>
      readout(dense(x as T2, w as T2, b as tf.Tensor1D, { activation: "relu", impl }), r);
    const [xc, wc, bc, rc] = mk();
    const yRef = Float32Array.from(values(dense(xc as T2, wc as T2, bc as tf.Tensor1D, { activation: "relu", impl: "tfjs" })));
    const gRef = gradsOf(f("tfjs"), [xc!, wc!, bc!, rc!]);
    await use("wasm");
    expect(tf.getBackend()).toBe("wasm");
    const [xw, ww, bw, rw] = mk();
    const y = values(dense(xw as T2, ww as T2, bw as tf.Tensor1D, { activation: "relu" })); // auto → custom
    expect(relErr(y, yRef)).toBeLessThan(1e-5);
    const g = gradsOf(f("custom"), [xw!, ww!, bw!, rw!]);
    for (let i = 0; i < 3; i++) expect(relErr(g[i]!, gRef[i]!)).toBeLessThan(1e-5);
  });
});

describe("denseChain", () => {
  // 7 → 6 (relu) → 5 (linear) → 4 (relu): the custom op against the sequence of tfjs dense layers.
  const dims = [7, 6, 5, 4];
  const acts = ["relu", "linear", "relu"] as const;
  const mk = (asVariables: boolean) => {
    const x = seeded([9, 7], 21) as T2;
    const ps: tf.Tensor[] = [];
    for (let i = 0; i < 3; i++) {
      const w = seeded([dims[i]!, dims[i + 1]!], 22 + i, 0.5), b = seeded([dims[i + 1]!], 30 + i, 0.1);
      ps.push(asVariables ? tf.variable(w) : w, asVariables ? tf.variable(b) : b);
    }
    return { x, ps, r: seeded([9, 4], 40) };
  };
  const layers = (ps: tf.Tensor[]): ChainLayer[] => acts.map((a, i) => ({ w: ps[2 * i] as T2, b: ps[2 * i + 1] as tf.Tensor1D, activation: a }));
  const run = (impl: "custom" | "tfjs", r: tf.Tensor, inputGrad = true) => (x: tf.Tensor, ...ps: tf.Tensor[]) =>
    readout(denseChain(x as T2, layers(ps), { impl, inputGrad }), r);

  for (const backend of ["cpu", "wasm"] as const) {
    it(`${backend}: forward and gradients equal the tfjs sequence (weights as tensors and as variables)`, async () => {
      await use(backend);
      for (const asVariables of [false, true]) {
        const { x, ps, r } = mk(asVariables);
        const ref = values(denseChain(x, layers(ps), { impl: "tfjs" })).slice();
        expect(relErr(values(denseChain(x, layers(ps), { impl: "custom" })), ref)).toBeLessThan(1e-5);
        const gRef = gradsOf(run("tfjs", r), [x, ...ps]);
        const got = gradsOf(run("custom", r), [x, ...ps]);
        for (let i = 0; i < gRef.length; i++) expect(relErr(got[i]!, gRef[i]!)).toBeLessThan(1e-5);
        // without the input gradient, the parameters' gradients are the same numbers
        const wb = tf.grads((...p: tf.Tensor[]) => run("custom", r, false)(x, ...p))(ps).map((g) => values(g));
        for (let i = 0; i < ps.length; i++) expect(maxAbsDiff(wb[i]!, got[i + 1]!)).toBe(0);
        tf.dispose([x, ...ps, r]);
      }
    });
  }

  it("rejects layers that do not chain", () => {
    const x = seeded([3, 4], 1) as T2;
    expect(() => denseChain(x, [{ w: seeded([4, 5], 2) as T2 }, { w: seeded([4, 5], 3) as T2 }])).toThrow(/do not chain/);
    expect(() => denseChain(x, [{ w: seeded([4, 5], 2) as T2, b: seeded([4], 4) as tf.Tensor1D }])).toThrow(/bias/);
  });
});

describe("transpose2d", () => {
  it("equals tf.transpose on wasm, also for the split (rows a multiple of 128) shapes", async () => {
    await use("wasm");
    for (const shape of [[128, 7], [256, 3], [384, 5], [100, 6]] as [number, number][]) {
      const x = seeded(shape, 50) as T2;
      expect(transpose2d(x).shape).toEqual([shape[1], shape[0]]);
      expect(maxAbsDiff(values(transpose2d(x)), values(tf.transpose(x)))).toBe(0);
    }
  });
});
