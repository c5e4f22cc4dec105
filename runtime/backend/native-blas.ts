// Native matrix products for the wasm backend (docs/architecture.md §3, "native matrix products").
//
// tfjs-backend-wasm's BatchMatMul is XNNPACK in wasm SIMD (128-bit, no FMA): measured 3.2× slower
// per core than OpenBLAS on this project's machines, and products are ~80 % of a training step
// (README, Benchmarks). INTEL_MATMUL=openblas (or SelectOptions.matmul) replaces that one kernel, for the wasm backend only, by
// the addon native/blas.c (built into dist/native by `npm run build` where a C compiler and Node's
// headers exist), which calls the machine's OpenBLAS on the tensors where they already live, in
// the wasm heap: no copy in or out. Convolutions go the same way (im2col + product), in all three
// directions, Conv2DBackpropFilter included, which tfjs-wasm lacks: so with OpenBLAS the conv
// layers take tfjs's own gradients (routes.ts) instead of runtime/ops/conv.ts's Conv2D-only ones.
// Every other kernel, the tensors and their memory stay tfjs's.
// Gradients need nothing more: tfjs's BatchMatMul gradient is itself made of BatchMatMuls.
//
// Off by default: which library computes a product changes the last bits of the result, and a run
// should not depend on what the machine happens to have installed. config.json records the choice.
import * as tf from "@tensorflow/tfjs";
import { createRequire } from "node:module";
import fs from "node:fs";
import { BackendUnavailableError } from "./errors";
import { packageFile } from "../package-files";
import { setWasmMatmul } from "./routes";

export const MATMUL_NAMES = ["xnnpack", "openblas"] as const;
export type MatmulName = (typeof MATMUL_NAMES)[number];

interface Addon {
  open(library: string): string | null;
  threads(n: number): void;
  gemm(heap: Float32Array, a: number, b: number, c: number, batch: number, m: number, n: number, k: number,
    transA: boolean, transB: boolean, strideA: number, strideB: number): void;
  /** direction 0: y from (x, filter); 1: dx from (dy, filter); 2: dfilter from (x, dy) */
  conv(direction: 0 | 1 | 2, heap: Float32Array, a: number, b: number, out: number, geometry: Int32Array): void;
}

interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
interface WasmBackendLike {
  wasm: { wasmMemory?: WasmMemory; asm?: { memory?: WasmMemory } };
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
  getMemoryOffset(dataId: object): number;
}

/** Where the addon and the library are looked for; the env names override them. */
export function nativeBlasPaths(): { addon: string; library: string } {
  return {
    addon: process.env.INTEL_BLAS_ADDON || packageFile("dist", "native", "intel-blas.node"),
    library: process.env.INTEL_BLAS_LIBRARY || "libopenblas.so.0",
  };
}

let loaded: { addon: Addon; threads: number } | null = null;
/** the kernels replaced, and tfjs's own configs of them (to hand back, and to fall back to) */
const KERNELS = ["BatchMatMul", "Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter"] as const;
const original: { -readonly [K in (typeof KERNELS)[number]]?: tf.KernelConfig | undefined } = {};

function loadAddon(threads: number): Addon {
  const { addon: file, library } = nativeBlasPaths();
  const hint =
    "build it with `npm run build` (it needs a C compiler and Node's headers), and install OpenBLAS " +
    "(Debian: `apt-get install libopenblas0-pthread`); or unset INTEL_MATMUL to use XNNPACK";
  if (!fs.existsSync(file)) throw new BackendUnavailableError("wasm", `INTEL_MATMUL=openblas: the addon ${file} was not built`, hint, true);
  let addon: Addon;
  try {
    addon = createRequire(import.meta.url)(file) as Addon;
  } catch (e) {
    throw new BackendUnavailableError("wasm", `INTEL_MATMUL=openblas: the addon ${file} failed to load (${(e as Error).message.split("\n")[0]})`, hint, true);
  }
  const err = addon.open(library);
  if (err != null) throw new BackendUnavailableError("wasm", `INTEL_MATMUL=openblas: cannot open ${library} (${err})`, hint, true);
  addon.threads(threads);
  return addon;
}

function heapOf(be: WasmBackendLike): Float32Array {
  // Read at every call: the heap may have grown (a new buffer) since the last one.
  const memory = be.wasm.wasmMemory ?? be.wasm.asm?.memory;
  if (!memory) throw new Error("INTEL_MATMUL=openblas: the wasm backend exposes no memory");
  return new Float32Array(memory.buffer);
}

