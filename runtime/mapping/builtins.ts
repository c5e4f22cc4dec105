// `builtin` nodes: attrs.fn names the function; its other attrs are its settings. The IR's op list
// names the core; functions of the language without an op of their own land here. Built-in
// *mappings* with parameters (hierarchy, flows) register themselves with `registerBuiltin`.
import * as tf from "@tensorflow/tfjs";
import type { NodeIR } from "../../compiler/ir/types";
import { elu } from "../model/activations";
import { elementwise, gather } from "./ops";
import { asFloat, num, rankOf, tensorAxis, type Val } from "./values";

export interface BuiltinContext {
  params: Map<string, tf.Variable>;
  training: boolean;
  seed: number;
}

export type BuiltinImpl = (vals: Val[], node: NodeIR, ctx: BuiltinContext) => Val;

const REGISTRY = new Map<string, BuiltinImpl>();

export function registerBuiltin(name: string, impl: BuiltinImpl): void {
  REGISTRY.set(name, impl);
}

/** The names of the registered built-ins (the emitter's tests check it writes out each). */
export const builtinNames = (): string[] => [...REGISTRY.keys()].sort();

export function runBuiltin(vals: Val[], node: NodeIR, ctx: BuiltinContext): Val {
  const name = node.attrs?.fn ?? node.attrs?.name;
  if (typeof name !== "string") throw new Error(`a 'builtin' node needs attrs.fn (the function's name)`);
  const impl = REGISTRY.get(name);
  if (!impl) throw new Error(`the runtime has no built-in '${name}' (known: ${[...REGISTRY.keys()].sort().join(", ")})`);
  return impl(vals, node, ctx);
}

const unary = (f: (x: tf.Tensor) => tf.Tensor): BuiltinImpl => (v) => elementwise([v[0]!], f);

/** log Φ(x): log of the cdf above −5, the asymptotic series below (both branches kept finite). */
export function normalLogCdf(x: tf.Tensor): tf.Tensor {
  const xa = tf.maximum(x, -5);
  const direct = tf.log(tf.mul(tf.add(tf.erf(tf.mul(xa, Math.SQRT1_2)), 1), 0.5));
  const xb = tf.minimum(x, -5);
  const x2 = tf.square(xb);
  const series = tf.log(tf.add(tf.sub(1, tf.div(1, x2)), tf.div(3, tf.square(x2))));
  const tail = tf.sub(tf.sub(tf.mul(x2, -0.5), tf.log(tf.neg(xb))), 0.5 * Math.log(2 * Math.PI));
  return tf.where(tf.greater(x, -5), direct, tf.add(tail, series));
}

function reduceWith(f: (x: tf.Tensor, axes: number[], keep: boolean) => tf.Tensor): BuiltinImpl {
  return ([v], node) => {
    const a = node.attrs?.axis;
    const r = rankOf(v!);
    const axes =
      a === undefined || a === null
        ? Array.from({ length: r }, (_, i) => (v!.batched ? i + 1 : i))
        : (Array.isArray(a) ? a : [a]).map((x) => tensorAxis(v!, x as number));
    const keep = typeof node.attrs?.keepdims === "boolean" ? node.attrs.keepdims : node.shape.length === r;
    return { t: f(asFloat(v!.t), axes, keep), batched: v!.batched };
  };
}

registerBuiltin("square", unary(tf.square));
registerBuiltin("log1p", unary(tf.log1p));
registerBuiltin("expm1", unary(tf.expm1));
registerBuiltin("sinh", unary(tf.sinh));
registerBuiltin("cosh", unary(tf.cosh));
registerBuiltin("ceil", unary(tf.ceil));
// tfjs has no stopGradient op: an identity whose gradient is zero
export const stopGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
  value: tf.clone(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => [tf.zerosLike(dy)],
})) as (x: tf.Tensor) => tf.Tensor;
registerBuiltin("stop_gradient", unary((x) => stopGradient(x)));
registerBuiltin("normal_log_cdf", unary(normalLogCdf));
registerBuiltin("elu", (v, node) => {
  const alpha = num(node.attrs, "alpha", 1);
  return elementwise([v[0]!], (x) => elu(x, alpha));
});
registerBuiltin("mod", (v, node) => {
  const m = v[1] ?? { t: tf.scalar(num(node.attrs, "m", 1)), batched: false };
  return elementwise([v[0]!, m], (x, mm) => tf.sub(x, tf.mul(mm, tf.floor(tf.div(x, mm)))));
});
registerBuiltin("sum", reduceWith((x, a, k) => tf.sum(x, a, k)));
registerBuiltin("prod", reduceWith((x, a, k) => tf.prod(x, a, k)));
registerBuiltin("amin", reduceWith((x, a, k) => tf.min(x, a, k)));
registerBuiltin("amax", reduceWith((x, a, k) => tf.max(x, a, k)));
registerBuiltin("logsumexp", reduceWith((x, a, k) => tf.logSumExp(x, a, k)));
registerBuiltin("log_softmax", ([v], node) => {
  const ax = tensorAxis(v!, num(node.attrs, "axis", -1));
  const x = asFloat(v!.t);
  return { t: tf.sub(x, tf.logSumExp(x, ax, true)), batched: v!.batched };
});
registerBuiltin("cumsum", ([v], node) => ({ t: tf.cumsum(asFloat(v!.t), tensorAxis(v!, num(node.attrs, "axis", -1))), batched: v!.batched }));
registerBuiltin("dot", (v) => {
  const p = elementwise([v[0]!, v[1]!], tf.mul);
  return { t: tf.sum(p.t, -1), batched: p.batched };
});
registerBuiltin("transpose", ([v]) => {
  const r = v!.t.rank;
  const perm = Array.from({ length: r }, (_, i) => i);
  [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
  return { t: tf.transpose(v!.t, perm), batched: v!.batched };
});
registerBuiltin("gather", ([v], node) => {
  const idx = node.attrs?.indices ?? node.attrs?.index;
  if (!Array.isArray(idx)) throw new Error("gather needs constant attrs.indices (a list of integers)");
  return gather(v!, v!.t.rank - 1, (idx as number[]).map(Math.trunc), true);
});
