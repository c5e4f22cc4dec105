// What a network layer is, in one place (docs/architecture.md §4). Two levels, because several
// layer names share one IR node (relu, elu, … are all `activation` nodes; dense and conv2d add one
// when given `activation:`):
//  - a LayerDescriptor per name: its signature (ranges, defaults, docs), its shape rule (the type
//    checker calls it with symbolic sizes, the lowering with numbers) and its lowering to IR nodes;
//  - a LayerKind per IR node kind: the node's zod schema (the IR schema and LayerIR are built from
//    them) and how `intel compile` writes the node out as a call into runtime/support.
// The runtime implements each kind once (runtime/model/layer-registry.ts).
import type { z } from "zod";
import type { InitIR, SourceRef } from "../../ir/types";
import type { Dim, Subst } from "../../types/dims";
import type { Builtin } from "../types";

/** A layer's arguments by parameter name, defaults filled in: Int values are Dims (numbers once
 *  lowered), Strings and Bools as they are, null for "none". */
export type LayerArgs = Record<string, Dim | string | boolean | null | undefined>;

export type LayerShape = { ok: true; out: Dim[] } | { ok: false; message: string; hint?: string };

/** What a shape rule reads: the input's sizes (without the batch axis) and the arguments. */
export interface ShapeInput {
  s: Subst;
  name: string;
  input: readonly Dim[];
  args: LayerArgs;
  /** an Int argument, when known (a number or a symbol) */
  dim(k: string): Dim | undefined;
}

/** What a layer's lowering may read and create. */
export interface LayerLowering {
  input: number[];
  out: number[];
  at: SourceRef;
  /** an Int or Real argument; `dflt` when it is none */
  num(k: string, dflt?: number): number;
  /** a String argument, null for none */
  str(k: string): string | null;
  /** `use_bias` (true unless false) */
  useBias: boolean;
  /** a fresh parameter path `<network path>/<kind>_<i>` (i counts `kind` within the network) */
  id(kind: string): string;
  /** a learnable tensor; returns its id */
  param(id: string, shape: number[], init: InitIR): string;
  /** a non-learnable state tensor (batch-norm statistics); returns its id */
  state(id: string, shape: number[], init: InitIR): string;
  /** what the IR cannot express: an IV9001 at the layer */
  unsupported(what: string): never;
}

/** The IR nodes one layer call lowers to (a kind-tagged object each; the IR schema checks them). */
export type LayerNodes = readonly { kind: string; in: number[]; out: number[]; at: SourceRef }[];

export interface LayerDescriptor extends Builtin {
  context: "layer";
  /** the output's sizes; `sameShape` for layers that keep it */
  shape(i: ShapeInput): LayerShape;
  lower(l: LayerLowering): LayerNodes;
}

export const sameShape = (i: ShapeInput): LayerShape => ({ ok: true, out: [...i.input] });

export function defineLayer(d: Omit<LayerDescriptor, "context">): LayerDescriptor {
  return { ...d, context: "layer" };
}

/** What an emitted layer may write (compiler/emit/network.ts gives it). The running value is `x`. */
export interface LayerEmit {
  line(s: string): void;
  comment(s: string): void;
  /** imports a runtime/support name and returns it */
  use(name: string): string;
  /** `param(c.params, id) as tf.Tensor<rank>` */
  weight(id: string, rank: "1D" | "2D" | "4D"): string;
  /** a bias's weight, "null" when absent */
  bias(id: string | undefined): string;
  /** `param(c.params, id)` / `param(c.state, id)` */
  param(id: string): string;
  state(id: string): string;
  /** the static shape of x is now `s` (null: unknown); `reshape` writes a reshape when it differs */
  shaped(s: readonly number[] | null): void;
  reshape(s: readonly number[]): void;
  num(n: number): string;
  arr(xs: readonly number[]): string;
  str(s: string): string;
  /** "spec.intel:12", for the comments */
  where: string;
  /** the layer's index in the network (seeds) */
  index: number;
  /** the expression of "does this layer need its input's gradient" (the first weighted layer's
   *  depends on the input being data) */
  inputGrad: string;
  /** a dense layer that computes the ReLU after it too (network-plan.ts) */
  relu: boolean;
}

/** One IR layer kind: its node's schema and how it is emitted. */
export interface LayerKind<S extends z.ZodObject = z.ZodObject> {
  ir: S;
  emit(l: z.infer<S>, e: LayerEmit): void;
}

export function defineKind<S extends z.ZodObject>(ir: S, emit: (l: z.infer<S>, e: LayerEmit) => void): LayerKind<S> {
  return { ir, emit };
}

export { layerNode } from "../../ir/parts";