function batchMatMul(addon: Addon, fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const be = args.backend as unknown as WasmBackendLike;
    const ra = a.shape.length, rb = b.shape.length;
    const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
    const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
    const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
    const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
    const outerA = a.shape.slice(0, -2), outerB = b.shape.slice(0, -2);
    const batchA = outerA.reduce((p, d) => p * d, 1), batchB = outerB.reduce((p, d) => p * d, 1);
    // The cases one strided loop covers: equal batch shapes, or one side a single matrix.
    // Anything else (general broadcasting, empty or non-float tensors, mismatched inner sizes)
    // goes to tfjs's own kernel, which also raises tfjs's own shape errors.
    const simple = batchA === 1 || batchB === 1 || sameShape(outerA, outerB);
    if (!simple || k !== kb || a.dtype !== "float32" || b.dtype !== "float32" || m * n * k === 0) return fallback(args);
    const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
    const out = be.makeOutput([...outer, m, n], "float32");
    const heap = heapOf(be);
    addon.gemm(heap, be.getMemoryOffset(a.dataId) / 4, be.getMemoryOffset(b.dataId) / 4, be.getMemoryOffset(out.dataId) / 4,
      Math.max(batchA, batchB), m, n, k, transposeA, transposeB, batchA === 1 ? 0 : m * k, batchB === 1 ? 0 : k * n);
    return out;
  };
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
  inputShape?: [number, number, number, number];
  filterShape?: [number, number, number, number];
}

type Shape4 = [number, number, number, number];

// Conv2D and its two gradients as im2col + products (native/blas.c `conv`). tfjs's own conv_util
// computes the geometry, so padding and output sizes are tfjs's by construction. NCHW and
// non-float tensors go to tfjs's kernel (wasm has no Conv2DBackpropFilter: that one is refused).
const CONV_KERNELS = {
  Conv2D: { direction: 0, a: "x", b: "filter" },
  Conv2DBackpropInput: { direction: 1, a: "dy", b: "filter" },
  Conv2DBackpropFilter: { direction: 2, a: "x", b: "dy" },
} as const;

function convKernel(name: keyof typeof CONV_KERNELS, addon: Addon, fallback: tf.KernelFunc | undefined): tf.KernelFunc {
  const { direction, a: aName, b: bName } = CONV_KERNELS[name];
  return (args) => {
    const inputs = args.inputs as Record<string, tf.TensorInfo>;
    const a = inputs[aName]!, b = inputs[bName]!;
    const at = args.attrs as unknown as ConvAttrs;
    const xShape = (direction === 1 ? at.inputShape : a.shape) as Shape4;
    const fShape = (direction === 0 || direction === 1 ? b.shape : at.filterShape) as Shape4;
    const ok = at.dataFormat === "NHWC" && a.dtype === "float32" && b.dtype === "float32" && a.shape.length === 4 && b.shape.length === 4 &&
      xShape?.length === 4 && fShape?.length === 4 && ![...a.shape, ...b.shape].includes(0);
    if (!ok) {
      if (fallback) return fallback(args);
      throw new Error(`${name}: only float32 NHWC tensors are supported by the OpenBLAS kernels (got ${at.dataFormat}, ${a.dtype})`);
    }
    const info = tf.backend_util.computeConv2DInfo(xShape, fShape, at.strides, at.dilations ?? 1, at.pad, at.dimRoundingMode, false, "channelsLast");
    const be = args.backend as unknown as WasmBackendLike;
    const out = be.makeOutput(direction === 0 ? info.outShape : direction === 1 ? [...xShape] : [...fShape], "float32");
    const g = Int32Array.of(info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outChannels,
      info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
      info.padInfo.top, info.padInfo.left, info.outHeight, info.outWidth);
    const at4 = (t: tf.TensorInfo) => be.getMemoryOffset(t.dataId) / 4;
    addon.conv(direction, heapOf(be), at4(a), at4(b), at4(out), g);
    return out;
  };
}

function sameShape(x: number[], y: number[]): boolean {
  return x.length === y.length && x.every((d, i) => d === y[i]);
}

/**
 * Makes the wasm backend's BatchMatMul and Conv2D kernels (forward and both gradients) the chosen ones. "openblas" loads the addon
 * (throws BackendUnavailableError with the fix when it cannot) and sets OpenBLAS's thread count to
 * `threads`; "xnnpack" puts tfjs's kernels back. Returns the text for BackendInfo.detail.
 */
export function useMatmul(name: MatmulName, threads: number): string {
  for (const k of KERNELS) if (!(k in original)) original[k] = tf.getKernel(k, "wasm");
  if (name === "xnnpack") {
    for (const k of KERNELS) {
      const o = original[k];
      if (tf.getKernel(k, "wasm") === o) continue;
      tf.unregisterKernel(k, "wasm");
      if (o) tf.registerKernel(o);
    }
    setWasmMatmul("xnnpack");
    return "";
  }
  if (!original.BatchMatMul) throw new Error("tfjs-backend-wasm registered no BatchMatMul kernel");
  if (!loaded) loaded = { addon: loadAddon(threads), threads };
  if (loaded.threads !== threads) {
    loaded.addon.threads(threads);
    loaded.threads = threads;
  }
  const addon = loaded.addon;
  for (const k of KERNELS) {
    if (tf.getKernel(k, "wasm")) tf.unregisterKernel(k, "wasm");
    const fallback = original[k]?.kernelFunc;
    const kernelFunc = k === "BatchMatMul" ? batchMatMul(addon, fallback!) : convKernel(k, addon, fallback);
    tf.registerKernel({ kernelName: k, backendName: "wasm", kernelFunc });
  }
  setWasmMatmul("openblas");
  return `; matrix products and convolutions by OpenBLAS (${nativeBlasPaths().library}, ${threads} thread${threads === 1 ? "" : "s"})`;
}
