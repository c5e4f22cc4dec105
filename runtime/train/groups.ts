// Optimizer groups (TrainIR.groups): one optimizer per group of parameters, behind tf.Optimizer's
// interface, so that the loop, clipping, schedules and checkpoints treat it as one optimizer.
// A gradient goes to its variable's group; a group none of whose variables got a gradient in a call
// does not step (a scheme steps the encoder's group and the decoder's apart). Checkpoints hold
// every group's state, each weight named "<group>::<its own name>".
import * as tf from "@tensorflow/tfjs";
import type { OptimizerGroupIR, TrainIR } from "../../compiler/ir/types";
import { makeOptimizer, setLearningRate } from "./optimizer";

type NamedTensor = { name: string; tensor: tf.Tensor };
const SEP = "::";
const BRAND = Symbol("grouped optimizer");

interface Group {
  ir: OptimizerGroupIR;
  optimizer: tf.Optimizer;
  /** tf.Variable names of its parameters (set by bind) */
  names: Set<string>;
}

export class GroupedOptimizer extends tf.Optimizer {
  static className = "GroupedOptimizer";
  readonly [BRAND] = true;
  readonly groups: Group[];
  private bound = false;

  /** `reference`: the rate the loop's schedule scales (TrainIR.optimizer.lr); each group keeps its own ratio to it. */
  constructor(groups: readonly OptimizerGroupIR[], private readonly reference: number) {
    super();
    this.groups = groups.map((ir) => ({ ir, optimizer: makeOptimizer(ir.optimizer), names: new Set<string>() }));
  }

  /** Maps each group's ParamIR ids to the model's variables (their tf names differ from the ids). */
  bind(variables: ReadonlyMap<string, tf.Variable>): void {
    for (const g of this.groups) {
      g.names = new Set(
        g.ir.params.map((id) => {
          const v = variables.get(id);
          if (!v) throw new Error(`internal error: optimizer group '${g.ir.name}' names parameter '${id}', which the model does not have`);
          return v.name;
        }),
      );
    }
    this.bound = true;
  }

  /** The variables of the groups that `player` trains, in the model's order. */
  variablesOf(player: OptimizerGroupIR["player"], variables: ReadonlyMap<string, tf.Variable>): tf.Variable[] {
    const ids = new Set(this.groups.filter((g) => g.ir.player === player).flatMap((g) => g.ir.params));
    return [...variables].filter(([id]) => ids.has(id)).map(([, v]) => v);
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    if (!this.bound) throw new Error("internal error: the grouped optimizer was not bound to the model's variables");
    const list = Array.isArray(variableGradients) ? variableGradients : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name]! }));
    const parts = this.groups.map(() => [] as NamedTensor[]);
    for (const g of list) {
      const k = this.groups.findIndex((grp) => grp.names.has(g.name));
      if (k < 0) throw new Error(`internal error: variable '${g.name}' is in no optimizer group`);
      parts[k]!.push(g);
    }
    // Slots go by position in tfjs's optimizers: a group steps on all of its variables or none.
    this.groups.forEach((g, k) => {
      const part = parts[k]!;
      if (part.length === 0) return;
      if (part.length !== g.names.size) throw new Error(`internal error: optimizer group '${g.ir.name}' got gradients for ${part.length} of its ${g.names.size} variables`);
      g.optimizer.applyGradients(part);
    });
    this.incrementIterations();
  }

  /** The schedule's rate for the reference; each group gets its own base rate × the same factor. */
  setLearningRate(lr: number): void {
    const factor = lr / this.reference;
    for (const g of this.groups) setLearningRate(g.optimizer, g.ir.optimizer.lr * factor);
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [];
    for (const g of this.groups) for (const w of await g.optimizer.getWeights()) out.push({ name: `${g.ir.name}${SEP}${w.name}`, tensor: w.tensor });
    return out;
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    for (const g of this.groups) {
      const prefix = `${g.ir.name}${SEP}`;
      const mine = weightValues.filter((w) => w.name.startsWith(prefix)).map((w) => ({ name: w.name.slice(prefix.length), tensor: w.tensor }));
      // A group that never stepped has no state (its optimizer creates it at the first step).
      if (mine.length > 0) await g.optimizer.setWeights(mine);
    }
    const known = new Set(this.groups.map((g) => g.ir.name));
    const stray = weightValues.find((w) => !known.has(w.name.split(SEP)[0]!) || !w.name.includes(SEP));
    if (stray) throw new Error(`optimizer state '${stray.name}' belongs to no optimizer group of this model`);
  }

  override dispose(): void {
    for (const g of this.groups) g.optimizer.dispose();
    super.dispose();
  }

  getConfig(): tf.serialization.ConfigDict {
    return { groups: this.groups.map((g) => g.ir.name) };
  }
}

/** Duck-typed: tf.Optimizer's Symbol.hasInstance makes every optimizer `instanceof` any optimizer class. */
export const isGrouped = (o: tf.Optimizer): o is GroupedOptimizer => (o as unknown as Record<symbol, unknown>)[BRAND] === true;

/** The training's optimizer: the one of TrainIR.optimizer, or one per group. */
export function makeTrainOptimizer(t: TrainIR): tf.Optimizer {
  return t.groups ? new GroupedOptimizer(t.groups, t.optimizer.lr) : makeOptimizer(t.optimizer);
}

/** The checkpoint's record of the optimizer: "adam", or "groups(encoder: adam, decoder: adam)". */
export const optimizerKindOf = (t: TrainIR): string => (t.groups ? `groups(${t.groups.map((g) => `${g.name}: ${g.optimizer.kind}`).join(", ")})` : t.optimizer.kind);
