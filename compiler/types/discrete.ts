// Discrete latents in the type checker: `OneHot[K]` (one of K classes) and `OneHot[G, K]` (G of them)
// type the intermediary of a Categorical prior (and bias parameters that take one). A OneHot is a
// relaxed one-hot vector in training and a hard one in evaluation, so only what is linear in it is
// defined on both and means the same: matmul (a codebook lookup, `matmul(c, E)`), + − * and / by a
// number, negation, sum/mean, concat/stack/reshape, indexing, stop_gradient and networks (a dense
// layer is a matmul). Anything else (sqrt, log, exp, **, comparisons, …) is IV3030. What these ops
// give is Real, except c[g] of a OneHot[G, K], which is the OneHot[K] of group g.
import type { Binary, IntermediaryItem } from "../../grammar/ast";
import type { Builtin } from "../builtins/types";
import type { CallArgs } from "./builtin-signatures";
import type { TypeContext } from "./context";
import { isNum } from "./dims";
import { describeType, showType, tensor, type TensorT, type Type } from "./types";

/** Built-in functions that may take a OneHot argument (linear in it). */
const LINEAR_FUNCTIONS = new Set(["matmul", "sum", "mean", "concat", "stack", "reshape", "stop_gradient"]);

const HINT = "a OneHot is only combined linearly: embed it first, e.g. with a codebook `param E : Real[K, 8] = normal(K, 8)` and `matmul(c, E)`, then apply the function to the Real result";

export const isOneHot = (t: Type | undefined): boolean => t?.kind === "tensor" && t.elem === "OneHot";

/** Where a network reads a OneHot, it reads its numbers: Real of the same shape. */
export function asReal(t: Type): Type {
  return t.kind === "tensor" && t.elem === "OneHot" ? tensor("Real", t.dims) : t;
}

/** A built-in function applied to a OneHot: false after reporting IV3030 when it is not linear in it. */
export function checkOneHotCall(cx: TypeContext, b: Builtin, args: CallArgs): boolean {
  const bad = [...args.all, ...args.named.values()].find((a) => isOneHot(a.type));
  if (!bad || LINEAR_FUNCTIONS.has(b.name)) return true;
  cx.report("IV3030", bad.span, `${b.name} needs a Real, but this is ${showType(cx.s, bad.type)}: ${b.name} is not linear, so it means something else on a relaxed and on a hard one-hot`, { hint: HINT });
  return false;
}

/** The result of a linear built-in on a OneHot is Real. */
export function afterOneHotCall(args: CallArgs, result: Type): Type {
  return result.kind === "tensor" && [...args.all, ...args.named.values()].some((a) => isOneHot(a.type)) ? tensor(result.elem === "OneHot" ? "Real" : result.elem, result.dims) : result;
}

/** `c + w`, `c * w`, `c - w`, `c / 2` are linear; `**`, `/ c` and comparisons are IV3030. */
export function checkOneHotBinary(cx: TypeContext, e: Binary, l: TensorT, r: TensorT): boolean {
  const side = isOneHot(r) && (e.op === "/" || e.op === "**" || !["+", "-", "*"].includes(e.op)) ? r : isOneHot(l) && !["+", "-", "*", "/"].includes(e.op) ? l : undefined;
  if (!side) return true;
  const what = e.op === "**" ? "a power" : e.op === "/" ? "a division by it" : "a comparison";
  cx.report("IV3030", (side === r ? e.right : e.left).span, `${what} needs a Real, but this is ${showType(cx.s, side)}: only +, −, * and / by a number are linear in a OneHot`, { hint: HINT });
  return false;
}

/** c[g] of a OneHot[G, K] (one Int index) is a OneHot[K]; any other index or slice gives Real. */
export function indexedOneHot(t: TensorT, indices: number, sliced: boolean, result: TensorT): TensorT {
  if (t.elem !== "OneHot") return result;
  const group = t.dims.length === 2 && indices === 1 && !sliced;
  return tensor(group ? "OneHot" : "Real", result.dims);
}

/**
 * The intermediary's type against its prior: a Categorical prior needs `OneHot[K]` or `OneHot[G, K]`
 * with K ≥ 2, and a OneHot needs a Categorical prior (IV3031, IV3032). Returns the latent's type,
 * or undefined after a report; `null` when the intermediary is not a OneHot and the prior is not
 * Categorical (the Real[D] rules apply).
 */
