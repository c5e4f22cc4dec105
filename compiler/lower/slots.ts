// The model's slots that hold a built-in call: data source, prior, likelihood, objective, optimizer,
// training settings and metrics. Their arguments are literal values (the model rules already range-
// checked them): folded as written, defaults filled in from compiler/builtins/.
import { dirname, isAbsolute, resolve } from "node:path";
import { modelItem, type Call, type Expr, type ModelDecl, type ModelItem, type Span } from "../../grammar/ast";
import type { Builtin } from "../builtins/types";
import { TRAIN_SETTINGS } from "../builtins";
import { lookupBuiltin } from "../builtins";
import { likelihoodByName } from "../builtins/likelihoods";
import { objectiveByName } from "../builtins/objectives";
import { groupArgs, groupsOfPart, partOfParam } from "../builtins/optimizer-groups";
import { priorByName } from "../builtins/priors";
import { schemeByName } from "../builtins/schemes";
import { partNetworks } from "../rules/train-groups";
import { constValue } from "../rules/const-eval";
import type { DataIR, LikelihoodIR, MetricIR, ObjectiveIR, OptimizerGroupIR, OptimizerIR, SchemeIR, PriorIR, TrainIR, TrainSettingsIR, Value } from "../ir/types";
import { callsIn } from "../names/args";
import { bindArgs } from "../types/context";
import { LowerError, type Lowering } from "./context";
import { lowerQFlow, qFlowSpec } from "./q-flow";
import { lowerNetwork, mlpNetwork } from "./networks";
import type { NetworkInstance } from "../types/context";

export type Item<K extends ModelItem["kind"]> = Extract<ModelItem, { kind: K }>;

export const item = modelItem;

export interface Slot {
  call: Call;
  builtin: Builtin;
  args: Record<string, Value>;
}

/** A slot's built-in (a bare `Bernoulli` is a call without arguments) and its arguments' values. */
export function slot(lw: Lowering, e: Expr): Slot {
  const sym = e.kind === "Call" || e.kind === "Name" ? lw.names.resolution.get(e) : undefined;
  if (sym?.kind !== "builtin") throw new LowerError("expected a built-in here", e.span);
  const call: Call = e.kind === "Call" ? e : { kind: "Call", callee: { kind: "Ident", name: sym.builtin.name, span: e.span }, args: [], span: e.span };
  return { call, builtin: sym.builtin, args: argValues(call, sym.builtin) };
}

/** Every parameter's value: as written, else its default (null = none); a `calls` parameter's is
 *  the list of its callees' names (its calls themselves: `callsOf`). */
export function argValues(call: Call, b: Builtin): Record<string, Value> {
  const { named } = bindArgs(call.args, b.params.map((p) => p.name), b.variadic);
  const out: Record<string, Value> = {};
  for (const p of b.params) {
    const a = named.get(p.name);
    // a network argument is lowered by its slot (PriorLowering.network), not folded to a value
    if (a && p.calls && a.value.kind === "StringLit") out[p.name] = a.value.value; // a string among its choices (q_flow: "sylvester")
    else if (a && p.calls) out[p.name] = callsIn(a.value).map((e) => (e.kind === "Call" ? e.callee.name : e.kind === "Name" ? e.name : ""));
    else out[p.name] = a && p.type !== "network" ? literal(a.value) : ((p.default ?? null) as Value);
  }
  return out;
}

/** A `calls` parameter's built-in calls, in order, with their arguments as written (no defaults). */
export function callsOf(lw: Lowering, call: Call, b: Builtin, name: string): { name: string; args: Record<string, Value> }[] {
  const a = bindArgs(call.args, b.params.map((p) => p.name), b.variadic).named.get(name);
  if (!a) return [];
  return callsIn(a.value).map((e) => {
    const s = slot(lw, e);
    const written = bindArgs(s.call.args, s.builtin.params.map((p) => p.name)).named;
    return { name: s.builtin.name, args: Object.fromEntries([...written].map(([k, v]) => [k, literal(v.value)])) };
  });
}

const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E };

/** A literal argument; a name (a metric's `z`, the prior's `I`) is its text. */
function literal(e: Expr): Value {
  const v = constValue(e);
  if (v !== undefined) return v;
  if (e.kind === "Name") return CONSTANTS[e.name] ?? e.name;
  if (e.kind === "Paren") return literal(e.inner);
  throw new LowerError("this argument must be a literal value", e.span);
}

const num = (v: Value, what: string, span: Span): number => {
  if (typeof v !== "number") throw new LowerError(`${what} must be a number, found ${JSON.stringify(v)}`, span);
  return v;
};

