// The mapping graph's ops, vectorised over the batch (see values.ts for the batched/unbatched rule).
import * as tf from "@tensorflow/tfjs";
import type { OpAttrs } from "../../compiler/ir/schema";
import type { Value } from "../../compiler/ir/types";
import { align, asFloat, num, rankOf, tensorAxis, withBatch, type Val } from "./values";
import { gatherAxis } from "../ops/gather";

/** an op's attrs: typed by its schema where it has one (OpAttrs), read by key otherwise */
type Attrs = Record<string, unknown>;

const SQRT1_2 = Math.SQRT1_2;

export const UNARY: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  neg: tf.neg,
  abs: tf.abs,
  sqrt: tf.sqrt,
  log: tf.log,
  exp: tf.exp,
  sin: tf.sin,
  cos: tf.cos,
  tan: tf.tan,
  asin: tf.asin,
  acos: tf.acos,
  atan: tf.atan,
  tanh: tf.tanh,
  sigmoid: tf.sigmoid,
  softplus: tf.softplus,
  relu: tf.relu,
  sign: tf.sign,
  floor: tf.floor,
  round: tf.round,
  normal_cdf: (x) => tf.mul(tf.add(tf.erf(tf.mul(x, SQRT1_2)), 1), 0.5),
};

export const BINARY: Record<string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = {
  add: tf.add,
  sub: tf.sub,
  mul: tf.mul,
  div: tf.div,
  pow: tf.pow,
  min: tf.minimum,
  max: tf.maximum,
  atan2: tf.atan2,
};

export const COMPARE: Record<string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = {
  eq: tf.equal,
  ne: tf.notEqual,
  lt: tf.less,
  le: tf.lessEqual,
  gt: tf.greater,
  ge: tf.greaterEqual,
};

/** Elementwise op on aligned operands; `f` sees float tensors unless `keepBool`. */
export function elementwise(vals: Val[], f: (...ts: tf.Tensor[]) => tf.Tensor, keepBool = false): Val {
  const { ts, batched } = align(vals);
  return { t: f(...(keepBool ? ts : ts.map(asFloat))), batched };
}

/** A scalar setting given either as an attribute or as an extra (constant) input. */
function scalarArg(vals: Val[], i: number, attrs: Attrs, key: string, dflt: number): Val {
  if (vals[i]) return vals[i]!;
  return { t: tf.scalar(num(attrs, key, dflt)), batched: false };
}

export function leakyRelu(vals: Val[], attrs: Attrs): Val {
  if (!vals[1]) return { t: tf.leakyRelu(asFloat(vals[0]!.t), num(attrs, "alpha", 0.2)), batched: vals[0]!.batched };
  return elementwise([vals[0]!, vals[1]], (x, a) => tf.where(tf.greaterEqual(x, 0), x, tf.mul(x, a)));
}

export function clip(vals: Val[], attrs: Attrs): Val {
  if (!vals[1] && !vals[2]) {
    return { t: tf.clipByValue(asFloat(vals[0]!.t), num(attrs, "lo", -Infinity), num(attrs, "hi", Infinity)), batched: vals[0]!.batched };
  }
  const lo = scalarArg(vals, 1, attrs, "lo", -Infinity);
  const hi = scalarArg(vals, 2, attrs, "hi", Infinity);
  return elementwise([vals[0]!, lo, hi], (x, l, h) => tf.minimum(tf.maximum(x, l), h));
}

export function where(vals: Val[]): Val {
  return elementwise(vals, (c, a, b) => tf.where(c.dtype === "bool" ? c : tf.notEqual(c, 0), asFloat(a), asFloat(b)), true);
}

// ---------- reductions ----------

function axesOf(v: Val, axis: Value | undefined, dflt: number | null): number[] {
  const a = axis === undefined ? dflt : axis;
  const r = rankOf(v);
  if (a === null) return Array.from({ length: r }, (_, i) => (v.batched ? i + 1 : i));
  const list = Array.isArray(a) ? a : [a];
  return list.map((x) => {
    if (typeof x !== "number") throw new Error(`axis must be an integer or a list of integers, got ${JSON.stringify(a)}`);
    return tensorAxis(v, x);
  });
}

