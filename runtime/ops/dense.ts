// Dense layer y = act(x·W + b) with a backward pass shaped for tfjs-backend-wasm.
//
// What is slow on wasm (tfjs 4.22, measured on this project's 2-core box, see bench/):
// - matMul with transposeA/transposeB leaves XNNPACK for a naive loop: ~15× slower.
// - XNNPACK packs the *second* operand of every matMul into its own layout, keyed on the tensor id.
//   Weights change every optimizer step, so `x·W` re-packs all of W every step: 784×512 costs
//   ~4 ms of packing against ~4.5 ms of arithmetic. An explicit transpose is ~1 ms.
// So the weight is always the *first* operand and the packed operand is batch-sized:
//   forward  y  = (Wᵀ · xᵀ)ᵀ          (one weight-sized transpose, no weight packing)
//   backward dW = xᵀ · dZ             (xᵀ saved from the forward)
//            dx = (W · dZᵀ)ᵀ          (no weight-sized work at all)
//            db = Σ_batch dZ
// Without a gradient tape (evaluation, sampling) the weights do not change between calls, so plain
// x·W is best everywhere: XNNPACK packs W once and reuses it until W is reassigned.
// On tfjs's cpu backend transposes make no difference (every matMul is ~250 ms there) and
// tfjs-node does transposes natively, so those use tfjs's own ops and autodiff, which also skips
// the input gradient whenever x is not differentiated. Which one runs: runtime/backend/routes.ts.
import * as tf from "@tensorflow/tfjs";
import { activeRoutes } from "../backend/routes";
import { transpose2d } from "./layout";

export type DenseActivation = "linear" | "relu";
export type DenseImpl = "auto" | "custom" | "tfjs";

export interface DenseOptions {
  activation?: DenseActivation;
  /**
   * false when x is data (the first layer): the custom backward then skips dx, the biggest matMul
   * of that layer. If a gradient with respect to x is requested anyway, tfjs throws a shape error
   * ("gradient of input '0' has shape ''") rather than returning a wrong number.
   */
  inputGrad?: boolean;
  /** "auto": the backend's route (runtime/backend/routes.ts) while gradients are recorded, otherwise "tfjs". */
  impl?: DenseImpl;
}

const T = transpose2d;

function activate(z: tf.Tensor2D, act: DenseActivation): tf.Tensor2D {
  return act === "relu" ? tf.relu(z) : z;
}

/** dL/dz from dL/dy, using the output y of the activation (relu: y > 0 ⇔ z > 0). */
function activationGrad(dy: tf.Tensor2D, y: tf.Tensor2D, act: DenseActivation): tf.Tensor2D {
  return act === "relu" ? tf.mul(dy, tf.step(y)) : dy;
}

type Grad2 = (dy: tf.Tensor2D, saved: tf.Tensor[]) => tf.Tensor[];

function makeCustom(act: DenseActivation, withBias: boolean, inputGrad: boolean) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor2D;
    const w = args[1] as tf.Tensor2D;
    const b = withBias ? (args[2] as tf.Tensor1D) : null;
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const xT = T(x);
    const z0 = T(tf.matMul(T(w), xT));
    const y = activate(b ? tf.add(z0, b) : z0, act);
    save([xT, w, y]);
    const gradFunc: Grad2 = (dy, saved) => {
      const [sxT, sw, sy] = saved as tf.Tensor2D[];
      const dz = activationGrad(dy, sy!, act);
      const dw = tf.matMul(sxT!, dz);
      const dx = inputGrad ? T(tf.matMul(sw!, T(dz))) : tf.scalar(0);
      return b ? [dx, dw, tf.sum(dz, 0)] : [dx, dw];
    };
    return { value: y, gradFunc };
  });
}

const customOps = new Map<string, (...t: tf.Tensor[]) => tf.Tensor2D>();

function customOp(act: DenseActivation, withBias: boolean, inputGrad: boolean) {
  const key = `${act}/${withBias}/${inputGrad}`;
  let op = customOps.get(key);
  if (!op) {
    op = makeCustom(act, withBias, inputGrad) as (...t: tf.Tensor[]) => tf.Tensor2D;
    customOps.set(key, op);
  }
  return op;
}