// ---------- data ----------

/** The data arguments that name files: a relative one is relative to the spec's folder (the IR holds it resolved). */
const FILE_ARGS = ["path", "labels"];

export function lowerData(lw: Lowering, d: Item<"DataItem">, shape: number[]): DataIR {
  const s = slot(lw, d.source);
  const args = { ...s.args };
  const specDir = dirname(lw.absPath(d.span));
  for (const k of FILE_ARGS) {
    const v = args[k];
    if (typeof v === "string" && v !== "" && !isAbsolute(v)) args[k] = resolve(specDir, v);
  }
  return { name: d.name.name, source: s.builtin.name, args, shape, range: s.builtin.values?.every(Number.isFinite) ? [s.builtin.values[0], s.builtin.values[1]] : null, at: lw.at(d.span) };
}

// ---------- prior ----------

/** The prior; `dim` is D, `data` the data shape (VampPrior's pseudo-inputs look like x). */
export function lowerPrior(lw: Lowering, e: Expr, shape: number[], data: number[], networks: ReadonlyMap<string, NetworkInstance> = new Map()): PriorIR {
  const { builtin, args, call } = slot(lw, e);
  const d = priorByName(builtin.name);
  if (!d) throw new LowerError(`the prior '${builtin.name}' has no descriptor`, call.span);
  // PRIOR_IR is the union of the descriptors' schemas, so each descriptor's node is a PriorIR
  return d.lower({
    args,
    num: (k) => num(args[k]!, `${builtin.name}'s ${k}`, call.span),
    dim: shape.reduce((a, b) => a * b, 1),
    shape,
    data,
    param: (id, pshape, init) => lw.param(id, pshape, init, call.span),
    state: (id, pshape, init) => lw.stateVar(id, pshape, init, call.span),
    calls: (name) => callsOf(lw, call, builtin, name),
    network: (arg, path) => {
      const inst = networks.get(arg);
      return inst && lowerNetwork(lw, inst, lw.scope(path));
    },
    mlp: (path, inputs, hidden, outputs) => mlpNetwork(lw, lw.scope(path), { inputs, hidden, outputs, activation: "relu", outActivation: null }, call.span),
  }) as PriorIR;
}

// ---------- likelihood ----------

export function lowerLikelihood(lw: Lowering, e: Expr, data: number[]): LikelihoodIR {
  const { builtin, args, call } = slot(lw, e);
  const d = likelihoodByName(builtin.name);
  if (!d) throw new LowerError(`the likelihood '${builtin.name}' has no descriptor`, call.span);
  return d.lower({
    args,
    num: (k) => num(args[k]!, `${builtin.name}'s ${k}`, call.span),
    data,
    param: (id, pshape, init) => lw.param(id, pshape, init, call.span),
    calls: (name) => callsOf(lw, call, builtin, name),
  }) as LikelihoodIR;
}

// ---------- objective, training, evaluation ----------

/** The objective; `dim` is D, the size of y that an encoder flow acts on. */
export function lowerObjective(lw: Lowering, m: ModelDecl, dim: number): ObjectiveIR {
  const it = item(m, "ObjectiveItem");
  const s = it ? slot(lw, it.value) : { builtin: lookupBuiltin("objective", "elbo")!, args: argValues({ kind: "Call", callee: { kind: "Ident", name: "elbo", span: m.span }, args: [], span: m.span }, lookupBuiltin("objective", "elbo")!), call: undefined };
  const span = it?.span ?? m.span;
  const d = objectiveByName(s.builtin.name);
  if (!d) throw new LowerError(`the objective '${s.builtin.name}' has no lowering`, span);
  return d.lower({
    args: s.args,
    num: (k) => num(s.args[k]!, `${s.builtin.name}'s ${k}`, span),
    dim,
    // the flow's parameters come last (after the prior's), so models without one keep their init seeds
    qFlow: () => lowerQFlow(lw, qFlowSpec(lw, m), dim, span),
    fail: (message) => {
      throw new LowerError(message, span);
    },
  }) as ObjectiveIR;
}

/** Settings with a TrainIR field of their own; the others go to TrainIR.settings. */
const OWN = new Set(["optimizer", "optimizers", "scheme", "batch", "epochs", "early_stop", "seed", "checkpoint_every"]);

