// Networks: a checked NetworkInstance (layers already unrolled, sizes known) → NetworkIR, the
// built-in `mlp`, and the encoder's Gaussian head. Each built-in layer lowers through its
// descriptor (compiler/builtins/layers/); this file only walks the network and names parameters.
// Parameter ids are `<path>/<kind>_<i>/<tensor>`, i counting that kind within one network.
import type { Span } from "../../grammar/ast";
import { constValue, argExpr } from "../rules/const-eval";
import { activationNodes } from "../builtins/layers/activations";
import { layerByName } from "../builtins/layers";
import type { LayerLowering } from "../builtins/layers/descriptor";
import { denseNode } from "../builtins/layers/weighted";
import type { LayerIR, NetworkIR } from "../ir/types";
import type { LayerInstance, NetworkInstance } from "../types/context";
import type { Dim } from "../types/dims";
import { layerShape, type LayerArgs } from "../types/layers";
import { LowerError, product, type Lowering } from "./context";

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

  /** What a layer's descriptor lowers with, at `span`. */
  lowering(span: Span, input: number[], out: number[], args: LayerArgs = {}, name = "dense"): LayerLowering {
    const lw = this.lw;
    const at = lw.at(span);
    return {
      input,
      out,
      at,
      num: (k, dflt) => {
        const v = args[k];
        if (typeof v === "number") return v;
        if (dflt !== undefined) return dflt;
        throw new LowerError(`${name}'s ${k} is not known`, span);
      },
      str: (k) => (typeof args[k] === "string" ? (args[k] as string) : null),
      useBias: args.use_bias !== false,
      id: (kind) => this.id(kind),
      param: (id, shape, init) => lw.param(id, shape, init, span),
      state: (id, shape, init) => lw.stateVar(id, shape, init, span),
      unsupported: (what) => unsupported(what, span),
    };
  }

  /** dense(units) on a vector, glorot-initialised, under `id` (the built-in mlp's and the encoder's head). */
  dense(input: number[], units: number, span: Span, id = this.id("dense")): void {
    this.layers.push(denseNode(this.lowering(span, input, [units]), input, units, id));
  }

  /** An activation layer; "linear" and none add nothing. */
  activation(shape: number[], fn: string | null, span: Span): void {
    this.layers.push(...activationNodes(this.lowering(span, shape, shape), shape, fn));
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
  const desc = layerByName(name);
  let out: number[];
  try {
    out = lw.dims(li.output, span, resolve);
  } catch {
    if (desc) out = layerShape(name, input, args);
    else if (typeof args.outputs === "number") out = [args.outputs];
    else throw new LowerError(`${name}'s outputs is not known`, span);
  }
  if (desc) {
    b.layers.push(...(desc.lower(b.lowering(span, input, out, args, name)) as LayerIR[]));
    return;
  }
  if (name !== "mlp") unsupported(`the layer '${name}'`, span);
  // the built-in network `mlp` used as a layer
  const hidden = constValue(argExpr(li.stmt.call, li.builtin!, "hidden") ?? { kind: "Missing", span });
  if (!Array.isArray(hidden) || !hidden.every((h) => typeof h === "number")) {
    unsupported("an mlp layer whose hidden sizes are not a literal list", span);
  }
  const str = (k: string): string | null => (typeof args[k] === "string" ? (args[k] as string) : null);
  mlpLayers(b, { inputs: product(input), hidden: hidden as number[], outputs: out[0]!, activation: str("activation") ?? "relu", outActivation: str("out_activation") }, span);
}

/**
 * The model's Gaussian head on the encoder's features: dense(units) with glorot init, params
 * encoder/head/kernel and encoder/head/bias. units is 2·D (mean, log-variance), 3·D with a spike.
 */
export function appendHead(lw: Lowering, net: NetworkIR, units: number, span: Span): NetworkIR {
  const b = new NetBuilder(lw, "encoder");
  b.dense(net.output, units, span, "encoder/head");
  return { ...net, output: [units], layers: [...net.layers, ...b.layers] };
}
