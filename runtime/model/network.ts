// Runs a NetworkIR (a flat list of layers with concrete shapes) on a batch: x [B, ...net.input],
// step by step as compiler/ir/network-plan.ts groups them; each layer kind's implementation is in
// layer-registry.ts.
import * as tf from "@tensorflow/tfjs";
import { planNetwork } from "../../compiler/ir/network-plan";
import type { LayerIR, NetworkIR } from "../../compiler/ir/types";
import "./gradients";
import { LAYER_IMPLS, type LayerRun } from "./layer-registry";
import { denseChainLayer } from "./layers";

export interface NetContext {
  params: Map<string, tf.Variable>;
  state: Map<string, tf.Variable>;
  /** batch statistics + moving-average updates for batch_norm, dropout on */
  training: boolean;
  /** dropout seed base (already derived); layer i uses deriveSeed(seed, i) */
  seed: number;
  /** the input is data, never differentiated (lets the first dense layer skip dx) */
  inputIsData?: boolean;
  /** the mapping's: the datapoints x of y's rows, for a mapping conditioned on x (its `data` node) */
  data?: tf.Tensor;
}

function lookup(m: Map<string, tf.Variable>, id: string, what: string): tf.Variable {
  const v = m.get(id);
  if (!v) throw new Error(`internal error: ${what} '${id}' is used by a layer but not declared in the IR`);
  return v;
}

function asShape(x: tf.Tensor, shape: number[]): tf.Tensor {
  const want = [x.shape[0]!, ...shape];
  return tf.util.arraysEqual(x.shape, want) ? x : tf.reshape(x, want);
}

/** One layer by its kind's implementation (the registry is typed per kind; the step's node is one of them). */
function runLayer(x: tf.Tensor, l: LayerIR, r: LayerRun): tf.Tensor {
  const impl = LAYER_IMPLS[l.kind] as (x: tf.Tensor, l: LayerIR, r: LayerRun) => tf.Tensor;
  if (!impl) throw new Error(`internal error: unknown layer ${JSON.stringify(l)}`);
  return impl(x, l, r);
}

/** The network's output, [B, ...net.output]. */
export function runNetwork(net: NetworkIR, input: tf.Tensor, ctx: NetContext): tf.Tensor {
  let x = asShape(input, net.input);
  const dataInput = ctx.inputIsData ?? false;
  const param = (id: string) => lookup(ctx.params, id, "parameter");
  const state = (id: string) => lookup(ctx.state, id, "state");
  for (const step of planNetwork(net.layers)) {
    const inputGrad = !(step.first && dataInput);
    if (step.kind === "dense_run") {
      x = asShape(x, step.run[0]!.layer.in);
      const run = step.run.map(({ layer, relu }) => ({
        w: param(layer.kernel) as tf.Tensor as tf.Tensor2D,
        b: layer.bias === undefined ? null : (param(layer.bias) as tf.Tensor as tf.Tensor1D),
        activation: relu ? ("relu" as const) : ("linear" as const),
      }));
      x = asShape(denseChainLayer(x as tf.Tensor2D, run, inputGrad), step.out);
      continue;
    }
    const l = step.layer;
    x = asShape(x, l.in);
    // every layer's output in its `out` shape: what reshape and flatten are
    x = asShape(runLayer(x, l, { ctx, index: step.index, inputGrad, relu: step.relu, param, state }), l.out);
  }
  return asShape(x, net.output);
}