/** keepdims as the IR says, else read off the node's (typed) output rank. */
function keepDims(k: boolean | undefined, shape: number[] | undefined, v: Val, dflt?: boolean): boolean {
  if (typeof k === "boolean") return k;
  if (dflt !== undefined && shape === undefined) return dflt;
  return shape!.length === rankOf(v);
}

export function reduce(op: "sum" | "mean", v: Val, attrs: OpAttrs["sum"] | OpAttrs["mean"], shape: number[]): Val {
  const axes = axesOf(v, attrs.axis ?? undefined, null);
  const f = op === "sum" ? tf.sum : tf.mean;
  return { t: f(asFloat(v.t), axes, keepDims(attrs.keepdims, shape, v)), batched: v.batched };
}

/**
 * Lp norm. At 0 its gradient is 0, not NaN: the root is taken of max-guarded sums (where() sends
 * no gradient into the branch it does not pick, and that branch is finite).
 */
export function norm(v: Val, attrs: OpAttrs["norm"], shape: number[]): Val {
  const axes = axesOf(v, attrs.axis, -1);
  const keep = keepDims(attrs.keepdims, shape, v, true);
  const p = attrs.ord;
  const x = asFloat(v.t);
  let t: tf.Tensor;
  if (p === 1) t = tf.sum(tf.abs(x), axes, keep);
  else if (p === Infinity) t = tf.max(tf.abs(x), axes, keep);
  else t = safeRoot(p === 2 ? tf.sum(tf.square(x), axes, keep) : tf.sum(tf.pow(tf.abs(x), p), axes, keep), p);
  return { t, batched: v.batched };
}

/** s^(1/p) for s ≥ 0 with a zero (not NaN) gradient at s = 0: the root of a max-guarded s. */
export function safeRoot(s: tf.Tensor, p: number): tf.Tensor {
  const pos = tf.greater(s, 0);
  const safe = tf.where(pos, s, tf.onesLike(s));
  return tf.where(pos, p === 2 ? tf.sqrt(safe) : tf.pow(safe, 1 / p), tf.zerosLike(s));
}

export function softmax(v: Val, attrs: Attrs): Val {
  const ax = tensorAxis(v, num(attrs, "axis", -1));
  const x = asFloat(v.t);
  if (ax === x.rank - 1) return { t: tf.softmax(x), batched: v.batched };
  return { t: tf.exp(tf.sub(x, tf.logSumExp(x, ax, true))), batched: v.batched };
}

/**
 * mean_i H(p_i) − H(mean_i p_i), p_i = s_i / Σ s_i, H(p) = −Σ p·log(p + eps), i over the batch.
 * A scalar for the whole batch (unbatched).
 */
export function entropySpread(v: Val, attrs: Attrs): Val {
  return { t: entropySpreadOf(asFloat(v.t), v.batched, num(attrs, "eps", 1e-8)), batched: false };
}

/** entropy_spread on a tensor: rows are datapoints when `batched`, else the one datapoint. */
export function entropySpreadOf(x: tf.Tensor, batched: boolean, eps: number): tf.Scalar {
  const s = batched ? tf.reshape(x, [x.shape[0]!, -1]) : tf.reshape(x, [1, -1]);
  const p = tf.div(s, tf.sum(s, 1, true));
  const h = (q: tf.Tensor) => tf.neg(tf.sum(tf.mul(q, tf.log(tf.add(q, eps))), -1));
  return tf.sub(tf.mean(h(p)), h(tf.mean(p, 0))) as tf.Scalar;
}

// ---------- structure ----------

/** y·M with NumPy's matmul rules per datapoint; a vector operand acts as a row (left) or column (right). */
export function matmul(a: Val, b: Val): Val {
  return { t: matmulTensors(asFloat(a.t), rankOf(a), asFloat(b.t), rankOf(b), b.batched), batched: a.batched || b.batched };
}

