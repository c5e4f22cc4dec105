// What a likelihood p(x | z) is, in one place: its signature (ranges, defaults, docs), the data it
// supports, the shape of its IR node (a zod schema, which the runtime validates ir.json against), its
// lowering and its `--verbose` line. The checker, the model rules (IV5003), the lowering,
// compiler/describe.ts, docs/builtins.md and the IR schema read these descriptors; the runtime
// implements each IR kind once (runtime/objectives/likelihood.ts).
import type { z } from "zod";
import type { InitIR, Value } from "../../ir/types";
import type { Builtin } from "../types";

/** What a likelihood's lowering may read and create. Arguments have their defaults filled in. */
export interface LikelihoodLowering {
  args: Record<string, Value>;
  /** a number argument (the model rules range-checked it) */
  num(name: string): number;
  /** the data shape, without the batch axis */
  data: number[];
  /** a learnable tensor; returns its param id */
  param(id: string, shape: number[], init: InitIR): string;
  /** the built-in calls of a parameter declared with `calls` (FlowDecoder's layers), in order, arguments as written */
  calls(name: string): { name: string; args: Record<string, Value> }[];
}

export type LikelihoodSchema = z.ZodObject<{ kind: z.ZodLiteral<string> } & z.core.$ZodLooseShape>;

export interface LikelihoodDescriptor<S extends LikelihoodSchema = LikelihoodSchema> extends Builtin {
  context: "likelihood";
  kind: z.infer<S>["kind"];
  ir: S;
  /** the support of x when it is not the reals: data sources whose values leave it are IV5003 */
  support?: [number, number];
  lower(l: LikelihoodLowering): z.infer<S>;
  /** `intel check --verbose`, after "likelihood": "Gaussian, σ = 0.1" */
  describe(ir: z.infer<S>): string;
}

/** `defineLikelihood(schema)({ … })`, curried so that the lowering's literals are typed by the schema. */
export function defineLikelihood<S extends LikelihoodSchema>(ir: S) {
  return (d: Omit<LikelihoodDescriptor<S>, "context" | "ir">): LikelihoodDescriptor<S> => ({ ...d, ir, context: "likelihood" });
}

/** A scale argument that is a fixed number or "learned": one learnable log-scale per data coordinate, starting at 1. */
function fixedOrLearned(l: LikelihoodLowering, arg: string, paramId: string): { value: number | "learned"; param?: string } {
  if (l.args[arg] === "learned") return { value: "learned", param: l.param(paramId, l.data, { kind: "zeros" }) };
  return { value: l.num(arg) };
}

/** The node of a likelihood whose one scale argument `arg` is fixed or learned; `idKey` holds the
 *  learned log-scale's param id (`likelihood/<param>`). */
export function scaledNode<K extends string, A extends string, I extends string>(l: LikelihoodLowering, kind: K, arg: A, idKey: I, param: string) {
  const s = fixedOrLearned(l, arg, `likelihood/${param}`);
  return { kind, [arg]: s.value, ...(s.param ? { [idKey]: s.param } : {}) } as { kind: K } & Record<A, number | "learned"> & Partial<Record<I, string>>;
}

/** "= 0.1" or "learned per coordinate", for the `--verbose` lines. */
export const scaleText = (v: number | "learned") => (v === "learned" ? "learned per coordinate" : `= ${v}`);
