// The shape of an objective descriptor (compiler/builtins/objectives.ts lists them): its signature,
// its IR node's schema, its lowering and its `intel check --verbose` line.
import type { z } from "zod";
import type { QFlowIR, Value } from "../ir/types";
import { maker } from "./define";
import type { Builtin } from "./types";

export const objective = maker("objective");

/** What an objective's lowering may read and create. Arguments have their defaults filled in. */
export interface ObjectiveLowering {
  args: Record<string, Value>;
  /** a number argument (the model rules range-checked it) */
  num(name: string): number;
  /** D, the size of y */
  dim: number;
  /** the encoder flow (q_flow, q_flow_layers), lowered with its parameters; undefined for none */
  qFlow(): QFlowIR | undefined;
  /** a lowering error at the objective */
  fail(message: string): never;
}

/** Every objective IR node has a `kind`. */
export type ObjectiveSchema = z.ZodObject<{ kind: z.ZodLiteral<string> } & z.core.$ZodLooseShape>;

export interface ObjectiveDescriptor<S extends ObjectiveSchema = ObjectiveSchema> extends Builtin {
  context: "objective";
  /** the IR node's `kind` */
  kind: z.infer<S>["kind"];
  ir: S;
  lower(l: ObjectiveLowering): z.infer<S>;
  /** `intel check --verbose`: "ELBO, β = 1" */
  describe(ir: z.infer<S>, y: string): string;
}

export function defineObjective<S extends ObjectiveSchema>(ir: S) {
  return (d: Omit<ObjectiveDescriptor<S>, "context" | "ir" | keyof Builtin>, b: Builtin): ObjectiveDescriptor<S> => ({ ...b, ...d, ir, context: "objective" });
}

