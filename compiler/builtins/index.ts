// The built-in names of the language, by context (the "did you mean" helper lives in diagnostics/suggest.ts).
//   lookupBuiltin("layer", "dense")   builtinsIn("prior")
import { CONSTANTS } from "./constants";
import { DATA } from "./data";
import { FUNCTIONS } from "./functions";
import { INITIALIZERS } from "./initializers";
import { LAYERS } from "./layers";
import { LIKELIHOODS } from "./likelihoods";
import { METRICS } from "./metrics";
import { NETWORKS } from "./networks";
import { OBJECTIVES } from "./objectives";
import { OPTIMIZERS } from "./optimizers";
import { Q_FLOWS } from "./q-flows";
import { FLOW_LAYER_BUILTINS, PRIORS } from "./priors";
import { SCHEMES } from "./schemes";
import type { Builtin, BuiltinContext } from "./types";

export type { ArgType, Builtin, BuiltinContext, BuiltinParam } from "./types";
export { TRAIN_SETTINGS } from "./train-settings";
export { functionInfo, type FunctionBuiltin } from "./functions";
export { editDistance, suggest } from "../diagnostics/suggest";

const TABLES: Record<BuiltinContext, readonly Builtin[]> = {
  function: FUNCTIONS,
  initializer: INITIALIZERS,
  layer: LAYERS,
  network: NETWORKS,
  data: DATA,
  prior: PRIORS,
  flow_layer: FLOW_LAYER_BUILTINS,
  likelihood: LIKELIHOODS,
  objective: OBJECTIVES,
  q_flow: Q_FLOWS,
  optimizer: OPTIMIZERS,
  scheme: SCHEMES,
  metric: METRICS,
  constant: CONSTANTS,
};

/** Every context, in a stable order. */
export const BUILTIN_CONTEXTS = Object.keys(TABLES) as BuiltinContext[];

const INDEX = new Map<BuiltinContext, Map<string, Builtin>>(
  BUILTIN_CONTEXTS.map((c) => [c, new Map(TABLES[c].map((b) => [b.name, b]))]),
);

/** The built-in `name` of `context`, if there is one (names are case-sensitive: `Normal` ≠ `normal`). */
export function lookupBuiltin(context: BuiltinContext, name: string): Builtin | undefined {
  return INDEX.get(context)?.get(name);
}

/** Every built-in of `context`, in declaration order. */
export function builtinsIn(context: BuiltinContext): readonly Builtin[] {
  return TABLES[context];
}
