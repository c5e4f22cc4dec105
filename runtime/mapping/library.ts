// Built-in mappings with learnable parameters (docs/architecture.md §1), as `builtin` nodes. The compiler creates
// their ParamIR and names them in attrs (schemas below); inputs[0] is y, batched [B, D].
import * as tf from "@tensorflow/tfjs";
import type { NodeIR } from "../../compiler/ir/types";
import { denseLayer } from "../model/layers";
import { activate } from "../model/activations";
import { registerBuiltin, type BuiltinContext } from "./builtins";
import type { Val } from "./values";
import type { Activation } from "../../compiler/ir/types";
import "./clusters"; // clusters_product
import "./planar"; // planar_flow
import "./sylvester"; // sylvester_flow

function ids(node: NodeIR, key: string, n: number): string[] {
  const v = node.attrs?.[key];
  if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === "string")) {
    throw new Error(`built-in '${String(node.attrs?.fn)}' needs attrs.${key}: ${n} parameter id(s)`);
  }
  return v as string[];
}

function param(ctx: BuiltinContext, id: string): tf.Tensor {
  const v = ctx.params.get(id);
  if (!v) throw new Error(`internal error: parameter '${id}' is not declared in the IR`);
  return v;
}

function layers(node: NodeIR): number {
  const n = node.attrs?.layers;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) throw new Error("attrs.layers must be an integer ≥ 1");
  return n;
}

const batched = (v: Val): tf.Tensor2D => {
  if (!v.batched || v.t.rank !== 2) throw new Error("expects the intermediary y : Real[D] (batched)");
  return v.t as tf.Tensor2D;
};

/**
 * hierarchy: attrs { splits: number[] (s₀…s_N), activation?: string (relu), kernels: id[N], biases: id[N] };
 * kernel i (1-based) is [s_{i−1} + s_i, s_i]. z₀ = y₀, z_i = act([z_{i−1}, y_i]·W_i + b_i), z = concat.
 */
registerBuiltin("hierarchy", ([v], node, ctx) => {
  const y = batched(v!);
  const splits = node.attrs?.splits;
  if (!Array.isArray(splits) || !splits.every((s) => typeof s === "number")) throw new Error("attrs.splits must be a list of sizes");
  const s = splits as number[];
  const act = (node.attrs?.activation ?? "relu") as Activation;
  const ws = ids(node, "kernels", s.length - 1).map((id) => param(ctx, id));
  const bs = ids(node, "biases", s.length - 1).map((id) => param(ctx, id));
  return { t: hierarchy(y, s, act, ws, bs), batched: true };
});

/** z for y : [B, Σ splits]; kernels[i − 1], biases[i − 1] make level i (schema above). */
export function hierarchy(y: tf.Tensor2D, splits: number[], act: Activation, kernels: tf.Tensor[], biases: tf.Tensor[]): tf.Tensor {
  const parts = tf.split(y, splits, 1);
  const zs: tf.Tensor[] = [parts[0]!];
  for (let i = 1; i < splits.length; i++) {
    const x = tf.concat([zs[i - 1]!, parts[i]!], 1) as tf.Tensor2D;
    const h = denseLayer(x, kernels[i - 1] as tf.Tensor2D, biases[i - 1] as tf.Tensor1D, act === "relu", true);
    zs.push(act === "relu" ? h : activate(h, act));
  }
  return zs.length === 1 ? zs[0]! : tf.concat(zs, 1);
}

/**
 * radial_flow: attrs { layers: L, z0: id[L] ([D]), alpha: id[L], beta: id[L] (scalars) };
 * f(y) = y + β̂·(y − z₀)/(α̂ + r), r = ‖y − z₀‖, α̂ = softplus(α), β̂ = −α̂ + softplus(β) (invertible).
 */
registerBuiltin("radial_flow", ([v], node, ctx) => {
  const n = layers(node);
  const [zs, as, bs] = (["z0", "alpha", "beta"] as const).map((k) => ids(node, k, n).map((id) => param(ctx, id)));
  return { t: radialFlow(batched(v!), zs!, as!, bs!), batched: true };
});

/** The radial layers in order on y : [B, D]; layer l reads z0s[l], alphas[l], betas[l]. */
export function radialFlow(y: tf.Tensor2D, z0s: tf.Tensor[], alphas: tf.Tensor[], betas: tf.Tensor[]): tf.Tensor2D {
  for (let l = 0; l < z0s.length; l++) {
    const d = tf.sub(y, z0s[l]!);
    const a = tf.softplus(tf.reshape(alphas[l]!, []));
    const bHat = tf.add(tf.neg(a), tf.softplus(tf.reshape(betas[l]!, [])));
    // r is only ever added to α̂ > 0, and its gradient at r = 0 is guarded like norm's
    const s = tf.sum(tf.square(d), 1, true);
    const pos = tf.greater(s, 0);
    const r = tf.where(pos, tf.sqrt(tf.where(pos, s, tf.onesLike(s))), tf.zerosLike(s));
    y = tf.add(y, tf.mul(tf.div(bHat, tf.add(a, r)), d));
  }
  return y;
}