/** Which implementation "auto" resolves to while training on `backend` (default: the active one). */
export function denseImplFor(backend: string = tf.getBackend()): Exclude<DenseImpl, "auto"> {
  return activeRoutes(backend).dense;
}

/** y = act(x·W + b); x: [batch, in], W: [in, out], b: [out]. */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D | null, opts: DenseOptions = {}): tf.Tensor2D {
  const act = opts.activation ?? "linear";
  if (x.rank !== 2 || w.rank !== 2 || x.shape[1] !== w.shape[0]) {
    throw new Error(`dense: x ${JSON.stringify(x.shape)} and W ${JSON.stringify(w.shape)} do not chain (need [n, k]·[k, m])`);
  }
  if (b && (b.rank !== 1 || b.shape[0] !== w.shape[1])) {
    throw new Error(`dense: bias ${JSON.stringify(b.shape)} does not match W ${JSON.stringify(w.shape)}`);
  }
  const impl = !opts.impl || opts.impl === "auto" ? (tf.engine().isTapeOn() ? denseImplFor() : "tfjs") : opts.impl;
  if (impl === "tfjs") {
    return tf.tidy(() => {
      const z = tf.matMul(x, w) as tf.Tensor2D;
      return activate(b ? (tf.add(z, b) as tf.Tensor2D) : z, act);
    });
  }
  const op = customOp(act, b != null, opts.inputGrad ?? true);
  return b ? op(x, w, b) : op(x, w);
}

/** One layer of a dense chain: act(h·W + b). */
export interface ChainLayer {
  w: tf.Tensor2D;
  b?: tf.Tensor1D | null;
  activation?: DenseActivation;
}

// A run of dense layers as one op, computed in the transposed layout hᵀ [features, batch]:
//   forward   zᵢᵀ = Wᵢᵀ · hᵢᵀ + bᵢ (a column), hᵢ₊₁ᵀ = act(zᵢᵀ)   (one weight transpose per layer)
//   backward  dzᵢᵀ = dhᵢ₊₁ᵀ ⊙ [hᵢ₊₁ᵀ > 0],  dWᵢ = hᵢᵀ · (dzᵢᵀ)ᵀ,  dbᵢ = Σ_batch dzᵢᵀ (a row sum),
//             dhᵢᵀ = Wᵢ · dzᵢᵀ                                  (one activation transpose per layer)
// The activations are transposed once on the way in and once on the way out, instead of three
// times per layer as a sequence of `dense` ops does, the bias gradient is a sum along the last
// axis (a sum over axis 0 is a generic transpose plus a sum on wasm), and only the activations are
// saved for the backward pass (saving clones every tensor; the weights, when they are variables,
// are read where they are: nothing assigns a weight between a step's forward and backward pass).
// Measured on the MLP VAE (wasm, 1 thread, process CPU time): ~53 → ~48 ms per training step.
function makeChain(acts: DenseActivation[], hasBias: boolean[], inputGrad: boolean, wIsVar: boolean[]) {
  const n = acts.length;
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const x = args[0] as tf.Tensor2D;
    const ws: tf.Tensor2D[] = [];
    const bs: (tf.Tensor1D | null)[] = [];
    let k = 1;
    for (let i = 0; i < n; i++) {
      ws.push(args[k++] as tf.Tensor2D);
      bs.push(hasBias[i] ? (args[k++] as tf.Tensor1D) : null);
    }
    // hs[i] = hᵢᵀ, the input of layer i (hs[n] = the output)
    const hs: tf.Tensor2D[] = [T(x)];
    for (let i = 0; i < n; i++) {
      const w = ws[i]!, b = bs[i];
      const z = tf.matMul(T(w), hs[i]!);
      const zb = b ? tf.add(z, tf.reshape(b, [w.shape[1], 1])) : z;
      hs.push((acts[i] === "relu" ? tf.relu(zb) : zb) as tf.Tensor2D);
    }
    const y = T(hs[n]!);
    // Saved: h₀ᵀ … hₙ₋₁ᵀ (hₙᵀ only for its ReLU mask) and the weights that are not variables.
    const needLast = acts[n - 1] === "relu";
    const savedWs = ws.filter((_, i) => !wIsVar[i]);
    save([...hs.slice(0, needLast ? n + 1 : n), ...savedWs]);
    const gradFunc = (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const sh = saved.slice(0, needLast ? n + 1 : n) as tf.Tensor2D[];
      const sw = saved.slice(needLast ? n + 1 : n) as tf.Tensor2D[];
      let j = 0;
      const wAt = ws.map((w, i) => (wIsVar[i] ? w : sw[j++]!));
      const gw: tf.Tensor[] = new Array(n);
      const gb: (tf.Tensor | null)[] = new Array(n);
      let d = T(dy);
      for (let i = n - 1; i >= 0; i--) {
        const dz = acts[i] === "relu" ? tf.mul(d, tf.step(i === n - 1 ? sh[n]! : sh[i + 1]!)) : d;
        gw[i] = tf.matMul(sh[i]!, T(dz as tf.Tensor2D));
        gb[i] = hasBias[i] ? tf.sum(dz, 1) : null;
        if (i > 0 || inputGrad) d = tf.matMul(wAt[i]!, dz as tf.Tensor2D);
      }
      const out: tf.Tensor[] = [inputGrad ? T(d) : tf.scalar(0)];
      for (let i = 0; i < n; i++) {
        out.push(gw[i]!);
        if (hasBias[i]) out.push(gb[i]!);
      }
      return out;
    };
    return { value: y, gradFunc };
  });
}

