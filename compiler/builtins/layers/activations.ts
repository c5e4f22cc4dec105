// The activation functions: each is a layer of its own (`relu`, `elu(alpha: 0.5)`) and a value of
// dense's and conv's `activation:` argument; both lower to one `activation` node whose `fn` names
// it. One entry here per function (its runtime is runtime/model/activations.ts).
import { z } from "zod";
import { opt } from "../define";
import type { BuiltinParam } from "../types";
import { defineKind, defineLayer, layerNode, sameShape, type LayerDescriptor, type LayerEmit, type LayerLowering } from "./descriptor";

interface ActivationFn {
  name: string;
  doc: string;
  /** the function's one parameter; `written`: "always" puts it in every node (leaky_relu's 0.2),
   *  "changed" only when it is not the default (elu's 1 is tf.elu) */
  alpha?: { default: number; doc?: string; written: "always" | "changed" };
  /** the emitted expression of fn(x) */
  emit(x: string, alpha: number | undefined, e: LayerEmit): string;
}

const FNS = [
  { name: "relu", doc: "max(x, 0), elementwise", emit: (x) => `tf.relu(${x})` },
  {
    name: "leaky_relu",
    doc: "x for x ≥ 0, alpha·x below (the paper's encoders use alpha 0.2)",
    alpha: { default: 0.2, written: "always" },
    emit: (x, a, e) => `tf.leakyRelu(${x}, ${e.num(a ?? 0.2)})`,
  },
  {
    name: "elu",
    doc: "x for x ≥ 0, alpha·(eˣ − 1) below",
    alpha: { default: 1, written: "changed" },
    emit: (x, a, e) => (a === undefined || a === 1 ? `tf.elu(${x})` : `${e.use("elu")}(${x}, ${e.num(a)})`),
  },
  { name: "sigmoid", doc: "1 / (1 + e⁻ˣ), elementwise", emit: (x) => `tf.sigmoid(${x})` },
  { name: "tanh", doc: "hyperbolic tangent, elementwise", emit: (x) => `tf.tanh(${x})` },
  { name: "softplus", doc: "log(1 + eˣ), elementwise", emit: (x) => `tf.softplus(${x})` },
  {
    name: "gelu",
    doc: "x·Φ(x) = x · (1 + erf(x / √2)) / 2, elementwise (the exact form, not the tanh approximation)",
    emit: (x, _a, e) => `${e.use("gelu")}(${x})`,
  },
] as const satisfies readonly ActivationFn[];

/** An `activation` node's function: one of the entries above, or "linear" (the identity, which
 *  the lowering never writes but a hand-made IR may carry). */
export const ACTIVATION_NAMES = [...FNS.map((f) => f.name), "linear"] as [(typeof FNS)[number]["name"], ...(typeof FNS)[number]["name"][], "linear"];
export type Activation = (typeof ACTIVATION_NAMES)[number];

export const activationIR = layerNode("activation", { fn: z.enum(ACTIVATION_NAMES), alpha: z.number().optional() });

const byName = new Map<string, ActivationFn>(FNS.map((f) => [f.name, f]));

/** dense's and conv's `activation:` argument. */
export function activationParam(): BuiltinParam {
  const names = FNS.map((f) => `"${f.name}"${"alpha" in f && f.alpha.written === "always" ? ` (alpha ${f.alpha.default})` : ""}`);
  return opt("activation", "String", null, `none, ${names.join(", ")} or "linear"`);
}

/** The node of activation `fn` on `shape` (none for none or "linear"); `alpha` as the spec gave it. */
export function activationNodes(l: Pick<LayerLowering, "at" | "unsupported">, shape: number[], fn: string | null, alpha?: number): z.infer<typeof activationIR>[] {
  if (fn === null || fn === "linear") return [];
  const f = byName.get(fn);
  if (!f) return l.unsupported(`the activation "${fn}"`);
  const node: z.infer<typeof activationIR> = { kind: "activation", fn: f.name as Activation, in: shape, out: shape, at: l.at };
  if (f.alpha?.written === "always") node.alpha = alpha ?? f.alpha.default;
  else if (f.alpha && alpha !== undefined && alpha !== f.alpha.default) node.alpha = alpha;
  return [node];
}

/** Each function as a layer of its own. */
export const ACTIVATION_LAYERS: readonly LayerDescriptor[] = FNS.map((f: ActivationFn) =>
  defineLayer({
    name: f.name,
    params: f.alpha ? [opt("alpha", "Real", f.alpha.default, f.alpha.doc)] : [],
    doc: f.doc,
    shape: sameShape,
    lower: (l) => activationNodes(l, l.input, f.name, f.alpha ? l.num("alpha", f.alpha.default) : undefined),
  }),
);

export const activationKind = defineKind(activationIR, (l, e) => {
  if (l.fn === "linear") return;
  e.line(`x = ${byName.get(l.fn)!.emit("x", l.alpha, e)}; // ${e.where} ${l.fn}`);
});