export function lowerTrain(lw: Lowering, m: ModelDecl, data: DataIR): TrainIR {
  const entries = new Map((item(m, "TrainItem")?.entries ?? []).map((e) => [e.key.name, e]));
  const value = (name: string): Value => {
    const e = entries.get(name);
    return e ? literal(e.value) : ((TRAIN_SETTINGS.find((t) => t.name === name)?.default ?? null) as Value);
  };
  const n = (name: string) => num(value(name), `the training setting '${name}'`, entries.get(name)?.span ?? m.span);
  const settings: Record<string, Value> = {};
  for (const t of TRAIN_SETTINGS) if (!OWN.has(t.name)) settings[t.name] = value(t.name);
  // every TrainSettingsIR key is a TRAIN_SETTINGS name, range-checked by the model rules
  // (test/lower/api.test.ts checks the lowered settings against the IR schema)
  const groups = lowerGroups(lw, m, entries.get("optimizers")?.value);
  const schemeEntry = entries.get("scheme");
  return {
    optimizer: groups ? groups[0]!.optimizer : optimizer(lw, entries.get("optimizer")?.value, m.span),
    groups,
    scheme: schemeEntry ? lowerScheme(lw, schemeEntry.value) : null,
    batch: n("batch"),
    epochs: n("epochs"),
    earlyStop: value("early_stop") === null ? 0 : n("early_stop"),
    seed: n("seed"),
    validation: typeof data.args.validation === "number" ? data.args.validation : 0,
    checkpointEvery: n("checkpoint_every"),
    settings: settings as unknown as TrainSettingsIR,
  };
}

/** `groups(encoder: adam(…), …)` → one OptimizerGroupIR per group, every ParamIR in the one group
 *  its part resolves to (the model rules reported conflicts and gaps, IV2061/IV2062). */
function lowerGroups(lw: Lowering, m: ModelDecl, e: Expr | undefined): OptimizerGroupIR[] | null {
  const args = groupArgs(e);
  if (args.length === 0) return null;
  const given = args.map((a) => a.name.name);
  const nets = partNetworks(m);
  const groups: OptimizerGroupIR[] = args.map((a) => ({ name: a.name.name, optimizer: optimizer(lw, a.value, a.span), params: [], player: "decoder" }));
  for (const p of lw.params) {
    const owners = groupsOfPart(partOfParam(p.id), given, nets);
    if (owners.length !== 1) throw new LowerError(`parameter '${p.id}' is in ${owners.length} optimizer groups`, e!.span);
    groups[given.indexOf(owners[0]!)]!.params.push(p.id);
  }
  for (const g of groups) if (g.params.some((id) => partOfParam(id) === "encoder")) g.player = "encoder";
  return groups;
}

function lowerScheme(lw: Lowering, e: Expr): SchemeIR {
  const s = slot(lw, e);
  const d = schemeByName(s.builtin.name);
  if (!d) throw new LowerError(`the training scheme '${s.builtin.name}' has no lowering`, e.span);
  return d.lower(s.args, (k) => num(s.args[k]!, `${s.builtin.name}'s ${k}`, e.span));
}

/**
 * `adam(lr: …)` → { kind, lr, … } (OptimizerIR). `eps` is written `epsilon` (the runtime's name) and
 * only when the spec gives it, so that the backend's own default applies otherwise; Bools become 0/1.
 */
function optimizer(lw: Lowering, e: Expr | undefined, span: Span): OptimizerIR {
  const s = e ? slot(lw, e) : { builtin: lookupBuiltin("optimizer", "adam")!, args: argValues({ kind: "Call", callee: { kind: "Ident", name: "adam", span }, args: [], span }, lookupBuiltin("optimizer", "adam")!), call: undefined };
  const kind = s.builtin.name as TrainIR["optimizer"]["kind"];
  const out: Record<string, Value> = { kind, lr: num(s.args.lr!, "lr", e?.span ?? span) };
  const written = new Set(s.call ? bindArgs(s.call.args, s.builtin.params.map((p) => p.name)).named.keys() : []);
  for (const [k, v] of Object.entries(s.args)) {
    if (k === "lr") continue;
    if (k === "eps") {
      if (written.has(k)) out.epsilon = num(v, "eps", e!.span);
      continue;
    }
    if (typeof v === "number" || typeof v === "string") out[k] = v;
    else if (typeof v === "boolean") out[k] = v ? 1 : 0;
  }
  return out as unknown as OptimizerIR;
}

export function lowerMetrics(lw: Lowering, m: ModelDecl): MetricIR[] {
  return (item(m, "EvaluateItem")?.metrics ?? []).map((e) => {
    const s = slot(lw, e);
    return { name: s.builtin.name, args: s.args, at: lw.at(e.span) };
  });
}
