// INTEL_MATMUL=openblas (runtime/backend/native-blas.ts): the wasm backend's BatchMatMul and conv
// kernels computed by OpenBLAS on the wasm heap. Checked against tfjs's own kernels (XNNPACK; the
// cpu backend for the conv gradients wasm lacks) on every transpose and batch layout the product
// takes natively, on the layouts it hands back to tfjs, on each conv direction, and on every spec's
// gradients; and its failures are clear errors that `auto` does not hide by falling back to cpu.
// The addon is built by `npm run build` where a C compiler and Node's headers exist; without it the
// product tests are skipped here, but never in CI (.ci/run sets CI), where the build must make it.
import * as tf from "@tensorflow/tfjs";
import fs from "node:fs";
import { createRequire } from "node:module";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { BackendUnavailableError } from "../../runtime/backend/errors";
import { nativeBlasPaths, useMatmul } from "../../runtime/backend/native-blas";
import { activeRoutes } from "../../runtime/backend/routes";
import { selectBackend } from "../../runtime/backend/select";
import { buildModel } from "../../runtime/model/build";
import { mulberry32 } from "../../runtime/random/seeds";
import { isSlowConv, specModels } from "../spec-models";
import { seeded, use } from "./helpers";

const built = fs.existsSync(nativeBlasPaths().addon);
const needsAddon = it.skipIf(!built && !process.env.CI);

afterEach(() => {
  delete process.env.INTEL_MATMUL;
  delete process.env.INTEL_BLAS_ADDON;
  delete process.env.INTEL_BLAS_LIBRARY;
});
afterAll(() => use("cpu"));

/** the result under each kernel: [xnnpack (or tfjs's cpu backend), openblas] */
async function both(f: () => tf.Tensor, reference: "xnnpack" | "cpu" = "xnnpack"): Promise<[Float32Array, Float32Array, number[]]> {
  await (reference === "cpu" ? selectBackend("cpu") : selectBackend("wasm", { wasmThreads: 1, matmul: "xnnpack" }));
  const ref = tf.tidy(f);
  const refData = ref.dataSync() as Float32Array;
  const shape = ref.shape;
  await selectBackend("wasm", { wasmThreads: 1, matmul: "openblas" });
  const got = tf.tidy(f);
  const gotData = got.dataSync() as Float32Array;
  expect(got.shape).toEqual(shape);
  tf.dispose([ref, got]);
  return [refData, gotData, shape];
}

function expectClose(ref: Float32Array, got: Float32Array, rel: number): void {
  let scale = 0, diff = 0;
  for (let i = 0; i < ref.length; i++) {
    scale = Math.max(scale, Math.abs(ref[i]!));
    diff = Math.max(diff, Math.abs(ref[i]! - got[i]!));
  }
  expect(scale).toBeGreaterThan(0);
  expect(diff).toBeLessThanOrEqual(rel * scale);
}

