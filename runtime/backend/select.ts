// Backend selection (docs/architecture.md §3): auto = tensorflow-gpu → tensorflow → wasm → cpu; webgpu on request.
// tfjs-node[-gpu] are optional: imported dynamically, never listed in package.json; webgpu's two
// packages are optionalDependencies (runtime/backend/webgpu.ts).
import * as tf from "@tensorflow/tfjs";
import { getThreadsCount, setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import os from "node:os";
import path from "node:path";
import { BackendUnavailableError, type ResolvedBackend } from "./errors";
import { MATMUL_NAMES, useMatmul, type MatmulName } from "./native-blas";
import { forceRoutes, type KernelRoutes } from "./routes";
import { registerThreadedWasm, wasmPackageDir } from "./wasm_threads";
import { startWebgpu, type WebgpuModules } from "./webgpu";

/** Every name `--backend` takes, in the order of the docs. */
export const BACKEND_NAMES = ["auto", "tensorflow-gpu", "tensorflow", "webgpu", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type { ResolvedBackend } from "./errors";
export { BackendUnavailableError };

export interface BackendInfo {
  /** The backend actually in use. */
  name: ResolvedBackend;
  /** Version of @tensorflow/tfjs (the core the runtime is built on). */
  tfjsVersion: string;
  /** Human-readable detail: threads, binary, native library, why a fallback happened. */
  detail: string;
}

export interface SelectOptions {
  /**
   * wasm threads. Default: $INTEL_WASM_THREADS, else every core (os.availableParallelism()) when
   * the machine looks idle (1-minute load average below half the cores), else 1. Measured with 2
   * cores: idle, 2 threads cut the MLP step by ~15 % and the conv step by ~35 %; with the cores
   * busy, XNNPACK's threads spin and the step got 15–50 % *slower*. Tests pin 1.
   * 1 loads tfjs's ordinary SIMD build; >1 the threaded build through our Node loader, falling
   * back to 1 thread if that fails (the reason goes into `detail`). Capped at 8 by tfjs.
   */
  wasmThreads?: number;
  /**
   * Overrides the backend's kernel routes (runtime/backend/routes.ts), e.g. `{ dense: "custom" }`
   * to run the wasm dense op on cpu. Named in `detail`, so a run's config.json records them.
   */
  routes?: Partial<KernelRoutes>;
  /**
   * Who computes the wasm backend's matrix products: tfjs's XNNPACK (the default) or the
   * machine's OpenBLAS through the project's addon (runtime/backend/native-blas.ts). Default:
   * $INTEL_MATMUL, else "xnnpack". Ignored, and said so in `detail`, on other backends.
   */
  matmul?: MatmulName;
}

/** See SelectOptions.matmul. */
export function matmulChoice(opts: SelectOptions): MatmulName {
  if (opts.matmul) return opts.matmul;
  const env = process.env.INTEL_MATMUL;
  if (env == null || env === "") return "xnnpack";
  if (!(MATMUL_NAMES as readonly string[]).includes(env)) {
    throw new BackendUnavailableError("wasm", `INTEL_MATMUL must be ${MATMUL_NAMES.join(" or ")}, got '${env}'`, "unset it to use XNNPACK", true);
  }
  return env as MatmulName;
}

const INSTALL_HINTS: Record<"tensorflow-gpu" | "tensorflow", string> = {
  "tensorflow-gpu":
    "install it with `npm install @tensorflow/tfjs-node-gpu@" + tf.version_core + "` " +
    "(it downloads libtensorflow with CUDA support at install time, so it needs network access then, " +
    "plus a CUDA/cuDNN setup matching that libtensorflow build)",
  tensorflow:
    "install it with `npm install @tensorflow/tfjs-node@" + tf.version_core + "` " +
    "(it downloads the native libtensorflow at install time, so it needs network access then)",
};

function errText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n")[0] ?? msg;
}

async function trySet(name: string): Promise<boolean> {
  // setBackend resolves false (and logs) when the backend factory throws.
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

async function selectTensorflow(which: "tensorflow-gpu" | "tensorflow"): Promise<BackendInfo> {
  const pkg = which === "tensorflow-gpu" ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node";
  let mod: { version?: Record<string, string> };
  try {
    // A variable specifier keeps tsc and bundlers from resolving the optional package.
    const spec: string = pkg;
    mod = (await import(spec)) as typeof mod;
  } catch (e) {
    const code = (e as { code?: string }).code;
    const missing = code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
    const reason = missing ? `${pkg} is not installed` : `${pkg} failed to load (${errText(e)})`;
    throw new BackendUnavailableError(which, reason, INSTALL_HINTS[which]);
  }
  // tfjs-node registers "tensorflow" on the tfjs-core it resolves; a second copy of tfjs-core
  // (version mismatch) would register it somewhere we cannot see.
  if (tf.findBackendFactory("tensorflow") == null || !(await trySet("tensorflow"))) {
    throw new BackendUnavailableError(
      which,
      `${pkg} loaded but did not register the 'tensorflow' backend with @tensorflow/tfjs ${tf.version_core}`,
      `make its version match: ${INSTALL_HINTS[which]}`,
    );
  }
  const v = mod.version ?? {};
  const native = v["tfjs-node"] ?? v["tfjs-node-gpu"] ?? "?";
  return { name: which, tfjsVersion: tf.version_core, detail: `${pkg} ${native} (native libtensorflow)` };
}

/**
 * Emscripten's Node glue installs process-wide uncaughtException/unhandledRejection handlers that
 * rethrow from inside its minified bundle, so every later uncaught error in the process prints a
 * 40–55 kB source line. tfjs removes them only on dispose; we remove them right after start-up.
 */
async function withoutEmscriptenHandlers<T>(f: () => Promise<T>): Promise<T> {
  const events = ["uncaughtException", "unhandledRejection"] as const;
  const emitter = process as NodeJS.EventEmitter;
  const before = events.map((e) => new Set(emitter.listeners(e)));
  try {
    return await f();
  } finally {
    events.forEach((e, i) => {
      for (const l of emitter.listeners(e)) if (!before[i]!.has(l)) emitter.removeListener(e, l as (...a: unknown[]) => void);
    });
  }
}

/** See SelectOptions.wasmThreads. */
export function defaultWasmThreads(): number {
  const fromEnv = Number(process.env.INTEL_WASM_THREADS);
  if (fromEnv > 0) return Math.floor(fromEnv);
  const cores = os.availableParallelism();
  return os.loadavg()[0]! < cores / 2 ? cores : 1;
}

let wasmState: { threads: number; threaded: boolean; note: string } | null = null;

async function selectWasm(opts: SelectOptions): Promise<BackendInfo> {
  const dist = path.join(wasmPackageDir(), "dist") + path.sep;
  const threads = Math.max(1, Math.floor(opts.wasmThreads ?? defaultWasmThreads()));
  // With OpenBLAS's products the threads go to OpenBLAS and the wasm module stays single-threaded:
  // the threaded build's idle workers cost more than its elementwise kernels gain (MLP step,
  // OpenBLAS 1 thread: 21.4 ms on the threaded build against 15.8 ms on the plain one).
  const matmul = matmulChoice(opts);
  const want = matmul === "openblas" ? 1 : threads;
  const simd = (await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) as boolean;
  if (wasmState == null) {
    // The wasm module is created once per process; later calls reuse it whatever they ask.
    let note = "";
    let threaded = false;
    if (opts.wasmThreads == null && !(Number(process.env.INTEL_WASM_THREADS) > 0) && threads === 1 && os.availableParallelism() > 1) {
      note = `; the machine is busy (load ${os.loadavg()[0]!.toFixed(1)}), so no extra threads (INTEL_WASM_THREADS overrides)`;
    }
    if (tf.findBackend("wasm") != null) {
      // Someone already started tfjs's own loader (it is the highest-priority backend once
      // imported); replacing it would invalidate their tensors, so keep it.
      note = want > 1 ? "; already started single-threaded before selectBackend" : "";
    } else if (want > 1 && simd) {
      setThreadsCount(want);
      const restore = registerThreadedWasm();
      if (await withoutEmscriptenHandlers(() => trySet("wasm"))) {
        threaded = true;
      } else {
        note = "; threaded build failed to start, fell back to 1 thread";
        restore();
        setThreadsCount(1);
      }
    }
    if (tf.getBackend() !== "wasm") {
      setWasmPaths(dist); // a file path: Emscripten reads the binary with fs in Node
      if (!(await withoutEmscriptenHandlers(() => trySet("wasm")))) {
        throw new BackendUnavailableError(
          "wasm",
          `could not load the wasm binary from ${dist}`,
          "reinstall @tensorflow/tfjs-backend-wasm (`npm ci`)",
        );
      }
    }
    wasmState = { threads: Math.max(1, getThreadsCount()), threaded, note };
  } else if (!(await trySet("wasm"))) {
    throw new BackendUnavailableError("wasm", "the wasm backend failed to initialise", "see the log above");
  }
  const t = wasmState.threads;
  const build = wasmState.threaded ? "threaded-simd" : simd ? "simd" : "plain";
  const products = useMatmul(matmul, matmul === "openblas" ? threads : t);
  return {
    name: "wasm",
    tfjsVersion: tf.version_core,
    detail: `tfjs-backend-wasm ${build}, ${t} thread${t === 1 ? "" : "s"}${wasmState.note}${products}`,
  };
}

async function selectCpu(): Promise<BackendInfo> {
  if (!(await trySet("cpu"))) {
    throw new BackendUnavailableError("cpu", "tfjs's cpu backend did not initialise", "reinstall @tensorflow/tfjs");
  }
  // Its first-use banner ("install tfjs-node") would interleave with our own output; the hint is
  // in `detail` instead.
  (tf.backend() as { firstUse?: boolean }).firstUse = false;
  return {
    name: "cpu",
    tfjsVersion: tf.version_core,
    detail: "tfjs-backend-cpu (pure JavaScript, slow; wasm or @tensorflow/tfjs-node are much faster)",
  };
}

/**
 * Makes `name` the active tfjs backend and says which one it is. Explicit names throw
 * BackendUnavailableError when they cannot be used; "auto" falls through the list and records
 * why each richer backend was skipped in `detail`.
 */
export async function selectBackend(name: BackendName = "auto", opts: SelectOptions = {}): Promise<BackendInfo> {
  let info = await selectOnly(name, opts);
  if (info.name !== "wasm" && matmulChoice(opts) !== "xnnpack") {
    info = { ...info, detail: `${info.detail}; matmul ${matmulChoice(opts)} ignored: it applies to the wasm backend` };
  }
  const routes = opts.routes && Object.keys(opts.routes).length ? opts.routes : null;
  forceRoutes(tf.getBackend(), routes);
  if (!routes) return info;
  const named = Object.entries(routes).map(([k, v]) => `${k}=${v}`).join(", ");
  return { ...info, detail: `${info.detail}; kernel routes forced: ${named}` };
}

/** webgpu with its packages passed in (a bundle that cannot import them by name); else as selectBackend. */
export async function selectWebgpu(modules: WebgpuModules = {}): Promise<BackendInfo> {
  const adapter = await startWebgpu(5000, modules);
  return { name: "webgpu", tfjsVersion: tf.version_core, detail: `tfjs-backend-webgpu on Dawn, adapter: ${adapter}` };
}

async function selectOnly(name: BackendName, opts: SelectOptions): Promise<BackendInfo> {
  // An op run before any backend was chosen starts tfjs's default (wasm) initialising in the
  // background; switching while that is pending leaves tfjs reporting "not yet initialized".
  const pending = (tf.engine() as unknown as { pendingBackendInit?: Promise<unknown> | null }).pendingBackendInit;
  if (pending) await pending.catch(() => undefined);
  switch (name) {
    case "tensorflow-gpu":
    case "tensorflow":
      return selectTensorflow(name);
    case "webgpu":
      return selectWebgpu();
    case "wasm":
      return selectWasm(opts);
    case "cpu":
      return selectCpu();
    case "auto": {
      // Not webgpu: the training loop reads each step's loss terms synchronously, which tfjs-webgpu
      // cannot do in Node (runtime/backend/webgpu.ts), so it stays opt-in; auto never loads Dawn.
      const skipped: string[] = [];
      for (const b of ["tensorflow-gpu", "tensorflow", "wasm"] as const) {
        try {
          const info = b === "wasm" ? await selectWasm(opts) : await selectTensorflow(b);
          return skipped.length ? { ...info, detail: `${info.detail} (skipped: ${skipped.join("; ")})` } : info;
        } catch (e) {
          if (!(e instanceof BackendUnavailableError) || e.requested) throw e;
          skipped.push(`${b}: ${e.reason}`);
        }
      }
      const info = await selectCpu();
      return { ...info, detail: `${info.detail} (skipped: ${skipped.join("; ")})` };
    }
    default: {
      const bad: never = name;
      throw new Error(`unknown backend '${String(bad)}' (expected ${BACKEND_NAMES.join(", ")})`);
    }
  }
}
