// Loads tfjs-backend-wasm's *threaded* SIMD build in Node.
//
// tfjs refuses threads in Node (WASM_HAS_MULTITHREAD_SUPPORT is hard-wired false, tfjs#3830) and
// its loader hands Emscripten a Blob-URL worker, which Node's worker_threads cannot start. The
// Emscripten glue itself supports Node (worker_threads + SharedArrayBuffer), so we call the
// threaded factory directly with a worker script written to a real file, and wrap the module in
// tfjs's own BackendWasm class (kernels are registered per backend *name*, so they all apply).
//
// Two more catches, both measured on a 2-core box:
// - the C side caps threads at emscripten_num_logical_cores()/2 (it assumes hyper-threading), and
//   in Node that is os.cpus().length: with 2 cores the cap is 1. We report a doubled CPU list to
//   the factory while it initialises so the cap becomes the real core count.
// - pthreadpool's workers stay alive and ref'd, which would keep the process from exiting; we
//   unref them (they are idle between kernels anyway).
//
// Tied to the 4.22 file layout (wasm-out/*.js); any failure here makes the caller fall back to
// the ordinary single-threaded build.
import * as tf from "@tensorflow/tfjs";
import { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const require = createRequire(import.meta.url);

/** Directory holding tfjs-backend-wasm's package.json (the .wasm binaries are in dist/). */
export function wasmPackageDir(): string {
  return path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
}

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  PThread?: { unusedWorkers: { unref(): void }[]; runningWorkers: { unref(): void }[] };
  tfjs?: unknown;
}

function writeWorkerScript(contents: string): string {
  // tfjs escapes newlines the same way before making its Blob: the template literal holds "\n"
  // inside JS string literals that must stay escaped.
  const text = contents.replace(/\n/g, "\\n");
  const hash = createHash("sha1").update(text).digest("hex").slice(0, 12);
  const file = path.join(os.tmpdir(), `intel-vae-tfjs-wasm-worker-${hash}.cjs`);
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  }
  return file;
}

async function createThreadedModule(): Promise<EmscriptenModule> {
  const root = wasmPackageDir();
  const mainScript = path.join(root, "wasm-out", "tfjs-backend-wasm-threaded-simd.js");
  const factory = require(mainScript) as (cfg: object) => Promise<EmscriptenModule>;
  const { wasmWorkerContents } = require(
    path.join(root, "wasm-out", "tfjs-backend-wasm-threaded-simd.worker.js"),
  ) as { wasmWorkerContents: string };
  const workerFile = writeWorkerScript(wasmWorkerContents);
  const realCpus = os.cpus;
  (os as { cpus: typeof os.cpus }).cpus = () => {
    const c = realCpus();
    return [...c, ...c];
  };
  try {
    return await factory({
      locateFile: (p: string) =>
        p.endsWith(".worker.js") ? workerFile : path.join(root, "dist", p),
      mainScriptUrlOrBlob: mainScript,
    });
  } finally {
    (os as { cpus: typeof os.cpus }).cpus = realCpus;
  }
}

/**
 * Registers (replacing tfjs's own) a "wasm" backend factory that uses the threaded build.
 * The thread count must already be set with setThreadsCount(). Returns a function that puts
 * tfjs's own single-threaded factory back (for the fallback).
 */
export function registerThreadedWasm(priority = 2): () => void {
  const original = tf.findBackendFactory("wasm");
  tf.removeBackend("wasm");
  tf.registerBackend(
    "wasm",
    async () => {
      const mod = await createThreadedModule();
      mod.tfjs = {
        init: mod.cwrap("init", null, []),
        initWithThreadsCount: mod.cwrap("init_with_threads_count", null, ["number"]),
        getThreadsCount: mod.cwrap("get_threads_count", "number", []),
        registerTensor: mod.cwrap("register_tensor", null, ["number", "number", "number"]),
        disposeData: mod.cwrap("dispose_data", null, ["number"]),
        dispose: mod.cwrap("dispose", null, []),
      };
      // The constructor creates the pthreadpool (threads spawn here).
      const backend = new BackendWasm(mod as unknown as ConstructorParameters<typeof BackendWasm>[0]);
      for (const w of [...(mod.PThread?.unusedWorkers ?? []), ...(mod.PThread?.runningWorkers ?? [])]) {
        w.unref();
      }
      return backend;
    },
    priority,
  );
  return () => {
    tf.removeBackend("wasm");
    if (original) tf.registerBackend("wasm", original, priority);
  };
}