// The failures come first: the addon, once loaded, stays loaded for the process.
describe("INTEL_MATMUL=openblas when it cannot work", () => {
  it("a missing addon is a BackendUnavailableError naming the file, and auto does not skip to cpu", async () => {
    process.env.INTEL_BLAS_ADDON = "/nonexistent/intel-blas.node";
    process.env.INTEL_MATMUL = "openblas";
    for (const name of ["wasm", "auto"] as const) {
      const e = await selectBackend(name, { wasmThreads: 1 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(BackendUnavailableError);
      expect((e as Error).message).toContain("/nonexistent/intel-blas.node was not built");
      expect((e as Error).message).toContain("npm run build");
    }
  });
  needsAddon("a library without OpenBLAS is refused with the loader's reason", async () => {
    process.env.INTEL_BLAS_LIBRARY = "/nonexistent/libopenblas.so.0";
    const e = await selectBackend("wasm", { wasmThreads: 1, matmul: "openblas" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BackendUnavailableError);
    expect((e as Error).message).toMatch(/cannot open \/nonexistent\/libopenblas\.so\.0 \(.*No such file/);
  });
  it("INTEL_MATMUL must name a kernel", async () => {
    process.env.INTEL_MATMUL = "mkl";
    await expect(selectBackend("wasm", { wasmThreads: 1 })).rejects.toThrow("INTEL_MATMUL must be xnnpack or openblas, got 'mkl'");
  });
  it("on another backend the choice is ignored, and said so", async () => {
    const info = await selectBackend("cpu", { matmul: "openblas" });
    expect(info.detail).toContain("matmul openblas ignored: it applies to the wasm backend");
  });
});

describe("the addon refuses what would write outside the heap", () => {
  needsAddon("bad offsets, sizes, geometries and argument counts are errors, not writes", async () => {
    await selectBackend("wasm", { wasmThreads: 1, matmul: "openblas" }); // opens the library
    const addon = createRequire(import.meta.url)(nativeBlasPaths().addon) as {
      gemm(...a: unknown[]): void;
      conv(...a: unknown[]): void;
    };
    const heap = new Float32Array(64);
    heap.fill(7);
    expect(() => addon.gemm(heap, 0, 0, 60, 1, 2, 4, 2, false, false, 0, 0)).toThrow("gemm: operands outside the heap or bad sizes");
    expect(() => addon.gemm(heap, 0, 0, 0, 1, 0, 4, 2, false, false, 0, 0)).toThrow("bad sizes");
    expect(() => addon.gemm(new Float64Array(8), 0, 0, 0, 1, 1, 1, 1, false, false, 0, 0)).toThrow("gemm: heap must be a Float32Array");
    expect(() => addon.gemm(heap, 0)).toThrow("gemm: expected 12 arguments");
    const geometry = Int32Array.of(1, 4, 4, 1, 1, 3, 3, 1, 1, 1, 1, 0, 0, 2, 2);
    expect(() => addon.conv(0, heap, 0, 16, 61, geometry)).toThrow("conv: operands outside the heap"); // 4 outputs at 61 of 64
    expect(() => addon.conv(0, heap, 0, 16, 32, Int32Array.of(1, 4, 4))).toThrow("conv: geometry must be an Int32Array of 15");
    expect(() => addon.conv(0, heap, 0, 16, 32, Int32Array.of(1, 4, 4, 1, 1, 3, 3, 0, 1, 1, 1, 0, 0, 2, 2))).toThrow("conv: bad geometry");
    expect(() => addon.conv(3, heap, 0, 16, 32, geometry)).toThrow("conv: direction must be 0, 1 or 2");
    expect(heap.every((v) => v === 7)).toBe(true); // nothing was written
    addon.conv(0, heap, 0, 16, 32, geometry); // and a valid call does write: 3×3 of 7·7 sums
    expect(Array.from(heap.slice(32, 36))).toEqual([441, 441, 441, 441]);
  });
});

describe("OpenBLAS products and convolutions agree with XNNPACK (and tfjs's cpu gradients)", () => {
  const a = (shape: number[], seed: number) => () => seeded(shape, seed);
  const cases: [string, () => tf.Tensor][] = [];
  for (const tA of [false, true]) {
    for (const tB of [false, true]) {
      const A = a(tA ? [37, 19] : [19, 37], 1), B = a(tB ? [23, 37] : [37, 23], 2);
      cases.push([`2-D, transposeA ${tA}, transposeB ${tB}`, () => tf.matMul(A(), B(), tA, tB)]);
      const A3 = a(tA ? [3, 37, 19] : [3, 19, 37], 3), B3 = a(tB ? [3, 23, 37] : [3, 37, 23], 4);
      cases.push([`batch 3, transposeA ${tA}, transposeB ${tB}`, () => tf.matMul(A3(), B3(), tA, tB)]);
    }
  }
  cases.push(["one A over a batch of B", () => tf.matMul(seeded([19, 37], 5), seeded([4, 37, 23], 6))]);
  cases.push(["a batch of A over one B", () => tf.matMul(seeded([2, 2, 19, 37], 7), seeded([1, 37, 23], 8))]);
  cases.push(["general broadcasting (tfjs's kernel)", () => tf.matMul(seeded([2, 1, 19, 37], 9), seeded([1, 3, 37, 23], 10))]);
  cases.push(["the MLP's widest product", () => tf.matMul(seeded([128, 784], 11), seeded([784, 512], 12, 0.05))]);
  // Conv2D: the conv VAE's shapes, every padding form, strides, dilations (the filter gradient of
  // runtime/ops/conv.ts is a dilated conv with the batch as channels), the 1×1 shortcut, and a
  // filter taller than the im2col chunk holds rows for.
  const conv = (xs: number[], fs: number[], strides: number | [number, number], pad: "same" | "valid" | number | [[number, number], [number, number], [number, number], [number, number]], dil: number | [number, number] = 1) =>
    () => tf.conv2d(seeded(xs, 21) as tf.Tensor4D, seeded(fs, 22, 0.2) as tf.Tensor4D, strides, pad as "same", "NHWC", dil);
  cases.push(["conv2d 4×4 stride 2 'same' (the conv VAE's encoder)", conv([8, 28, 28, 1], [4, 4, 1, 32], 2, "same")]);
  cases.push(["conv2d 3×3 stride 1 'valid'", conv([3, 9, 11, 5], [3, 3, 5, 7], 1, "valid")]);
  cases.push(["conv2d explicit asymmetric pads, strides 2×1", conv([2, 10, 9, 3], [3, 2, 3, 4], [2, 1], [[0, 0], [1, 2], [0, 1], [0, 0]])]);
  cases.push(["conv2d dilation 2 (the filter gradient's form)", conv([4, 13, 13, 6], [5, 5, 6, 3], 1, [[0, 0], [1, 1], [1, 1], [0, 0]], 2)]);
  cases.push(["conv2d 1×1 stride 1 (one product)", conv([2, 7, 7, 16], [1, 1, 16, 8], 1, "valid")]);
  cases.push(["conv2d with more filter taps than a chunk has rows", conv([1, 30, 30, 4800], [3, 3, 4800, 2], 1, "valid")]);
  for (const [name, f] of cases) {
    needsAddon(name, async () => {
      const [ref, got] = await both(f);
      expectClose(ref, got, 1e-5);
    });
  }
  // The gradients: wasm has no Conv2DBackpropFilter of its own, so they are checked against tfjs's
  // cpu backend; both directions, through conv2d and through conv2dTranspose (whose forward is
  // Conv2DBackpropInput), with the conv VAE's strides and paddings.
  const grads = (xs: number[], fs: number[], strides: number, pad: "same" | "valid" | number, transpose: boolean) => () => {
    const x = seeded(xs, 31) as tf.Tensor4D, w = seeded(fs, 32, 0.2) as tf.Tensor4D;
    const f = (a: tf.Tensor, b: tf.Tensor) => {
      const y = transpose
        ? tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [xs[0]!, xs[1]! * strides, xs[2]! * strides, fs[2]!], strides, pad as "same")
        : tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad as "same");
      return tf.sum(tf.mul(y, tf.sin(tf.range(0, y.size).reshape(y.shape))));
    };
    const [dx, dw] = tf.grads(f)([x, w]);
    return tf.concat([dx!.flatten(), dw!.flatten()]); // d/dinput, then d/dfilter
  };
  const gradCases: [string, () => tf.Tensor][] = [
    ["conv2d 4×4 stride 2 'same'", grads([4, 28, 28, 1], [4, 4, 1, 8], 2, "same", false)],
    ["conv2d 3×3 stride 1 padding 1", grads([2, 9, 9, 6], [3, 3, 6, 5], 1, 1, false)],
    ["conv2d 3×3 stride 2 'valid'", grads([2, 11, 11, 3], [3, 3, 3, 4], 2, "valid", false)],
    ["conv2dTranspose 4×4 stride 2 'same'", grads([4, 7, 7, 16], [4, 4, 8, 16], 2, "same", true)],
    ["conv2d over several im2col chunks", grads([2, 40, 40, 256], [3, 3, 256, 1], 1, "valid", false)],
    ["conv2d 1×1", grads([2, 5, 5, 8], [1, 1, 8, 3], 1, "valid", false)],
  ];
  for (const [name, f] of gradCases) {
    needsAddon(`${name}: d/dinput and d/dfilter against tfjs's cpu backend`, async () => {
      await selectBackend("wasm", { wasmThreads: 1, matmul: "openblas" });
      const [ref, got] = await both(f, "cpu");
      expectClose(ref, got, 2e-5);
    });
  }
  needsAddon("the kernel is swapped in and out", async () => {
    await selectBackend("wasm", { wasmThreads: 1, matmul: "xnnpack" });
    const kernels = ["BatchMatMul", "Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter"];
    const original = kernels.map((k) => tf.getKernel(k, "wasm"));
    expect(original[3]).toBeUndefined(); // tfjs-wasm 4.22 has none: the reason conv.ts exists
    const info = await selectBackend("wasm", { wasmThreads: 1, matmul: "openblas" });
    expect(info.detail).toContain("matrix products and convolutions by OpenBLAS");
    kernels.forEach((k, i) => expect(tf.getKernel(k, "wasm"), k).not.toBe(original[i]));
    expect(activeRoutes("wasm")).toMatchObject({ dense: "tfjs", conv: "tfjs" });
    expect(useMatmul("xnnpack", 1)).toBe("");
    kernels.forEach((k, i) => expect(tf.getKernel(k, "wasm"), k).toBe(original[i]));
    expect(activeRoutes("wasm")).toMatchObject({ dense: "custom", conv: "custom" });
  });
});

describe("every spec's gradients under OpenBLAS match XNNPACK", () => {
  const models = specModels(["specs"]).filter((m) => !isSlowConv(m.ir));
  it("covers the specs", () => expect(models.length).toBeGreaterThan(40));
  for (const { path, ir } of models) {
    needsAddon(path, async () => {
      const r = mulberry32(3);
      const n = 4 * ir.data.shape.reduce((p, q) => p * q, 1);
      const xs = Float32Array.from({ length: n }, () => (ir.data.range !== null ? r() : 2 * r() - 1));
      const grads = async (matmul: "xnnpack" | "openblas") => {
        await selectBackend("wasm", { wasmThreads: 1, matmul });
        const m = buildModel(ir, 1);
        try {
          const x = tf.tensor(xs, [4, ...ir.data.shape]);
          const vars = [...m.variables.values()].filter((v) => v.trainable);
          // variable names carry the model's instance number (m265/…): compared without it
          const { value, grads: g } = tf.variableGrads(() => m.loss(x, 3, true, { progress: 0.5 }).loss, vars);
          const out = { loss: value.dataSync()[0]!, g: Object.fromEntries(Object.entries(g).map(([k, t]) => [k.replace(/^m\d+\//, ""), t.dataSync() as Float32Array])) };
          tf.dispose([x, value, ...Object.values(g)]);
          return out;
        } finally {
          m.dispose();
        }
      };
      const ref = await grads("xnnpack"), got = await grads("openblas");
      expect(Math.abs(got.loss - ref.loss)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(ref.loss)));
      expect(Object.keys(got.g).sort()).toEqual(Object.keys(ref.g).sort());
      for (const [k, g] of Object.entries(ref.g)) {
        const scale = g.reduce((p, v) => Math.max(p, Math.abs(v)), 0);
        const diff = g.reduce((p, v, i) => Math.max(p, Math.abs(v - got.g[k]![i]!)), 0);
        expect(diff, k).toBeLessThanOrEqual(1e-3 * (scale + 1e-3));
      }
    }, 60_000);
  }
});
