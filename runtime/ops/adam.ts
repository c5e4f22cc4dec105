// Adam with PyTorch's update rule, fused into one pass over each parameter.
//
// tf.train.adam spends ~14 elementwise kernels per variable per step; on tfjs-backend-wasm that
// was ~11 ms of a ~60 ms MLP-VAE step (1.1 M parameters): wasm's elementwise kernels are
// memory-bound and each allocates a fresh buffer. Three routes (runtime/backend/routes.ts picks one
// per backend; any can be forced on any backend to compare them):
// - "wasm-heap" (wasm): a 4-wide SIMD kernel (adam_kernel.ts) on tfjs's own heap; moments live there.
// - "host" (cpu, and wasm without SIMD): the same loop in JavaScript on the tensors' arrays
//   (~7 ns/param; zero-copy on cpu and wasm, a download and an upload elsewhere).
// - "ops" (tfjs-node, webgpu): the formula with tfjs ops, native there; moments stay tensors.
//
// The new weight is always a *new* tensor assigned to the variable, never an in-place write: the
// wasm backend caches XNNPACK operators (with their packed copy of the weights) by tensor id, so
// writing into a weight's memory would leave a stale packed copy behind.
import * as tf from "@tensorflow/tfjs";
import { activeRoutes } from "../backend/routes";
import { adamKernelFor, type AdamKernel, type WasmMemory } from "./adam_kernel";

export interface AdamConfig {
  lr: number;
  beta1?: number;
  beta2?: number;
  /** PyTorch's default 1e-8 (tfjs's is 1e-7). */
  eps?: number;
}

/** Serialisable optimizer state (for checkpoints): step count and both moments per variable. */
export interface AdamState {
  t: number;
  m: Float32Array[];
  v: Float32Array[];
}

interface WasmModule {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  wasmMemory?: WasmMemory; // threaded build
  asm?: { memory?: WasmMemory }; // single-threaded build
}

interface WasmBackend {
  wasm: WasmModule;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
  getMemoryOffset(dataId: object): number;
}

/** Moments kept on the wasm heap, next to the tensors the kernel reads. */
interface HeapMoments {
  mod: WasmModule;
  memory: WasmMemory;
  kernel: AdamKernel;
  m: number[];
  v: number[];
}

export class Adam {
  /** the step size; schedules change it between steps (setLearningRate) */
  private lrNow: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private t = 0;
  private m: Float32Array[] = [];
  private v: Float32Array[] = [];
  private heap: HeapMoments | null = null;
  private mt: tf.Tensor[] = [];
  private vt: tf.Tensor[] = [];

  constructor(cfg: AdamConfig) {
    this.lrNow = cfg.lr;
    this.beta1 = cfg.beta1 ?? 0.9;
    this.beta2 = cfg.beta2 ?? 0.999;
    this.eps = cfg.eps ?? 1e-8;
    if (!(cfg.lr > 0)) throw new Error(`adam: lr must be > 0 (got ${cfg.lr})`);
  }

  get lr(): number {
    return this.lrNow;
  }

  /** A schedule's rate for the next steps; 0 is allowed (the first step of a warm-up). */
  setLearningRate(lr: number): void {
    if (!(lr >= 0 && Number.isFinite(lr))) throw new Error(`adam: learning rate must be ≥ 0, got ${lr}`);
    this.lrNow = lr;
  }

  /** Steps taken so far. */
  get step(): number {
    return this.t;
  }

  /**
   * One Adam step. `grads` is in the order of `vars`, or the map tf.variableGrads returns.
   * Gradients are not disposed here.
   */
  apply(vars: tf.Variable[], grads: tf.Tensor[] | tf.NamedTensorMap): void {
    const gs = Array.isArray(grads) ? grads : vars.map((v) => grads[v.name]);
    if (this.m.length === 0 && !this.heap) {
      this.m = vars.map((v) => new Float32Array(v.size));
      this.v = vars.map((v) => new Float32Array(v.size));
    }
    const sizes = this.heap ? this.heapSizes : this.m.map((a) => a.length);
    if (sizes.length !== vars.length) throw new Error(`adam: built for ${sizes.length} variables, got ${vars.length}`);
    vars.forEach((w, k) => {
      const g = gs[k];
      if (!g) throw new Error(`adam: no gradient for variable '${w.name}'`);
      if (g.size !== w.size || sizes[k] !== w.size) {
        throw new Error(`adam: variable '${w.name}' ${JSON.stringify(w.shape)} vs gradient ${JSON.stringify(g.shape)}`);
      }
    });
    this.t++;
    const b1 = this.beta1, b2 = this.beta2;
    const stepSize = this.lr / (1 - Math.pow(b1, this.t));
    const invSqrtBc2 = 1 / Math.sqrt(1 - Math.pow(b2, this.t));
    const backendName = tf.getBackend();
    const route = activeRoutes(backendName).adam;
    const heap = route === "wasm-heap" && backendName === "wasm" ? this.heapFor(tf.backend() as unknown as WasmBackend) : null;
    const onDevice = route === "ops";
    // Moments move to where this step's route keeps them (only when the route changed).
    if (!heap && (!onDevice || this.heap)) this.toHost();
    for (let k = 0; k < vars.length; k++) {
      const w = vars[k]!, g = gs[k]!;
      let out: tf.Tensor;
      if (heap) {
        const be = tf.backend() as unknown as WasmBackend;
        const info = be.makeOutput(w.shape, "float32");
        const n = w.size, n4 = n & ~3;
        const [pw, pg, po] = [be.getMemoryOffset(w.dataId), be.getMemoryOffset(g.dataId), be.getMemoryOffset(info.dataId)];
        heap.kernel(pw, pg, heap.m[k]!, heap.v[k]!, po, n4 * 4, b1, b2, 1 - b1, 1 - b2, stepSize, invSqrtBc2, this.eps);
        if (n4 < n) {
          const f = (p: number) => new Float32Array(heap.memory.buffer, p + n4 * 4, n - n4);
          update(f(pw), f(pg), f(heap.m[k]!), f(heap.v[k]!), f(po), b1, b2, stepSize, invSqrtBc2, this.eps);
        }
        out = tf.engine().makeTensorFromTensorInfo(info);
      } else if (onDevice) {
        out = this.updateWithOps(k, w, g, stepSize, invSqrtBc2);
      } else {
        // Zero-copy reads on wasm (heap views) and cpu (dataSync returns the backing array).
        const read = backendName === "wasm"
          ? (t: tf.Tensor) => (tf.backend() as unknown as WasmBackend).typedArrayFromHeap(t)
          : (t: tf.Tensor) => t.dataSync() as Float32Array;
        const res = new Float32Array(w.size);
        update(read(w), read(g), this.m[k]!, this.v[k]!, res, b1, b2, stepSize, invSqrtBc2, this.eps);
        out = tf.tensor(res, w.shape, "float32");
      }
      w.assign(out);
      out.dispose();
    }
  }

