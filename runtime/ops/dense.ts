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
// the input gradient whenever x is not differentiated.
import * as tf from "@tensorflow/tfjs";
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
  /** "auto": "custom" on wasm while gradients are recorded, otherwise "tfjs" (measured, see above). */
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

/** Which implementation "auto" resolves to on the active backend. */
export function denseImplFor(backend: string = tf.getBackend()): Exclude<DenseImpl, "auto"> {
  return backend === "wasm" ? "custom" : "tfjs";
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
