// Initial values of learnable parameters and state, one derived seed per tensor.
import * as tf from "@tensorflow/tfjs";
import type { InitIR, ParamIR } from "../../compiler/ir/types";
import { deriveSeed, STREAM } from "./random";

/** The initial value of one tensor; `seed` is already derived (never 0). */
export function initialValue(shape: number[], init: InitIR, seed: number): tf.Tensor {
  switch (init.kind) {
    case "glorot_uniform": {
      const lim = Math.sqrt(6 / (init.fanIn + init.fanOut));
      return tf.randomUniform(shape, -lim, lim, "float32", seed);
    }
    case "he_normal":
      // Keras' he_normal: a normal truncated at 2σ, σ rescaled so the variance is 2 / fanIn.
      return tf.truncatedNormal(shape, 0, Math.sqrt(2 / init.fanIn) / 0.8796256610342398, "float32", seed);
    case "zeros":
      return tf.zeros(shape);
    case "ones":
      return tf.ones(shape);
    case "constant":
      return tf.fill(shape, init.value);
    case "normal":
      return tf.randomNormal(shape, init.mean, init.std, "float32", seed);
    case "uniform":
      return tf.randomUniform(shape, init.low, init.high, "float32", seed);
    default: {
      const bad: never = init;
      throw new Error(`internal error: unknown initialiser ${JSON.stringify(bad)}`);
    }
  }
}

let modelCounter = 0;

/** A per-process model number for variable names (tfjs registers names globally). */
export const modelTag = (): string => `m${++modelCounter}`;

/** A tf.Variable holding `init()` (computed in a tidy scope). */
export function newVariable(name: string, trainable: boolean, init: () => tf.Tensor): tf.Variable {
  const v = tf.tidy(init);
  const out = tf.variable(v, trainable, name);
  v.dispose();
  return out;
}

/** tf.Variables for a list of ParamIR; the i-th gets seed deriveSeed(runSeed, STREAM.param, offset + i). */
export function makeVariables(params: ParamIR[], runSeed: number, trainable: boolean, offset = 0): Map<string, tf.Variable> {
  const tag = modelTag();
  const out = new Map<string, tf.Variable>();
  params.forEach((p, i) => {
    if (out.has(p.id)) throw new Error(`internal error: duplicate parameter id '${p.id}' in the IR`);
    out.set(p.id, newVariable(`${tag}/${p.id}`, trainable, () => initialValue(p.shape, p.init, deriveSeed(runSeed, STREAM.param, offset + i))));
  });
  return out;
}