/** matmul on tensors of datapoint ranks ra and rb (a leading batch axis beyond them); `bBatched`: b has one. */
export function matmulTensors(at: tf.Tensor, ra: number, bt: tf.Tensor, rb: number, bBatched: boolean): tf.Tensor {
  if (!bBatched && rb === 2) {
    // The common case (y·M with M a param or constant): one untransposed 2-D matMul.
    const k = bt.shape[0]!;
    const m = bt.shape[1]!;
    const out = tf.matMul(tf.reshape(at, [-1, k]) as tf.Tensor2D, bt as tf.Tensor2D);
    return tf.reshape(out, [...at.shape.slice(0, -1), m]);
  }
  const a2 = ra === 1 ? tf.expandDims(at, -2) : at;
  const b2 = rb === 1 ? tf.expandDims(bt, -1) : bt;
  // BatchMatMul's gradient does not reduce broadcast axes, so broadcast explicitly first.
  const lead = tf.broadcast_util.assertAndGetBroadcastShape(a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  const full = (t: tf.Tensor) => {
    const want = [...lead, ...t.shape.slice(-2)];
    return tf.util.arraysEqual(t.shape, want) ? t : tf.broadcastTo(t, want);
  };
  let t = tf.matMul(full(a2) as tf.Tensor3D, full(b2) as tf.Tensor3D) as tf.Tensor;
  if (rb === 1) t = tf.squeeze(t, [t.rank - 1]);
  if (ra === 1) t = tf.squeeze(t, [t.rank - (rb === 1 ? 1 : 2)]);
  return t;
}

function batchSize(vals: Val[]): number {
  return vals.find((v) => v.batched)?.t.shape[0] ?? 1;
}

export function concat(vals: Val[], attrs: Attrs): Val {
  const batched = vals.some((v) => v.batched);
  const b = batchSize(vals);
  const ts = vals.map((v) => asFloat(batched ? withBatch(v, b) : v.t));
  const ax = tensorAxis({ t: ts[0]!, batched }, num(attrs, "axis", -1));
  return { t: tf.concat(ts, ax), batched };
}

export function stack(vals: Val[], attrs: Attrs): Val {
  const batched = vals.some((v) => v.batched);
  const b = batchSize(vals);
  const ts = vals.map((v) => asFloat(batched ? withBatch(v, b) : v.t));
  const r = rankOf(vals[0]!) + 1; // the result's datapoint rank
  let a = num(attrs, "axis", -1);
  if (a < 0) a += r;
  return { t: tf.stack(ts, a + (batched ? 1 : 0)), batched };
}

/** Python-style slice [start:stop] along `axis` (default the last); step must be 1. */
export function slice(v: Val, attrs: Attrs): Val {
  const ax = tensorAxis(v, num(attrs, "axis", -1));
  const n = v.t.shape[ax]!;
  const norm = (i: number) => Math.min(n, Math.max(0, i < 0 ? i + n : i));
  const start = norm(num(attrs, "start", num(attrs, "begin", 0)));
  const stop = norm(num(attrs, "stop", num(attrs, "end", n)));
  if (num(attrs, "step", 1) !== 1) return gather(v, ax, range(start, stop, num(attrs, "step", 1)), true);
  const begin = v.t.shape.map((_, i) => (i === ax ? start : 0));
  const size = v.t.shape.map((d, i) => (i === ax ? Math.max(0, stop - start) : d));
  return { t: tf.slice(v.t, begin, size), batched: v.batched };
}

function range(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

/** Entries `idx` along tensor axis `ax` (runtime/ops/gather.ts: with a gradient on wasm too). */
export function gather(v: Val, ax: number, idx: number[], keepAxis: boolean): Val {
  const t = gatherAxis(v.t, ax, idx);
  return { t: keepAxis ? t : tf.squeeze(t, [ax]), batched: v.batched };
}

/** y[i] along `axis` (default 0, like Python indexing), dropping the axis; a list of indices keeps it. */
export function index(v: Val, attrs: Attrs): Val {
  const ax = tensorAxis(v, num(attrs, "axis", 0));
  const i = attrs?.index ?? attrs?.indices;
  if (typeof i === "number") return gather(v, ax, [i], false);
  if (Array.isArray(i) && i.every((x) => typeof x === "number")) return gather(v, ax, i as number[], true);
  throw new Error(`an 'index' node needs attrs.index: an integer or a list of integers, got ${JSON.stringify(i)}`);
}

export function reshape(v: Val, shape: number[]): Val {
  return { t: tf.reshape(v.t, v.batched ? [v.t.shape[0]!, ...shape] : shape), batched: v.batched };
}
