// Shape rules of the built-in layers (compiler/builtins/layers.ts), pure functions over sizes.
// The checker calls them with symbolic sizes (Real[H, W, C]); the IR lowering calls `layerShape` with
// numbers, so both agree by construction. Shapes never include the batch axis.
//
// Convolutions follow tfjs (channels last):
//   conv2d, max_pool2d   "same":  out = ⌈in / stride⌉        "valid": out = ⌈(in − kernel + 1) / stride⌉
//   conv2d_transpose     "same":  out = in · stride           "valid": out = (in − 1) · stride + kernel
// (tf.layers' Conv2DTranspose computes in · stride + max(kernel − stride, 0) for "valid", which is the
//  same whenever kernel ≥ stride; the runtime builds its transposed convolutions from these sizes.)
// `dense` takes a vector only: Keras would apply it to the last axis of an image, which in a VAE is
// almost always a forgotten `flatten`, so we say so instead.
import { add, ceilDiv, isNum, mul, product, Subst, sub, unifyDim, wholeDim, showDim, normalizeDim, type Dim } from "./dims";

export type Padding = "same" | "valid";

/** A layer's arguments by the builtin parameter names (units, filters, kernel, stride, padding, size,
 *  factor, d0..d3), defaults filled in: Int values are Dims, Strings and Bools as they are. */
export type LayerArgs = Record<string, Dim | string | boolean | null | undefined>;

export type LayerShape = { ok: true; out: Dim[] } | { ok: false; message: string; hint?: string };

export function convOutput(size: Dim, kernel: Dim, stride: Dim, padding: Padding): Dim {
  return padding === "same" ? ceilDiv(size, stride) : ceilDiv(add(sub(size, kernel), 1), stride);
}

export function convTransposeOutput(size: Dim, kernel: Dim, stride: Dim, padding: Padding): Dim {
  return padding === "same" ? mul(size, stride) : add(mul(sub(size, 1), stride), kernel);
}

const IDENTITY = new Set(["batch_norm", "layer_norm", "dropout", "relu", "leaky_relu", "elu", "sigmoid", "tanh", "softplus", "softmax"]);

/** Every layer name with a shape rule (a test keeps this in step with the builtin table). */
export const LAYER_RULES = new Set([...IDENTITY, "dense", "conv2d", "conv2d_transpose", "max_pool2d", "upsample2d", "flatten", "reshape"]);

const show = (s: Subst, ds: readonly Dim[]): string => `Real[${ds.map((d) => showDim(normalizeDim(s.resolve(d)))).join(", ")}]`;

export function layerOutput(s: Subst, name: string, input: readonly Dim[], args: LayerArgs): LayerShape {
  const dim = (k: string): Dim | undefined => {
    const v = args[k];
    return typeof v === "number" || (typeof v === "object" && v !== null) ? v : undefined;
  };
  const fail = (message: string, hint?: string): LayerShape => ({ ok: false, message, hint });
  const image = (): LayerShape | undefined =>
    input.length === 3
      ? undefined
      : fail(`${name} needs an image Real[H, W, C]; its input is ${show(s, input)}`, input.length === 1 ? "add `reshape(H, W, C)` before it" : undefined);
  const sizes = (...ks: string[]): LayerShape | undefined => {
    for (const k of ks) {
      const d = dim(k);
      if (d !== undefined && !wholeDim(s.resolve(d))) return fail(`${name}'s ${k} must be a whole number ≥ 1, found ${showDim(s.resolve(d))}`);
    }
    return undefined;
  };
  if (IDENTITY.has(name)) return { ok: true, out: [...input] };
  switch (name) {
    case "dense": {
      if (input.length !== 1) return fail(`dense needs a vector Real[N]; its input is ${show(s, input)}`, "add `flatten` before it");
      return sizes("units") ?? { ok: true, out: [dim("units") ?? s.fresh()] };
    }
    case "flatten":
      return { ok: true, out: input.length <= 1 ? [...input] : [product(input)] };
    case "conv2d":
    case "conv2d_transpose":
    case "max_pool2d": {
      const bad = image() ?? sizes("filters", "kernel", "stride", "size");
      if (bad) return bad;
      const padding = args.padding === "valid" ? "valid" : "same";
      const k = dim(name === "max_pool2d" ? "size" : "kernel") ?? s.fresh();
      const st = dim("stride") ?? (name === "max_pool2d" ? k : 1);
      const rule = name === "conv2d_transpose" ? convTransposeOutput : convOutput;
      const hw = [0, 1].map((i) => rule(s.resolve(input[i]!), s.resolve(k), s.resolve(st), padding));
      for (const [i, d] of hw.entries()) {
        if (isNum(d) && d < 1) {
          const what = i === 0 ? "height" : "width";
          return fail(`${name}'s kernel ${showDim(s.resolve(k))} is larger than its input's ${what} ${showDim(s.resolve(input[i]!))} (padding "valid")`, 'use padding: "same" or a smaller kernel');
        }
      }
      return { ok: true, out: [...hw, name === "max_pool2d" ? input[2]! : dim("filters") ?? s.fresh()] };
    }
    case "upsample2d": {
      const bad = image() ?? sizes("factor");
      if (bad) return bad;
      const f = dim("factor") ?? 2;
      return { ok: true, out: [mul(input[0]!, f), mul(input[1]!, f), input[2]!] };
    }
    case "reshape":
      return reshapeOutput(s, "reshape", input, ["d0", "d1", "d2", "d3"].map(dim).filter((d): d is Dim => d !== undefined));
  }
  return { ok: true, out: [s.fresh()] }; // a layer without a rule: its output is inferred later
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
      message: `${what} cannot turn ${show(s, input)} (${showDim(normalizeDim(total))} values) into ${show(s, dims)} (${showDim(normalizeDim(known))} values)`,
      hint: "the sizes must multiply to the same number of values",
    };
  }
  return { ok: true, out: dims };
}

/** For the lowering: a layer's output shape from numbers. Throws on what the checker reports. */
export function layerShape(name: string, input: readonly number[], args: LayerArgs): number[] {
  const s = new Subst();
  const r = layerOutput(s, name, input, args);
  if (!r.ok) throw new Error(r.message);
  return r.out.map((d) => {
    const v = s.resolve(d);
    if (!isNum(v)) throw new Error(`${name}: output size not known`);
    return v;
  });
}
