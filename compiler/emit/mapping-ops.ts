// Tables for the mapping emitter: the static info of each emitted value and the tfjs expression
// written for each unary/binary/comparison op of the mapping graph.
import type { Value } from "../ir/types";

export interface Info {
  v: string; // variable name
  batched: boolean;
  rank: number; // datapoint rank
  shape: number[]; // datapoint shape (static; from the IR)
  bool: boolean;
}

export function valueShape(v: Value): number[] {
  const s: number[] = [];
  let cur: Value = v;
  while (Array.isArray(cur)) {
    s.push(cur.length);
    cur = cur[0] ?? 0;
  }
  return s;
}

export const UNARY: Record<string, (x: string) => string> = {
  neg: (x) => `tf.neg(${x})`,
  abs: (x) => `tf.abs(${x})`,
  sqrt: (x) => `tf.sqrt(${x})`,
  log: (x) => `tf.log(${x})`,
  exp: (x) => `tf.exp(${x})`,
  sin: (x) => `tf.sin(${x})`,
  cos: (x) => `tf.cos(${x})`,
  tan: (x) => `tf.tan(${x})`,
  asin: (x) => `tf.asin(${x})`,
  acos: (x) => `tf.acos(${x})`,
  atan: (x) => `tf.atan(${x})`,
  tanh: (x) => `tf.tanh(${x})`,
  sigmoid: (x) => `tf.sigmoid(${x})`,
  softplus: (x) => `tf.softplus(${x})`,
  relu: (x) => `tf.relu(${x})`,
  sign: (x) => `tf.sign(${x})`,
  floor: (x) => `tf.floor(${x})`,
  round: (x) => `tf.round(${x})`,
  normal_cdf: (x) => `tf.mul(tf.add(tf.erf(tf.mul(${x}, Math.SQRT1_2)), 1), 0.5)`,
};
export const BUILTIN_UNARY: Record<string, (x: string) => string> = {
  square: (x) => `tf.square(${x})`,
  log1p: (x) => `tf.log1p(${x})`,
  expm1: (x) => `tf.expm1(${x})`,
  sinh: (x) => `tf.sinh(${x})`,
  cosh: (x) => `tf.cosh(${x})`,
  ceil: (x) => `tf.ceil(${x})`,
  stop_gradient: (x) => `stopGradient(${x})`,
  normal_log_cdf: (x) => `normalLogCdf(${x})`,
};
export const BINARY: Record<string, string> = { add: "add", sub: "sub", mul: "mul", div: "div", pow: "pow", min: "minimum", max: "maximum", atan2: "atan2" };
export const COMPARE: Record<string, string> = { eq: "equal", ne: "notEqual", lt: "less", le: "lessEqual", gt: "greater", ge: "greaterEqual" };
