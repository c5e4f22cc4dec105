// The webgpu backend in Node: @tensorflow/tfjs-backend-webgpu on Dawn (the npm `webgpu` package,
// which ships a prebuilt dawn.node). Both are optionalDependencies: imported on demand only.
//
// tfjs-webgpu registers itself only when `navigator.gpu` exists when it is imported, and then with
// priority 3, above wasm, asking for its own adapter. We do not give it a navigator: we ask Dawn
// for the adapter ourselves (so "no adapter" is a clear error in milliseconds, not an exception
// inside tfjs's factory) and register the backend's class on the device we got.
//
// Dawn needs a Vulkan driver for a GPU on Linux. Measured on this project's CPU-only Debian 12
// machines: without libvulkan1 requestAdapter() resolves null in ~2 ms (Dawn prints
// "Couldn't load Vulkan" with a C++ source location on stderr, which is why we look for the loader
// first). With mesa-vulkan-drivers installed Dawn sees only lavapipe and rejects it, as it lacks
// shaderUniformBufferArrayDynamicIndexing and its siblings (measured when issue #21 was filed), so
// requestAdapter() resolves null there too.
//
// tfjs-webgpu's synchronous read (dataSync) goes through OffscreenCanvas, which Node has not got:
// only asynchronous reads (`await t.data()`) work. Our backend instance says so instead of failing
// with "OffscreenCanvas is not defined".
import * as tf from "@tensorflow/tfjs";
import fs from "node:fs";
import { BackendUnavailableError } from "./errors";

const unavailable = (reason: string, hint: string) => new BackendUnavailableError("webgpu", reason, hint);

/** The package pair to install, pinned to the tfjs core in use. */
export const WEBGPU_INSTALL = `npm install --no-save webgpu@0.6 @tensorflow/tfjs-backend-webgpu@${tf.version_core}`;

const DRIVER_HINT =
  "webgpu needs a GPU with a Vulkan driver: the Vulkan loader (Debian: libvulkan1) and the GPU's driver " +
  "(NVIDIA's proprietary driver, or mesa-vulkan-drivers for AMD/Intel GPUs); Mesa's CPU rasteriser lavapipe " +
  "does not qualify (it lacks shaderUniformBufferArrayDynamicIndexing); on a machine without one use --backend wasm";

const VULKAN_LOADER_DIRS = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"];

/**
 * Whether the Vulkan loader library is on $LD_LIBRARY_PATH or the usual paths (Linux only, where
 * Dawn has no other backend by default; elsewhere null: unknown). Checked before Dawn is asked, so
 * a machine without it fails at once and without Dawn's native warning on stderr.
 */
export function vulkanLoaderPresent(env: NodeJS.ProcessEnv = process.env, dirs: readonly string[] = VULKAN_LOADER_DIRS): boolean | null {
  if (process.platform !== "linux") return null;
  const extra = (env.LD_LIBRARY_PATH ?? "").split(":").filter((d) => d);
  return [...extra, ...dirs].some((d) => fs.existsSync(`${d}/libvulkan.so.1`));
}

/** Why no adapter came back, in the user's terms. */
export function noAdapterReason(loader: boolean | null): string {
  const why = loader === false
    ? "the Vulkan loader libvulkan.so.1 is not installed"
    : loader === true
      ? "the installed Vulkan drivers offer no GPU that WebGPU accepts"
      : "no GPU driver that Dawn can use was found";
  return `Dawn (npm 'webgpu') found no WebGPU adapter: ${why}`;
}

interface Adapter {
  info?: unknown;
  features: { has(f: string): boolean };
  limits: Record<string, number>;
  requestDevice(d: object): Promise<unknown>;
}
export interface DawnModule {
  create(flags: string[]): { requestAdapter(o?: object): Promise<Adapter | null> };
  globals: Record<string, unknown>;
}
export type WebgpuModule = { WebGPUBackend: new (device: unknown, info?: unknown) => tf.KernelBackend };

