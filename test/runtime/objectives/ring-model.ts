// The objective tests' shared set-up: a tiny ring model compiled from one objective line, the
// models built in a file disposed after it, and one fixed batch of 8 points.
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll } from "vitest";
import { compileSource } from "../../../compiler/compile";
import type { ModelIR } from "../../../compiler/ir/types";
import { buildModel } from "../../../runtime/model/build";
import type { CompiledModel } from "../../../runtime/model/compiled";
import { RING_SMALL as RING, tinySpec } from "../../tiny-spec";

export interface RingSpec {
  name: string;
  objective: string;
  d?: number;
  prior?: string;
  epochs?: number;
}

/** The IR of the ring model with this objective (a compile error throws, naming its diagnostics). */
export function ringIR({ name, objective, d, prior, epochs = 1 }: RingSpec): ModelIR {
  const text = tinySpec({ name, d, prior, objective, data: RING, hidden: 8, sigma: 0.3, train: `optimizer: adam(lr: 1e-2), batch: 10, epochs: ${epochs}, seed: 3` });
  const r = compileSource(text, { file: `test/runtime/objectives/${name}.intel` });
  if (!r.ir) throw new Error(r.check.diagnostics.map((diag) => diag.message).join("; "));
  return r.ir;
}

/** Call at a describe's (or the file's) top: `build` makes models disposed after it, `x()` is the batch. */
export function useRingModels(): { build: (ir: ModelIR) => CompiledModel; x: () => tf.Tensor2D } {
  const models: CompiledModel[] = [];
  let x: tf.Tensor2D | undefined;
  beforeAll(() => {
    x = tf.mul(tf.randomNormal([8, 2], 0, 1, "float32", 21), 1.5) as tf.Tensor2D;
  });
  afterAll(() => {
    models.splice(0).forEach((m) => m.dispose());
    x?.dispose();
  });
  return {
    build: (ir) => {
      const m = buildModel(ir, 1);
      models.push(m);
      return m;
    },
    x: () => x!,
  };
}