  private get heapSizes(): number[] {
    return this.heap ? this.heap.m.map((_, k) => this.heapLen[k]!) : [];
  }
  private heapLen: number[] = [];

  // Moves the moments onto this wasm module's heap (once), or returns null without SIMD.
  private heapFor(be: WasmBackend): HeapMoments | null {
    if (this.heap?.mod === be.wasm) return this.heap;
    const memory = be.wasm.wasmMemory ?? be.wasm.asm?.memory;
    const kernel = memory ? adamKernelFor(memory) : null;
    if (!memory || !kernel) return null;
    this.toHost();
    const alloc = (a: Float32Array) => {
      const p = be.wasm._malloc(Math.max(16, a.length * 4));
      new Float32Array(memory.buffer, p, a.length).set(a);
      return p;
    };
    this.heapLen = this.m.map((a) => a.length);
    this.heap = { mod: be.wasm, memory, kernel, m: this.m.map(alloc), v: this.v.map(alloc) };
    this.m = [];
    this.v = [];
    return this.heap;
  }

  // Brings the moments back into JavaScript arrays (and frees the heap copies).
  private toHost(): void {
    if (this.mt.length) {
      this.m = this.mt.map((t) => Float32Array.from(t.dataSync() as Float32Array));
      this.v = this.vt.map((t) => Float32Array.from(t.dataSync() as Float32Array));
      tf.dispose([...this.mt, ...this.vt]);
      this.mt = [];
      this.vt = [];
    }
    const h = this.heap;
    if (!h) return;
    const read = (p: number, k: number) => new Float32Array(h.memory.buffer, p, this.heapLen[k]!).slice();
    this.m = h.m.map(read);
    this.v = h.v.map(read);
    for (const p of [...h.m, ...h.v]) h.mod._free(p);
    this.heap = null;
  }

  // Native backends: the same formula with tfjs ops; moments stay tensors between steps.
  private updateWithOps(k: number, w: tf.Tensor, g: tf.Tensor, stepSize: number, invSqrtBc2: number): tf.Tensor {
    if (!this.mt[k]) {
      this.mt[k] = tf.keep(tf.tensor(this.m[k]!, w.shape));
      this.vt[k] = tf.keep(tf.tensor(this.v[k]!, w.shape));
    }
    const [m, v, out] = tf.tidy(() => {
      const m = tf.add(tf.mul(this.mt[k]!, this.beta1), tf.mul(g, 1 - this.beta1));
      const v = tf.add(tf.mul(this.vt[k]!, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
      const denom = tf.add(tf.mul(tf.sqrt(v), invSqrtBc2), this.eps);
      return [tf.keep(m), tf.keep(v), tf.sub(w, tf.mul(tf.div(m, denom), stepSize))];
    });
    this.mt[k]!.dispose();
    this.vt[k]!.dispose();
    this.mt[k] = m;
    this.vt[k] = v;
    return out;
  }

  exportState(): AdamState {
    this.toHost();
    return { t: this.t, m: this.m.map((a) => a.slice()), v: this.v.map((a) => a.slice()) };
  }

  importState(s: AdamState): void {
    this.dispose();
    this.t = s.t;
    this.m = s.m.map((a) => a.slice());
    this.v = s.v.map((a) => a.slice());
  }

  /** Frees what the optimizer holds outside JavaScript (heap moments, tensors). */
  dispose(): void {
    this.toHost();
  }
}

// Plain loop; V8 keeps it in float64 registers and stores float32.
function update(
  w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, out: Float32Array,
  b1: number, b2: number, stepSize: number, invSqrtBc2: number, eps: number,
): void {
  const c1 = 1 - b1, c2 = 1 - b2;
  for (let i = 0, n = w.length; i < n; i++) {
    const gi = g[i]!;
    const mi = b1 * m[i]! + c1 * gi;
    const vi = b2 * v[i]! + c2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    out[i] = w[i]! - (stepSize * mi) / (Math.sqrt(vi) * invSqrtBc2 + eps);
  }
}