export function checkDiscreteLatent(cx: TypeContext, inter: IntermediaryItem, y: Type, slot: { builtin: Builtin; args: CallArgs } | undefined): TensorT | undefined | null {
  const prior = slot?.builtin;
  const categorical = prior?.name === "Categorical";
  if (y.kind !== "tensor" || y.elem !== "OneHot") {
    if (!categorical) return null;
    cx.report("IV3031", inter.type.span, `a Categorical prior needs a discrete intermediary, but '${inter.name.name}' is ${describeType(cx.s, y)}`, {
      labels: [{ span: inter.prior.span, message: "the prior is Categorical here" }],
      hint: y.kind === "tensor" && y.dims.length === 1 ? `declare it \`${inter.name.name} : OneHot[K]\` (K classes), or \`OneHot[G, K]\` for G of them` : undefined,
    });
    return undefined;
  }
  if (!categorical) {
    cx.report("IV3031", inter.type.span, `'${inter.name.name}' is ${showType(cx.s, y)}, a discrete latent, so its prior must be Categorical${prior ? `, not ${prior.name}` : ""}`, {
      labels: [{ span: inter.prior.span, message: "the prior is given here" }],
      hint: "write `~ Categorical()` (uniform), or declare a Real[D] intermediary for this prior",
    });
    return undefined;
  }
  if (y.dims.length !== 1 && y.dims.length !== 2) {
    cx.report("IV3032", inter.type.span, `a discrete intermediary is OneHot[K] or OneHot[G, K], not ${showType(cx.s, y)}`);
    return undefined;
  }
  const k = cx.s.resolve(y.dims.at(-1)!);
  if (isNum(k) && k < 2) {
    cx.report("IV3032", inter.type.span, `a OneHot needs at least 2 classes, but '${inter.name.name}' is ${showType(cx.s, y)}`, { hint: "with one class there is nothing to choose: K ≥ 2" });
    return undefined;
  }
  const g = y.dims.length === 2 ? cx.s.resolve(y.dims[0]!) : 1;
  if (isNum(g) && g < 1) {
    cx.report("IV3032", inter.type.span, `a OneHot[G, K] needs at least one group, but '${inter.name.name}' is ${showType(cx.s, y)}`);
    return undefined;
  }
  if (!isNum(k)) return y;
  const top = checkLayerClasses(cx, slot!.args, k);
  if (top !== undefined) checkProbs(cx, inter, y, top, slot!.args);
  return y;
}

/** A literal number argument's value, or undefined. */
function literal(t: Type | undefined): number | undefined {
  return t?.kind === "tensor" && t.dims.length === 0 && (t.elem === "Real" || t.elem === "Int") && typeof t.value === "number" ? t.value : undefined;
}

/**
 * Categorical(layers: L, layer_classes: [K_2, …, K_L]): L − 1 class counts (IV3034), each a whole
 * number ≥ 2 (IV3035). Returns the top layer's class count K_L (the one `probs` describes), or
 * undefined after a report or when it is not known.
 */
function checkLayerClasses(cx: TypeContext, args: CallArgs, k: number): number | undefined {
  const layersArg = args.named.get("layers");
  const layers = layersArg ? literal(layersArg.type) : 1;
  const a = args.named.get("layer_classes");
  if (!a) return layers === undefined ? undefined : k;
  if (a.type.kind !== "list" || !a.type.items || layers === undefined) return undefined;
  const values = a.type.items.map(literal);
  if (values.length !== layers - 1) {
    const labels = layersArg ? [{ span: layersArg.span, message: `layers: ${layers}` }] : [];
    cx.report("IV3034", a.span, `layer_classes gives the class counts of the layers above the intermediary, ${layers - 1} for layers: ${layers}, but it has ${values.length}`, {
      labels,
      hint: layers === 1 ? "a single layer has nothing above it: add `layers: L` (L ≥ 2) or drop layer_classes" : `give one count per layer c_2 … c_${layers}, or drop layer_classes to give each the intermediary's ${k} classes`,
    });
    return undefined;
  }
  const bad = values.find((v) => typeof v === "number" && !(Number.isInteger(v) && v >= 2));
  if (bad !== undefined) {
    cx.report("IV3035", a.span, `every layer of a discrete stack needs a whole number of at least 2 classes, got ${bad} in [${values.map((v) => v ?? "?").join(", ")}]`, {
      hint: "with one class a layer carries nothing: K ≥ 2",
    });
    return undefined;
  }
  const top = values.at(-1);
  return typeof top === "number" ? top : undefined;
}

/** Categorical(probs: [...]): one positive number per class (IV3033); they are normalised. */
function checkProbs(cx: TypeContext, inter: IntermediaryItem, y: TensorT, k: number, args: CallArgs): void {
  const stacked = (literal(args.named.get("layers")?.type) ?? 1) > 1;
  const a = args.named.get("probs");
  if (!a || a.type.kind !== "list" || !a.type.items) return;
  const items = a.type.items;
  const values = items.map((t) => (t.kind === "tensor" && t.dims.length === 0 && (t.elem === "Real" || t.elem === "Int") ? t.value : undefined));
  const labels = stacked ? [] : [{ span: inter.type.span, message: `'${inter.name.name}' is ${showType(cx.s, y)}: ${k} classes` }];
  if (items.length !== k) {
    cx.report("IV3033", a.span, `Categorical's probs must give one probability per class${stacked ? " of the stack's top layer" : ""}, ${k}, but it has ${items.length}`, { labels });
  } else if (values.some((v) => typeof v === "number" && !(v > 0))) {
    cx.report("IV3033", a.span, `Categorical's probs must all be > 0 (they are normalised to sum to 1), got [${values.map((v) => (typeof v === "number" ? v : "?")).join(", ")}]`, {
      hint: "a class with probability 0 makes the KL infinite wherever q gives it mass: drop the class, or give it a small probability",
    });
  }
}
