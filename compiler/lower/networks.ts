// Networks: a checked NetworkInstance (layers already unrolled, sizes known) → NetworkIR, the
// built-in `mlp`, and the encoder's Gaussian head. Initialisers are the Keras defaults the paper's
// code used: glorot_uniform kernels, zero biases, batch-norm γ = 1, β = 0, moving mean 0, variance 1.
// Parameter ids are `<path>/<kind>_<i>/<tensor>`, i counting that kind within one network.
import type { Span } from "../../grammar/ast";
import { constValue, argExpr } from "../rules/const-eval";
import type { Activation, InitIR, LayerIR, NetworkIR } from "../ir/types";
import type { LayerInstance, NetworkInstance } from "../types/context";
import type { Dim } from "../types/dims";
import { layerShape, type LayerArgs } from "../types/layers";
import { LowerError, product, type Lowering } from "./context";

const ACTIVATIONS = new Set<string>(["relu", "leaky_relu", "sigmoid", "tanh", "softplus", "elu", "linear"]);

/** Builds one network's layer list; counts layers per kind for their parameter ids. */
export class NetBuilder {
  readonly layers: LayerIR[] = [];
  private readonly counts = new Map<string, number>();

  constructor(
    readonly lw: Lowering,
    readonly path: string,
  ) {}

  private id(kind: string): string {
    const i = this.counts.get(kind) ?? 0;
    this.counts.set(kind, i + 1);
    return `${this.path}/${kind}_${i}`;
  }

  /** A sub-path for a nested user network: `<path>/<name>_<i>`. */
  sub(name: string): string {
    return this.id(name);
  }

  dense(input: number[], units: number, span: Span, init = "glorot", id = this.id("dense"), useBias = true): void {
    if (input.length !== 1) throw new LowerError(`dense needs a vector input, found [${input}]`, span);
    const n = input[0]!;
    const kernelInit: InitIR =
      init === "glorot"
        ? { kind: "glorot_uniform", fanIn: n, fanOut: units }
        : init === "he"
          ? { kind: "he_normal", fanIn: n }
          : init === "normal"
            ? { kind: "normal", mean: 0, std: 0.05 } // Keras' RandomNormal default
            : init === "zeros"
              ? { kind: "zeros" }
              : unsupported(`dense's init "${init}"`, span);
    const kernel = this.lw.param(`${id}/kernel`, [n, units], kernelInit, span);
    const bias = useBias ? { bias: this.lw.param(`${id}/bias`, [units], { kind: "zeros" }, span) } : {};
    this.layers.push({ kind: "dense", units, kernel, ...bias, in: input, out: [units], at: this.lw.at(span) });
  }

  conv(kind: "conv2d" | "conv2d_transpose", input: number[], out: number[], k: number, stride: number, padding: string, span: Span, useBias = true): void {
    const id = this.id(kind);
    const [cin, cout] = [input[2]!, out[2]!];
    // tfjs layouts: conv2d [kh, kw, in, out], conv2d_transpose [kh, kw, out, in]; Keras' glorot fans
    // are kh·kw times the layout's last two axes.
    const shape = kind === "conv2d" ? [k, k, cin, cout] : [k, k, cout, cin];
    const init: InitIR = { kind: "glorot_uniform", fanIn: k * k * shape[2]!, fanOut: k * k * shape[3]! };
    const weights = this.lw.param(`${id}/weights`, shape, init, span);
    const pad = padding === "valid" ? "valid" : "same";
    const bias = useBias ? { bias: this.lw.param(`${id}/bias`, [cout], { kind: "zeros" }, span) } : {};
    this.layers.push({ kind, filters: cout, kernel: [k, k], stride: [stride, stride], padding: pad, weights, ...bias, in: input, out, at: this.lw.at(span) });
  }

