// The pieces the layers' shape rules (compiler/builtins/layers/) are written with: pure functions over
// sizes, symbolic (the checker) or numbers (the lowering), so both agree by construction. Shapes
// never include the batch axis.
//
// Convolutions follow tfjs (channels last):
//   conv2d, max_pool2d   "same":  out = ⌈in / stride⌉        "valid": out = ⌈(in − kernel + 1) / stride⌉
//   conv2d_transpose     "same":  out = in · stride           "valid": out = (in − 1) · stride + kernel
// (tf.layers' Conv2DTranspose computes in · stride + max(kernel − stride, 0) for "valid", which is the
//  same whenever kernel ≥ stride; the runtime builds its transposed convolutions from these sizes.)
import type { LayerShape, ShapeInput } from "../builtins/layers/descriptor";
import { add, ceilDiv, isNum, mul, product, Subst, sub, unifyDim, wholeDim, showDim, normalizeDim, type Dim } from "./dims";

export type Padding = "same" | "valid";

export function convOutput(size: Dim, kernel: Dim, stride: Dim, padding: Padding): Dim {
  return padding === "same" ? ceilDiv(size, stride) : ceilDiv(add(sub(size, kernel), 1), stride);
}

export function convTransposeOutput(size: Dim, kernel: Dim, stride: Dim, padding: Padding): Dim {
  return padding === "same" ? mul(size, stride) : add(mul(sub(size, 1), stride), kernel);
}

export const showShape = (s: Subst, ds: readonly Dim[]): string => `Real[${ds.map((d) => showDim(normalizeDim(s.resolve(d)))).join(", ")}]`;

const fail = (message: string, hint?: string): LayerShape => ({ ok: false, message, hint });

/** undefined when the input is an image Real[H, W, C], else the error. */
export function needImage(i: ShapeInput): LayerShape | undefined {
  return i.input.length === 3
    ? undefined
    : fail(`${i.name} needs an image Real[H, W, C]; its input is ${showShape(i.s, i.input)}`, i.input.length === 1 ? "add `reshape(H, W, C)` before it" : undefined);
}

/** undefined when each of the Int arguments `ks` that is given is a whole number ≥ 1, else the error. */
export function needSizes(i: ShapeInput, ...ks: string[]): LayerShape | undefined {
  for (const k of ks) {
    const d = i.dim(k);
    if (d !== undefined && !wholeDim(i.s.resolve(d))) return fail(`${i.name}'s ${k} must be a whole number ≥ 1, found ${showDim(i.s.resolve(d))}`);
  }
  return undefined;
}

/** A sliding window's output image: its height and width by `rule`, then `channels`. */
export function windowOutput(i: ShapeInput, kernel: Dim, stride: Dim, rule: typeof convOutput, channels: Dim): LayerShape {
  const { s, name, input } = i;
  const padding = i.args.padding === "valid" ? "valid" : "same";
  const hw = [0, 1].map((j) => rule(s.resolve(input[j]!), s.resolve(kernel), s.resolve(stride), padding));
  for (const [j, d] of hw.entries()) {
    if (isNum(d) && d < 1) {
      const what = j === 0 ? "height" : "width";
      return fail(`${name}'s kernel ${showDim(s.resolve(kernel))} is larger than its input's ${what} ${showDim(s.resolve(input[j]!))} (padding "valid")`, 'use padding: "same" or a smaller kernel');
    }
  }
  return { ok: true, out: [...hw, channels] };
}

/** `reshape(d0, …)`: the sizes multiply to the input's; one of them may be -1 (inferred). */
export function reshapeOutput(s: Subst, what: string, input: readonly Dim[], target: readonly Dim[]): LayerShape {
  const total = product(input.map((d) => s.resolve(d)));
  const dims = target.map((d) => s.resolve(d));
  const holes = dims.filter((d) => d === -1).length;
  if (holes > 1) return { ok: false, message: `${what} may infer one dimension (-1), not ${holes}` };
  for (const d of dims) {
    if (d !== -1 && !wholeDim(d)) return { ok: false, message: `${what}'s dimensions must be whole numbers ≥ 1, found ${showDim(normalizeDim(d))}` };
  }
  const known = product(dims.filter((d) => d !== -1));
  if (holes === 1) {
    const inferred = s.resolve({ kind: "op", op: "/", a: total, b: known });
    if (!wholeDim(inferred)) return { ok: false, message: `${what} cannot fill -1: ${showDim(normalizeDim(total))} values do not divide into groups of ${showDim(normalizeDim(known))}` };
    return { ok: true, out: dims.map((d) => (d === -1 ? inferred : d)) };
  }
  if (unifyDim(s, total, known) === "clash") {
    return {
      ok: false,
      message: `${what} cannot turn ${showShape(s, input)} (${showDim(normalizeDim(total))} values) into ${showShape(s, dims)} (${showDim(normalizeDim(known))} values)`,
      hint: "the sizes must multiply to the same number of values",
    };
  }
  return { ok: true, out: dims };
}

export { mul, product };
