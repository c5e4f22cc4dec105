// Optimizers from the IR's settings, and their state as plain named arrays for checkpoints.
import * as tf from "@tensorflow/tfjs";
import type { TrainIR } from "../../compiler/ir/types";

export type OptimizerSettings = TrainIR["optimizer"];

/** Training settings out of range (from the spec or the command line): a user error. */
export class TrainSettingsError extends Error {
  override readonly name = "TrainSettingsError";
}

function setting(o: OptimizerSettings, key: string, fallback: number): number {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new TrainSettingsError(`optimizer ${o.kind}: ${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

/** Adam (β₁ 0.9, β₂ 0.999), SGD, RMSprop (decay 0.9, momentum 0) — the usual defaults. */
export function makeOptimizer(o: OptimizerSettings): tf.Optimizer {
  if (!(o.lr > 0)) throw new TrainSettingsError(`optimizer ${o.kind}: lr must be > 0, got ${o.lr}`);
  // epsilon: undefined lets tfjs use the backend's (1e-7 on cpu/wasm, 1e-4 on webgl float16).
  const eps = o.epsilon === undefined ? undefined : setting(o, "epsilon", 1e-7);
  switch (o.kind) {
    case "adam":
      return tf.train.adam(o.lr, setting(o, "beta1", 0.9), setting(o, "beta2", 0.999), eps);
    case "sgd":
      return tf.train.sgd(o.lr);
    case "rmsprop":
      return tf.train.rmsprop(o.lr, setting(o, "decay", 0.9), setting(o, "momentum", 0), eps, o.centered === 1 || o.centered === "true");
    default:
      throw new TrainSettingsError(`unknown optimizer '${String((o as { kind: string }).kind)}' (expected adam, sgd or rmsprop)`);
  }
}

export interface SavedTensor {
  name: string;
  shape: number[];
  dtype: "float32" | "int32";
  data: Float32Array | Int32Array;
}

async function toSaved(name: string, t: tf.Tensor): Promise<SavedTensor> {
  const dtype = t.dtype === "int32" ? "int32" : "float32";
  const data = (await t.data()) as Float32Array | Int32Array;
  return { name, shape: t.shape.slice(), dtype, data: dtype === "int32" ? Int32Array.from(data) : Float32Array.from(data) };
}

/** Adam keeps β₁ᵗ and β₂ᵗ as running products; tfjs's setWeights recomputes them with pow(), which
 * differs in the last bits, so we save and restore the products themselves (bit-for-bit resume). */
interface AdamInternals {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}
const ADAM_ACC = ["adam/accBeta1", "adam/accBeta2"] as const;

export async function optimizerState(opt: tf.Optimizer): Promise<SavedTensor[]> {
  const out: SavedTensor[] = [];
  for (const w of await opt.getWeights()) {
    out.push(await toSaved(w.name, w.tensor));
    // getWeights hands out the live slot variables plus a fresh "iter" scalar, which is ours to free.
    if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
  }
  const adam = opt as unknown as AdamInternals;
  if (opt instanceof tf.AdamOptimizer && adam.accBeta1 && adam.accBeta2) {
    out.push(await toSaved(ADAM_ACC[0], adam.accBeta1), await toSaved(ADAM_ACC[1], adam.accBeta2));
  }
  return out;
}

export async function restoreOptimizerState(opt: tf.Optimizer, saved: readonly SavedTensor[]): Promise<void> {
  const extra = saved.filter((s) => (ADAM_ACC as readonly string[]).includes(s.name));
  const weights = saved.filter((s) => !extra.includes(s));
  const named = weights.map((s) => ({ name: s.name, tensor: tf.tensor(s.data, s.shape, s.dtype) }));
  await opt.setWeights(named);
  // setWeights made variables from (copies of) these tensors.
  for (const n of named) n.tensor.dispose();
  const adam = opt as unknown as AdamInternals;
  for (const s of extra) {
    const v = s.name === ADAM_ACC[0] ? adam.accBeta1 : adam.accBeta2;
    if (v) tf.tidy(() => v.assign(tf.tensor(s.data, s.shape, "float32")));
  }
}