  batchNorm(shape: number[], momentum: number, epsilon: number, span: Span): void {
    const id = this.id("batch_norm");
    const c = [shape[shape.length - 1]!];
    this.layers.push({
      kind: "batch_norm",
      gamma: this.lw.param(`${id}/gamma`, c, { kind: "ones" }, span),
      beta: this.lw.param(`${id}/beta`, c, { kind: "zeros" }, span),
      movingMean: this.lw.stateVar(`${id}/moving_mean`, c, { kind: "zeros" }, span),
      movingVar: this.lw.stateVar(`${id}/moving_var`, c, { kind: "ones" }, span),
      momentum,
      epsilon,
      in: shape,
      out: shape,
      at: this.lw.at(span),
    });
  }

  layerNorm(shape: number[], epsilon: number, span: Span): void {
    const id = this.id("layer_norm");
    const c = [shape[shape.length - 1]!];
    const gamma = this.lw.param(`${id}/gamma`, c, { kind: "ones" }, span);
    const beta = this.lw.param(`${id}/beta`, c, { kind: "zeros" }, span);
    this.layers.push({ kind: "layer_norm", gamma, beta, epsilon, in: shape, out: shape, at: this.lw.at(span) });
  }

  /** An activation layer; "linear" and none add nothing. */
  activation(shape: number[], fn: string | null | undefined, span: Span, alpha?: number): void {
    if (fn === null || fn === undefined || fn === "linear") return;
    if (!ACTIVATIONS.has(fn)) unsupported(`the activation "${fn}"`, span);
    const layer: LayerIR = { kind: "activation", fn: fn as Activation, in: shape, out: shape, at: this.lw.at(span) };
    if (fn === "leaky_relu") layer.alpha = alpha ?? 0.2;
    else if (fn === "elu" && alpha !== undefined && alpha !== 1) layer.alpha = alpha;
    this.layers.push(layer);
  }

  shapeOnly(kind: "reshape" | "flatten", input: number[], out: number[], span: Span): void {
    this.layers.push({ kind, in: input, out, at: this.lw.at(span) });
  }
}

function unsupported(what: string, span: Span): never {
  throw new LowerError(`${what} is not supported by the IR yet`, span);
}

export interface MlpSpec {
  inputs: number;
  hidden: number[];
  outputs: number;
  activation: string | null;
  outActivation: string | null;
}

/** `mlp(inputs, hidden, outputs)`: dense(h) + activation per hidden size, then dense(outputs). */
export function mlpLayers(b: NetBuilder, m: MlpSpec, span: Span): void {
  let cur = [m.inputs];
  for (const h of m.hidden) {
    b.dense(cur, h, span);
    cur = [h];
    b.activation(cur, m.activation, span);
  }
  b.dense(cur, m.outputs, span);
  b.activation([m.outputs], m.outActivation, span);
}

export function mlpNetwork(lw: Lowering, path: string, m: MlpSpec, span: Span): NetworkIR {
  const b = new NetBuilder(lw, path);
  mlpLayers(b, m, span);
  return { name: "mlp", input: [m.inputs], output: [m.outputs], layers: b.layers };
}

/** A checked network instance; `resolve` is the substitution its sizes live in. */
export function lowerNetwork(lw: Lowering, inst: NetworkInstance, path: string, resolve?: (d: Dim) => Dim): NetworkIR {
  const b = new NetBuilder(lw, path);
  const span = inst.decl.name.span;
  const t = (ty: NetworkInstance["input"]) => (ty.kind === "tensor" ? lw.dims(ty.dims, span, resolve) : lw.shape(ty, span));
  walk(lw, b, inst, resolve);
  return { name: inst.decl.name.name, input: t(inst.input), output: t(inst.output), layers: b.layers };
}

function walk(lw: Lowering, b: NetBuilder, inst: NetworkInstance, resolve?: (d: Dim) => Dim): void {
  for (const li of inst.layers) {
    const span = li.stmt.call.span;
    if (li.network) {
      // A user network used as a layer: its layers inline, under their own sub-path.
      const inner = new NetBuilder(lw, b.sub(li.network.decl.name.name));
      walk(lw, inner, li.network, resolve);
      b.layers.push(...inner.layers);
      continue;
    }
    if (!li.builtin) throw new LowerError("a layer did not resolve", span);
    builtinLayer(lw, b, li, resolve);
  }
}

