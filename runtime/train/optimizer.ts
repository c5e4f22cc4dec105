// Optimizers from the IR's settings, and their state as plain named arrays for checkpoints.
import * as tf from "@tensorflow/tfjs";
import type { TrainIR } from "../../compiler/ir/types";
import { Adam } from "../ops/adam";

export type OptimizerSettings = TrainIR["optimizer"];
type NamedTensor = { name: string; tensor: tf.Tensor };

/** Training settings out of range (from the spec or the command line): a user error. */
export class TrainSettingsError extends Error {
  override readonly name = "TrainSettingsError";
}

/** The optimizer the IR names, with the settings the compiler filled in (compiler/builtins/optimizers.ts);
 *  the IR schema checked their ranges, the learning rate is checked again for `--lr`. */
export function makeOptimizer(o: OptimizerSettings): tf.Optimizer {
  if (!(o.lr > 0)) throw new TrainSettingsError(`optimizer ${o.kind}: lr must be > 0, got ${o.lr}`);
  switch (o.kind) {
    case "adam":
      // As tf.train.adam did: no epsilon in the spec means the backend's (taken now, at construction:
      // 1e-7 on cpu/wasm, 1e-4 on webgl float16).
      return new FusedAdamOptimizer(o.lr, o.beta1, o.beta2, o.epsilon ?? tf.backend().epsilon());
    case "sgd":
      // Without momentum Nesterov changes nothing; plain SGD keeps such runs' checkpoints slot-free.
      return o.momentum > 0 ? momentumOptimizer(o.lr, o.momentum, o.nesterov === 1) : tf.train.sgd(o.lr);
    case "rmsprop":
      return tf.train.rmsprop(o.lr, o.decay, o.momentum, o.epsilon);
    default:
      throw new TrainSettingsError(`unknown optimizer '${String((o as { kind: string }).kind)}' (expected adam, sgd or rmsprop)`);
  }
}

/** tf.train.momentum, whose dispose() (tfjs 4.22) forgets SGD's learning-rate scalar `c`. */
function momentumOptimizer(lr: number, momentum: number, nesterov: boolean): tf.Optimizer {
  const opt = tf.train.momentum(lr, momentum, nesterov);
  const dispose = opt.dispose.bind(opt);
  opt.dispose = () => {
    dispose();
    (opt as unknown as { c?: tf.Tensor }).c?.dispose();
  };
  return opt;
}

/**
 * Sets the rate of the next steps (learning-rate schedules). FusedAdam and tfjs's SGD and momentum
 * optimizers have setLearningRate; RMSprop reads its `learningRate` field at every step but has no
 * setter. (Duck-typed: tf.Optimizer's Symbol.hasInstance makes every optimizer `instanceof` any.)
 */
export function setLearningRate(opt: tf.Optimizer, lr: number): void {
  const o = opt as unknown as { setLearningRate?: (lr: number) => void; learningRate?: number };
  if (typeof o.setLearningRate === "function") o.setLearningRate(lr);
  else if (typeof o.learningRate === "number") o.learningRate = lr;
  else throw new Error(`no way to set the learning rate of ${opt.getClassName()}`);
}

/**
 * runtime/ops/adam.ts's fused Adam behind tf.Optimizer's interface, so the loop and checkpoints use
 * it like any tfjs optimizer. Its weights are those of tf.train.adam, by the same names: "iter"
 * (int32 step count) first, then every variable's first moment (`<var>/m`), then its second (`<var>/v`).
 */
export class FusedAdamOptimizer extends tf.Optimizer {
  static className = "FusedAdam";
  private readonly adam: Adam;
  /** the variables' names and shapes, in the order of the moments (set by each step or a restore) */
  private slots: { name: string; shape: number[] }[] | null = null;

  constructor(public learningRate: number, readonly beta1: number, readonly beta2: number, readonly epsilon: number) {
    super();
    this.adam = new Adam({ lr: learningRate, beta1, beta2, eps: epsilon });
  }

  /** Adam reads `lr` afresh at every step (step size lr/(1 − β₁ᵗ)); it is declared readonly there
   * only because nothing else changed it. 0 is allowed (warm-up): the step leaves the weights be. */
  setLearningRate(lr: number): void {
    this.adam.setLearningRate(lr);
    this.learningRate = lr;
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const list = Array.isArray(variableGradients)
      ? variableGradients
      : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name]! }));
    const registered = tf.engine().registeredVariables;
    const vars = list.map((g) => {
      const v = registered[g.name];
      if (!v) throw new Error(`adam: no variable '${g.name}'`);
      return v;
    });
    // Moments go by position, as in tfjs's optimizers (a resumed run's variables may be named anew);
    // Adam.apply checks the sizes.
    this.adam.apply(vars, list.map((g) => g.tensor));
    this.slots = vars.map((v) => ({ name: v.name, shape: v.shape.slice() }));
    this.incrementIterations();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const s = this.adam.exportState();
    const slots = this.slots ?? [];
    return [
      { name: "iter", tensor: tf.scalar(s.t, "int32") },
      ...slots.map((v, k) => ({ name: `${v.name}/m`, tensor: tf.tensor(s.m[k]!, v.shape, "float32") })),
      ...slots.map((v, k) => ({ name: `${v.name}/v`, tensor: tf.tensor(s.v[k]!, v.shape, "float32") })),
    ];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    if (rest.length % 2 !== 0) throw new Error(`adam: expected first and second moments, got ${rest.length} tensors`);
    const half = rest.length / 2;
    const ms = rest.slice(0, half), vs = rest.slice(half);
    const slots = ms.map((w, k) => {
      const name = w.name.replace(/\/m$/, "");
      if (!w.name.endsWith("/m") || vs[k]!.name !== `${name}/v`) throw new Error(`adam: unexpected optimizer weights '${w.name}', '${vs[k]!.name}'`);
      return { name, shape: w.tensor.shape.slice() };
    });
    const read = async (t: tf.Tensor) => Float32Array.from((await t.data()) as Float32Array);
    this.adam.importState({ t: this.iterations_, m: await Promise.all(ms.map((w) => read(w.tensor))), v: await Promise.all(vs.map((w) => read(w.tensor))) });
    this.slots = slots;
  }

  override dispose(): void {
    this.adam.dispose();
    super.dispose();
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
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

/** Checkpoints written while adam was tf.train.adam also hold its running β products; the fused
 * Adam computes them with pow(), so on such a resume they are dropped. */
const LEGACY_ADAM_ACC = ["adam/accBeta1", "adam/accBeta2"];

export async function optimizerState(opt: tf.Optimizer): Promise<SavedTensor[]> {
  const out: SavedTensor[] = [];
  for (const w of await opt.getWeights()) {
    out.push(await toSaved(w.name, w.tensor));
    // tfjs's getWeights hands out its live slot variables plus a fresh "iter" scalar, which is ours
    // to free; FusedAdamOptimizer's are all fresh.
    if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
  }
  return out;
}

export async function restoreOptimizerState(opt: tf.Optimizer, saved: readonly SavedTensor[]): Promise<void> {
  const weights = opt instanceof FusedAdamOptimizer ? saved.filter((s) => !LEGACY_ADAM_ACC.includes(s.name)) : saved;
  const named = weights.map((s) => ({ name: s.name, tensor: tf.tensor(s.data, s.shape, s.dtype) }));
  await opt.setWeights(named);
  // setWeights made variables from (copies of) these tensors.
  for (const n of named) n.tensor.dispose();
}
