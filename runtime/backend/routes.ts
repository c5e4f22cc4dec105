// Which implementation each backend-specific op takes: one table, a function of the backend's name.
//
// The fast paths in runtime/ops are written around tfjs-backend-wasm (no Conv2DBackpropFilter,
// slow transposed matMuls, memory-bound elementwise kernels); other backends are better served by
// tfjs's own ops and gradients. Every op reads its route from here, and selectBackend can force any
// route on any backend (`SelectOptions.routes`), so each branch can be run, and compared with the
// default one, on the cpu backend without the hardware it was written for.
import * as tf from "@tensorflow/tfjs";

export interface KernelRoutes {
  /** dense layers while gradients are recorded: the transposed-layout custom op, or matMul + autodiff */
  dense: "custom" | "tfjs";
  /** conv2d / conv2dTranspose while gradients are recorded: Conv2D-only custom gradients, or tfjs's */
  conv: "custom" | "tfjs";
  /** Adam's update: SIMD kernel on the wasm heap, a JavaScript loop over host arrays, or tfjs ops */
  adam: "wasm-heap" | "host" | "ops";
  /** layout helpers (2-D transpose, per-channel sums): tuned for wasm's kernels, or plain tfjs */
  layout: "wasm" | "plain";
}

export const ROUTE_CHOICES: { readonly [K in keyof KernelRoutes]: readonly KernelRoutes[K][] } = {
  dense: ["custom", "tfjs"],
  conv: ["custom", "tfjs"],
  adam: ["wasm-heap", "host", "ops"],
  layout: ["wasm", "plain"],
};

/**
 * The default routes of a backend (tfjs's registered name: "wasm", "cpu", "tensorflow", "webgpu").
 * wasm: everything custom (see the ops' file comments for the measurements). cpu: tfjs's ops, and
 * Adam as a loop over the tensors' own arrays (dataSync is zero-copy there). Native and GPU
 * backends (tfjs-node, webgpu): tfjs's ops everywhere, Adam included, so nothing leaves the device;
 * webgpu registers every kernel our models' training steps run (test/runtime/routes.test.ts checks
 * it), Conv2DBackpropFilter included, so it needs none of wasm's work-arounds.
 */
export function routesFor(backend: string): KernelRoutes {
  // With OpenBLAS's products (runtime/backend/native-blas.ts) a transposed product costs nothing
  // extra, so the plain matMul + autodiff dense beats the transposed layout: MLP step 15.8 against
  // 18.6 ms (wasm 1 thread, `npx tsx bench/step.ts --matmul openblas [--routes dense=tfjs]`).
  // Likewise its three conv kernels make tfjs's own conv gradients the direct ones (see conv.ts).
  if (backend === "wasm") {
    const blas = wasmMatmul === "openblas";
    return { dense: blas ? "tfjs" : "custom", conv: blas ? "tfjs" : "custom", adam: "wasm-heap", layout: "wasm" };
  }
  if (backend === "cpu") return { dense: "tfjs", conv: "tfjs", adam: "host", layout: "plain" };
  return { dense: "tfjs", conv: "tfjs", adam: "ops", layout: "plain" };
}

let wasmMatmul: "xnnpack" | "openblas" = "xnnpack";

/** Told by runtime/backend/native-blas.ts which kernel computes the wasm backend's products. */
export function setWasmMatmul(name: "xnnpack" | "openblas"): void {
  wasmMatmul = name;
}

let forced: { backend: string; routes: Partial<KernelRoutes> } | null = null;

/** Throws on a route that does not exist (a typo in a caller's override). */
export function checkRoutes(r: Partial<KernelRoutes>): void {
  for (const [k, v] of Object.entries(r)) {
    const allowed = ROUTE_CHOICES[k as keyof KernelRoutes] as readonly string[] | undefined;
    if (!allowed) throw new Error(`unknown kernel route '${k}' (expected ${Object.keys(ROUTE_CHOICES).join(", ")})`);
    if (!allowed.includes(v as string)) throw new Error(`kernel route ${k} must be one of ${allowed.join(", ")}, got '${String(v)}'`);
  }
}

/**
 * Overrides some routes while `backend` is the active tfjs backend (selectBackend calls this with
 * its `routes` option, or null to clear). "wasm-heap" needs the wasm backend: elsewhere Adam falls
 * back to "host".
 */
export function forceRoutes(backend: string, routes: Partial<KernelRoutes> | null): void {
  if (routes) checkRoutes(routes);
  forced = routes && Object.keys(routes).length ? { backend, routes: { ...routes } } : null;
}

/** The routes in effect for the active backend: its defaults, with selectBackend's overrides. */
export function activeRoutes(backend: string = tf.getBackend()): KernelRoutes {
  const base = routesFor(backend);
  return forced?.backend === backend ? { ...base, ...forced.routes } : base;
}