function builtinLayer(lw: Lowering, b: NetBuilder, li: LayerInstance, resolve?: (d: Dim) => Dim): void {
  const name = li.builtin!.name;
  const span = li.stmt.call.span;
  const input = lw.dims(li.input, span, resolve);
  const args: LayerArgs = {};
  for (const [k, v] of Object.entries(li.args)) args[k] = typeof v === "object" && v !== null ? lw.num(v, span, resolve) : v;
  const n = (k: string, dflt?: number): number => {
    const v = args[k];
    if (typeof v === "number") return v;
    if (dflt !== undefined) return dflt;
    throw new LowerError(`${name}'s ${k} is not known`, span);
  };
  const str = (k: string): string | null => (typeof args[k] === "string" ? (args[k] as string) : null);
  let out: number[];
  try {
    out = lw.dims(li.output, span, resolve);
  } catch {
    out = name === "mlp" ? [n("outputs")] : layerShape(name, input, args);
  }
  const useBias = args.use_bias !== false;
  const at = lw.at(span);
  switch (name) {
    case "dense":
      b.dense(input, n("units"), span, str("init") ?? "glorot", undefined, useBias);
      return b.activation(out, str("activation"), span);
    case "conv2d":
    case "conv2d_transpose":
      b.conv(name, input, out, n("kernel"), n("stride"), str("padding") ?? "same", span, useBias);
      return b.activation(out, str("activation"), span);
    case "max_pool2d": {
      const size = n("size");
      const stride = typeof args.stride === "number" ? args.stride : size; // none = size
      b.layers.push({ kind: "max_pool2d", size: [size, size], stride: [stride, stride], padding: str("padding") === "valid" ? "valid" : "same", in: input, out, at });
      return;
    }
    case "upsample2d":
      b.layers.push({ kind: "upsample2d", factor: [n("factor"), n("factor")], in: input, out, at });
      return;
    case "layer_norm":
      return b.layerNorm(input, n("eps"), span);
    case "softmax":
      b.layers.push({ kind: "softmax", axis: n("axis"), in: input, out, at });
      return;
    case "batch_norm":
      return b.batchNorm(input, n("momentum", 0.99), n("eps", 1e-3), span);
    case "flatten":
    case "reshape":
      return b.shapeOnly(name, input, out, span);
    case "dropout":
      b.layers.push({ kind: "dropout", rate: n("rate", 0.5), in: input, out, at: lw.at(span) });
      return;
    case "relu":
    case "sigmoid":
    case "tanh":
    case "softplus":
      return b.activation(input, name, span);
    case "leaky_relu":
      return b.activation(input, name, span, n("alpha", 0.2));
    case "elu":
      return b.activation(input, name, span, n("alpha", 1));
    case "mlp": {
      const hidden = constValue(argExpr(li.stmt.call, li.builtin!, "hidden") ?? { kind: "Missing", span });
      if (!Array.isArray(hidden) || !hidden.every((h) => typeof h === "number")) {
        unsupported("an mlp layer whose hidden sizes are not a literal list", span);
      }
      return mlpLayers(b, { inputs: product(input), hidden: hidden as number[], outputs: out[0]!, activation: str("activation") ?? "relu", outActivation: str("out_activation") }, span);
    }
    default:
      unsupported(`the layer '${name}'`, span);
  }
}

/**
 * The model's Gaussian head on the encoder's features: dense(units) with glorot init, params
 * encoder/head/kernel and encoder/head/bias. units is 2·D (mean, log-variance), 3·D with a spike.
 */
export function appendHead(lw: Lowering, net: NetworkIR, units: number, span: Span): NetworkIR {
  const b = new NetBuilder(lw, "encoder");
  b.dense(net.output, units, span, "glorot", "encoder/head");
  return { ...net, output: [units], layers: [...net.layers, ...b.layers] };
}
