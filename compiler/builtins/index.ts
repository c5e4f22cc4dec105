// The built-in names of the language, by context, and the "did you mean" helper.
//   lookupBuiltin("layer", "dense")   builtinsIn("prior")   suggest("sigmod", names) === "sigmoid"
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
import { PRIORS } from "./priors";
import type { Builtin, BuiltinContext } from "./types";

export type { ArgType, Builtin, BuiltinContext, BuiltinParam } from "./types";
export { TRAIN_SETTINGS } from "./train-settings";
export { functionInfo, type FunctionBuiltin } from "./functions";

const TABLES: Record<BuiltinContext, readonly Builtin[]> = {
  function: FUNCTIONS,
  initializer: INITIALIZERS,
  layer: LAYERS,
  network: NETWORKS,
  data: DATA,
  prior: PRIORS,
  likelihood: LIKELIHOODS,
  objective: OBJECTIVES,
  optimizer: OPTIMIZERS,
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

/** Edit distance with adjacent transpositions (optimal string alignment): "sigmod" → "sigmoid" is 1. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  let prev2: number[] = [];
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n]!;
}

/** How many edits a name of this length may be away from a suggestion. */
function budget(length: number): number {
  if (length <= 3) return 1;
  if (length <= 7) return 2;
  return 3;
}

/**
 * The candidate closest to `name`, for "did you mean …?" hints; undefined when none is close.
 * Case is ignored first (`normal` finds `Normal`), then edits are counted; a candidate must be within
 * 1 edit for names of ≤ 3 characters, 2 up to 7, 3 beyond, and closer than its own length (so `x`
 * never suggests `I`). Ties go to the candidate with the same first letter, then to the earliest.
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  if (name === "") return undefined;
  const lower = name.toLowerCase();
  let best: { c: string; d: number; exact: number; first: boolean } | undefined;
  const seen = new Set<string>();
  for (const c of candidates) {
    if (c === name || c === "" || seen.has(c)) continue;
    seen.add(c);
    const d = editDistance(lower, c.toLowerCase());
    if (d > budget(name.length) || d >= c.length) continue;
    const exact = editDistance(name, c);
    const first = c[0]?.toLowerCase() === lower[0];
    const better =
      !best || d < best.d || (d === best.d && exact < best.exact) || (d === best.d && exact === best.exact && first && !best.first);
    if (better) best = { c, d, exact, first };
  }
  return best?.c;
}