async function optionalImport<T>(pkg: string): Promise<T> {
  const spec: string = pkg; // a variable keeps tsc and bundlers from resolving the optional package
  try {
    return (await import(spec)) as T;
  } catch (e) {
    const code = (e as { code?: string }).code;
    const missing = (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && String(e).includes(`'${pkg}'`);
    const msg = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    throw unavailable(missing ? `${pkg} is not installed` : `${pkg} failed to load (${msg})`, `install both with \`${WEBGPU_INSTALL}\``);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unavailable(`${what} did not answer within ${ms} ms`, DRIVER_HINT)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

let started: { adapter: string } | null = null;

/** The two packages, for callers that load them themselves (a bundle: bench/gpu/device-check.sh). */
export interface WebgpuModules {
  dawn?: DawnModule;
  backend?: WebgpuModule;
}

/**
 * Registers and starts tfjs's "webgpu" backend on Dawn's adapter; returns a description of the
 * adapter. Throws BackendUnavailableError when a package is missing or no adapter exists.
 */
export async function startWebgpu(timeoutMs = 5000, modules: WebgpuModules = {}): Promise<string> {
  if (started && tf.findBackend("webgpu")) {
    if (!(await tf.setBackend("webgpu"))) throw unavailable("the webgpu backend failed to restart", DRIVER_HINT);
    return started.adapter;
  }
  const dawn = modules.dawn ?? (await optionalImport<DawnModule>("webgpu"));
  const loader = vulkanLoaderPresent();
  if (loader === false) throw unavailable(noAdapterReason(false), DRIVER_HINT);
  const adapter = await withTimeout(dawn.create([]).requestAdapter({ powerPreference: "high-performance" }), timeoutMs, "Dawn's requestAdapter()");
  if (!adapter) throw unavailable(noAdapterReason(loader), DRIVER_HINT);
  // tfjs-webgpu reads GPUBufferUsage, GPUMapMode, … as globals.
  for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  const { WebGPUBackend } = modules.backend ?? (await optionalImport<WebgpuModule>("@tensorflow/tfjs-backend-webgpu"));
  // The device limits tfjs-webgpu's own factory asks for (tfjs-backend-webgpu/src/base.ts).
  const keys = ["maxComputeWorkgroupStorageSize", "maxComputeWorkgroupsPerDimension", "maxStorageBufferBindingSize", "maxBufferSize", "maxComputeWorkgroupSizeX", "maxComputeInvocationsPerWorkgroup"];
  const requiredFeatures = ["timestamp-query", "bgra8unorm-storage"].filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits: Object.fromEntries(keys.map((k) => [k, adapter.limits[k]])) });
  const info = adapter.info as { vendor?: string; architecture?: string; device?: string; description?: string } | undefined;
  const name = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s).join(" ") || "unnamed adapter";
  // priority 0: never tfjs's default; only an explicit setBackend picks it
  tf.registerBackend("webgpu", () => withoutSyncReads(new WebGPUBackend(device, adapter.info)), 0);
  if (!(await tf.setBackend("webgpu"))) throw unavailable(`the webgpu backend did not start on ${name}`, "see the log above");
  started = { adapter: name };
  return name;
}

/**
 * Makes a synchronous read on `be` (tfjs-webgpu's, which needs OffscreenCanvas) fail with a
 * BackendUnavailableError that says so, instead of "OffscreenCanvas is not defined" from deep in
 * tfjs; data already on the CPU still reads.
 */
export function withoutSyncReads<B extends { readSync(dataId: object): unknown }>(be: B): B {
  const readSync = be.readSync.bind(be);
  be.readSync = (dataId: object) => {
    try {
      return readSync(dataId);
    } catch (e) {
      if (!/OffscreenCanvas/.test(String(e))) throw e;
      throw unavailable(
        "it has no synchronous read in Node (tfjs-webgpu's dataSync needs OffscreenCanvas), and `intel train` reads each step's loss synchronously",
        "train with --backend tensorflow-gpu or wasm; in your own code read with `await tensor.data()`",
      );
    }
  };
  return be;
}