const chainOps = new Map<string, (...t: tf.Tensor[]) => tf.Tensor2D>();

/**
 * act(… act(x·W₁ + b₁) … ·Wₙ + bₙ): several dense layers as one op. On wasm while gradients are
 * recorded, one custom op in the transposed layout (see makeChain); elsewhere exactly the
 * sequence of `dense` calls (same kernels, same numbers). `inputGrad` as for `dense`.
 */
export function denseChain(x: tf.Tensor2D, layers: ChainLayer[], opts: { inputGrad?: boolean; impl?: DenseImpl } = {}): tf.Tensor2D {
  if (layers.length === 0) return x;
  let k = x.shape[1];
  for (const l of layers) {
    if (l.w.rank !== 2 || l.w.shape[0] !== k) {
      throw new Error(`dense: x ${JSON.stringify([x.shape[0], k])} and W ${JSON.stringify(l.w.shape)} do not chain (need [n, k]·[k, m])`);
    }
    if (l.b && (l.b.rank !== 1 || l.b.shape[0] !== l.w.shape[1])) {
      throw new Error(`dense: bias ${JSON.stringify(l.b.shape)} does not match W ${JSON.stringify(l.w.shape)}`);
    }
    k = l.w.shape[1];
  }
  const impl = !opts.impl || opts.impl === "auto" ? (tf.engine().isTapeOn() ? denseImplFor() : "tfjs") : opts.impl;
  if (impl === "tfjs" || x.rank !== 2) {
    let h = x;
    for (const [i, l] of layers.entries()) h = dense(h, l.w, l.b ?? null, { activation: l.activation ?? "linear", inputGrad: i > 0 || opts.inputGrad !== false, impl: "tfjs" });
    return h;
  }
  const acts = layers.map((l) => l.activation ?? "linear");
  const hasBias = layers.map((l) => l.b != null);
  const wIsVar = layers.map((l) => l.w instanceof tf.Variable);
  const inputGrad = opts.inputGrad ?? true;
  const key = `${acts.join(",")}/${hasBias.join(",")}/${wIsVar.join(",")}/${inputGrad}`;
  let op = chainOps.get(key);
  if (!op) {
    op = makeChain(acts, hasBias, inputGrad, wIsVar) as (...t: tf.Tensor[]) => tf.Tensor2D;
    chainOps.set(key, op);
  }
  const inputs: tf.Tensor[] = [x];
  for (const l of layers) {
    inputs.push(l.w);
    if (l.b) inputs.push(l.b);
  }
  return op(...inputs);
}
