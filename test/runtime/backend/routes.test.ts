// The kernel-route table (runtime/backend/routes.ts): its defaults, its overrides, and the routing
// decision checked against what each backend actually registers: every kernel a training step runs
// on a backend's routes (recorded on cpu, which has them all) must be one that backend has.
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { activeRoutes, forceRoutes, routesFor, type KernelRoutes } from "../../../runtime/backend/routes";
import { selectBackend } from "../../../runtime/backend/select";
import { compileFile } from "../../../compiler/compile";
import type { ModelIR } from "../../../compiler/ir/types";
import { channelSum } from "../../../runtime/ops/channel";
import { transpose2d } from "../../../runtime/ops/layout";
import { routeSpec, specIR, trainSteps } from "./steps";
import { installed } from "../../installed";


afterAll(() => forceRoutes("cpu", null));

describe("kernel routes", () => {
  it("default per backend: wasm custom, cpu tfjs with a host Adam, native and GPU backends tfjs ops", () => {
    expect(routesFor("wasm")).toEqual({ dense: "custom", conv: "custom", adam: "wasm-heap", layout: "wasm" });
    expect(routesFor("cpu")).toEqual({ dense: "tfjs", conv: "tfjs", adam: "host", layout: "plain" });
    for (const b of ["tensorflow", "webgpu", "webgl"]) expect(routesFor(b)).toEqual({ dense: "tfjs", conv: "tfjs", adam: "ops", layout: "plain" });
  });

  it("selectBackend's overrides apply to that backend only, are named in detail, and are checked", async () => {
    const info = await selectBackend("cpu", { routes: { dense: "custom", adam: "ops" } });
    expect(info.detail).toMatch(/kernel routes forced: dense=custom, adam=ops$/);
    expect(activeRoutes()).toEqual({ dense: "custom", conv: "tfjs", adam: "ops", layout: "plain" });
    expect(activeRoutes("wasm")).toEqual(routesFor("wasm")); // another backend keeps its own
    await selectBackend("cpu");
    expect(activeRoutes()).toEqual(routesFor("cpu"));
    expect(() => forceRoutes("cpu", { dense: "fast" as never })).toThrow(/dense must be one of custom, tfjs, got 'fast'/);
    expect(() => forceRoutes("cpu", { gemm: "x" } as never)).toThrow(/unknown kernel route 'gemm'/);
  });
});

describe("the wasm layout helpers forced on cpu", () => {
  it("channelSum (global average pool) and transpose2d (split rows) equal the plain ops, and do run", async () => {
    const x = tf.randomNormal([8, 6, 5, 7], 0, 1, "float32", 41);
    const m = tf.randomNormal([256, 3], 0, 1, "float32", 42) as tf.Tensor2D;
    const measure = async (layout: KernelRoutes["layout"]) => {
      await selectBackend("cpu", { routes: { layout } });
      let out: Float32Array[] = [];
      const p = await tf.profile(() => {
        out = [channelSum(x), transpose2d(m)].map((t) => Float32Array.from(t.dataSync() as Float32Array));
      });
      return { out, kernels: p.kernelNames };
    };
    const plain = await measure("plain");
    const wasm = await measure("wasm");
    await selectBackend("cpu");
    expect(wasm.kernels).toContain("AvgPool");
    expect(plain.kernels).not.toContain("AvgPool");
    const [sumP, trP] = plain.out as [Float32Array, Float32Array];
    const [sumW, trW] = wasm.out as [Float32Array, Float32Array];
    sumW.forEach((v, i) => expect(v).toBeCloseTo(sumP[i]!, 4));
    expect(Array.from(trW)).toEqual(Array.from(trP));
    tf.dispose([x, m]);
  });
});

/** Names of the kernels one training step runs on cpu under `routes` (cpu has every kernel). */
async function kernelsOfStep(ir: ModelIR, routes: KernelRoutes): Promise<Set<string>> {
  await selectBackend("cpu", { routes });
  const cpuKernels = new Set(tf.getKernelsForBackend("cpu").map((k) => k.kernelName));
  const info = await tf.profile(() => void trainSteps(ir, 1));
  await selectBackend("cpu");
  return new Set(info.kernelNames.filter((k) => cpuKernels.has(k))); // drops customGrad's scope names
}

const CONV_BN = routeSpec("conv")
  .replace("small_conv_encoder()", "conv_encoder(filters: [4, 8])")
  .replace("small_conv_decoder()", "conv_decoder(filters: [8, 4, 4])");

// The MLP and conv nets, the prelude's batch-norm conv nets, and the paper's clusters spec (the
// mapping with the most kinds of kernels).
const models = (): [string, ModelIR][] => [
  ["mlp", specIR(routeSpec("mlp"))],
  ["conv", specIR(routeSpec("conv"))],
  ["conv + batch norm", specIR(CONV_BN)],
  ["mnist01-clusters", smallBatch(compileFile("specs/paper/mnist01-clusters.intel").ir!)],
];

const smallBatch = (ir: ModelIR): ModelIR => ({ ...ir, train: { ...ir.train, batch: 8 } });

describe("routing decision vs the kernels each backend has", () => {
  it("wasm's routes need only kernels tfjs-backend-wasm registers; tfjs's own conv gradient would not", async () => {
    await selectBackend("wasm", { wasmThreads: 1 });
    const wasm = new Set(tf.getKernelsForBackend("wasm").map((k) => k.kernelName));
    for (const [name, ir] of models()) {
      const used = await kernelsOfStep(ir, { ...routesFor("wasm"), adam: "host" }); // the heap kernel is not a tfjs kernel
      expect([...used].filter((k) => !wasm.has(k)), name).toEqual([]);
    }
    const stock = await kernelsOfStep(specIR(routeSpec("conv")), { ...routesFor("wasm"), conv: "tfjs", adam: "host" });
    expect([...stock].filter((k) => !wasm.has(k))).toEqual(["Conv2DBackpropFilter"]);
  });

  it.skipIf(!installed("@tensorflow/tfjs-backend-webgpu"))(
    "webgpu's routes (tfjs ops everywhere) need only kernels tfjs-backend-webgpu registers",
    async () => {
      // Importing registers its kernels; without navigator.gpu it registers no backend (no adapter here).
      await import("@tensorflow/tfjs-backend-webgpu");
      const webgpu = new Set(tf.getKernelsForBackend("webgpu").map((k) => k.kernelName));
      expect(webgpu.has("Conv2DBackpropFilter")).toBe(true);
      const all = new Set<string>();
      for (const [name, ir] of models()) {
        const used = await kernelsOfStep(ir, routesFor("webgpu"));
        used.forEach((k) => all.add(k));
        expect([...used].filter((k) => !webgpu.has(k)), name).toEqual([]);
      }
      // the check is not vacuous: the conv gradients and Adam's ops were among them
      for (const k of ["Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", "BatchMatMul", "Sqrt"]) expect(all.has(k), k).toBe(true);
    },
  );
});
