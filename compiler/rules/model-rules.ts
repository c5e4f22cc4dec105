// Model rules (IV5xxx): N(0, I) makes an InteL-VAE, the likelihood's support fits the data,
// hyperparameters are in range, metrics measure a latent. Runs on resolved names and literal values.
import { modelItem as item, type Call, type Expr, type ModelDecl } from "../../grammar/ast";
import type { Builtin } from "../builtins/types";
import { CONSTRAINABLE_TERMS } from "../builtins/objectives-constrained";
import { likelihoodByName } from "../builtins/likelihoods";
import { priorByName } from "../builtins/priors";
import { groupArgs } from "../builtins/optimizer-groups";
import { TRAIN_SETTINGS } from "../builtins/train-settings";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import type { NameCheck } from "../names/check-names";
import type { LoadedModules } from "../names/modules";
import { callsIn } from "../names/args";
import { checkDataMapping } from "./data-mapping";
import { checkFlowPrior } from "./flow-prior";
import { checkFlowDecoder } from "./flow-decoder";
import { argExpr, argValue, constValue } from "./const-eval";
import { checkLogvarClip } from "./logvar-clip";
import { checkTrainGroups } from "./train-groups";
import { CHOICES, describeChoices, describeRange, inRange, RANGES } from "./ranges";

const analyticKl = (name: string): boolean => priorByName(name)?.analyticKl ?? false;

/** Metrics whose `z` argument must name a latent, not the data. */
const LATENT_METRICS = new Set(["hoyer", "fewshot", "active_dims", "mig"]);

export function checkModelRules(loaded: LoadedModules, names: NameCheck): { diagnostics: Diagnostic[] } {
  const out: Diagnostic[] = [];
  for (const mod of loaded.modules) {
    for (const item of mod.program.items) if (item.kind === "ModelDecl") checkModel(item, names, out);
  }
  return { diagnostics: out };
}

type Slot = { call: Call; builtin: Builtin };

/** The builtin a slot names, with the call (a bare `Bernoulli` is a call without arguments). */
function slotBuiltin(e: Expr, names: NameCheck): Slot | undefined {
  const sym = e.kind === "Call" || e.kind === "Name" ? names.resolution.get(e) : undefined;
  if (sym?.kind !== "builtin") return undefined;
  const call: Call =
    e.kind === "Call" ? e : { kind: "Call", callee: { kind: "Ident", name: (e as Extract<Expr, { kind: "Name" }>).name, span: e.span }, args: [], span: e.span };
  return { call, builtin: sym.builtin };
}


function checkModel(m: ModelDecl, names: NameCheck, out: Diagnostic[]): void {
  const data = item(m, "DataItem");
  const inter = item(m, "IntermediaryItem");
  const decoder = item(m, "DecoderItem");
  const dataSlot = data && slotBuiltin(data.source, names);
  const prior = inter && slotBuiltin(inter.prior, names);
  const likelihood = decoder && slotBuiltin(decoder.likelihood, names);

  if (prior) checkPrior(m, prior, out, names);
  checkTrainGroups(m, out);
  checkDataMapping(m, names, out);
  if (likelihood?.builtin.name === "FlowDecoder") checkFlowDecoder(m, likelihood, dataSlot, names, out);
  const support = likelihood && likelihoodByName(likelihood.builtin.name)?.support;
  if (support && dataSlot) {
    const range = dataSlot.builtin.values;
    if (range && (range[0] < support[0] || range[1] > support[1])) {
      out.push(
        diagnostic("IV5003", decoder!.likelihood.span, `a ${likelihood.builtin.name} likelihood needs data in [${support[0]}, ${support[1]}], but '${dataSlot.builtin.name}' yields values anywhere in the reals`, {
          labels: [{ span: data!.source.span, message: "the data comes from here" }],
          hint: "use a Gaussian likelihood, e.g. `: Gaussian(sigma: 0.1)`",
        }),
      );
    }
  }

  const objective = item(m, "ObjectiveItem");
  const objSlot = objective && slotBuiltin(objective.value, names);
  if (objSlot && prior) checkObjective(objSlot, prior, out);

  const slots: Slot[] = [];
  for (const e of [data?.source, inter?.prior, decoder?.likelihood, objective?.value, ...(item(m, "EvaluateItem")?.metrics ?? [])]) {
    const s = e && slotBuiltin(e, names);
    if (s) slots.push(s, ...nestedCalls(s, names));
  }
  const train = item(m, "TrainItem");
  for (const entry of train?.entries ?? []) {
    if (entry.key.name === "optimizer" || entry.key.name === "scheme") {
      const s = slotBuiltin(entry.value, names);
      if (s) slots.push(s);
    } else if (entry.key.name === "optimizers") {
      for (const g of groupArgs(entry.value)) {
        const s = slotBuiltin(g.value, names);
        if (s) slots.push(s);
      }
    } else if (TRAIN_SETTINGS.some((t) => t.name === entry.key.name)) {
      checkRange(`train:${entry.key.name}`, `the training setting '${entry.key.name}'`, entry.value, out);
    }
  }
  for (const { call, builtin } of slots) {
    for (const p of builtin.params) {
      const e = argExpr(call, builtin, p.name);
      if (e) checkRange(`${builtin.context}:${builtin.name}.${p.name}`, `'${p.name}' of ${builtin.name}`, e, out);
    }
    if (builtin.context === "metric" && LATENT_METRICS.has(builtin.name)) checkLatentArg(call, builtin, names, out);
  }
}

/** The built-in calls in a slot's `calls` arguments (a flow prior's base and layers), range-checked like slots. */
function nestedCalls({ call, builtin }: Slot, names: NameCheck): Slot[] {
  return builtin.params.flatMap((p) => {
    const e = p.calls ? argExpr(call, builtin, p.name) : undefined;
    return e ? callsIn(e).flatMap((c) => slotBuiltin(c, names) ?? []) : [];
  });
}

function checkPrior(m: ModelDecl, { call, builtin }: Slot, out: Diagnostic[], names: NameCheck): void {
  const d = priorByName(builtin.name);
  for (const c of d?.checkArgs?.((name) => {
    const e = argExpr(call, builtin, name);
    return e && { value: constValue(e), span: e.span };
  }) ?? []) {
    out.push(diagnostic(c.code, c.span, c.message));
  }
  checkLogvarClip(m, call, builtin, out);
  if (builtin.name === "Flow") {
    const e = argExpr(call, builtin, "base");
    const base = checkFlowPrior(call, builtin, e && slotBuiltin(e, names), out);
    if (base) checkNormal(base, out);
  }
  if (builtin.name !== "Normal") {
    const kl = analyticKl(builtin.name) ? "analytic" : (priorByName(builtin.name)?.klEstimate ?? "estimated by Monte Carlo");
    out.push(
      diagnostic("IV5001", call.span, `model '${m.name.name}' is a baseline, not an InteL-VAE: its prior on the intermediary is ${builtin.name}, not N(0, I); its KL is ${kl}`, {
        hint: "an InteL-VAE keeps N(0, I) and carries its bias in the mapping",
      }),
    );
    return;
  }
  checkNormal({ call, builtin }, out);
}

/** Normal's mean and covariance must be 0 and I (IV5002). */
function checkNormal({ call, builtin }: Slot, out: Diagnostic[]): void {
  const mean = argExpr(call, builtin, "mean");
  const cov = argExpr(call, builtin, "cov");
  const zero = (v: unknown): boolean => v === 0 || (Array.isArray(v) && v.every(zero));
  if (mean && !zero(constValue(mean))) {
    out.push(diagnostic("IV5002", mean.span, "the prior's mean must be 0: an InteL-VAE's intermediary prior is N(0, I)"));
  }
  if (cov && !(cov.kind === "Name" && cov.name === "I") && constValue(cov) !== 1) {
    out.push(diagnostic("IV5002", cov.span, "the prior's covariance must be I: an InteL-VAE's intermediary prior is N(0, I)"));
  }
}

/**
 * The objective's KL options against the prior (IV5006): "analytic" needs a closed form, which an
 * encoder flow never has; a Monte Carlo KL (kl: "mc", any q_flow) needs log p(y) and a Gaussian q,
 * which spike-and-slab does not give (its q and prior mix a point mass at 0 with a Gaussian).
 */
function checkObjective({ call, builtin }: Slot, prior: Slot, out: Diagnostic[]): void {
  if (builtin.name === "geco") return checkConstraint(call, builtin, out);
  if (builtin.name === "tc_elbo" && prior.builtin.name !== "Normal") {
    out.push(
      diagnostic("IV5070", call.span, `${builtin.name} decomposes the KL against a factorised N(0, I) prior, but this model's prior is ${prior.builtin.name}`, {
        labels: [{ span: prior.call.span, message: "the prior" }],
      }),
    );
    return;
  }
  const str = (name: string): { value: string; e: Expr } | null => {
    const e = argExpr(call, builtin, name);
    const v = e && constValue(e);
    return e && typeof v === "string" ? { value: v, e } : null;
  };
  const kl = builtin.name === "elbo" ? str("kl") : null;
  // an encoder flow: a call (`sylvester(amortised: true)`, compiler/builtins/q-flows.ts) or the old string form
  const flow = encoderFlow(argExpr(call, builtin, "q_flow"));
  const withFlow = flow !== null;
  const p = prior.builtin.name;
  if (kl?.value === "analytic" && withFlow) {
    out.push(
      diagnostic("IV5006", kl.e.span, `kl: "analytic" is impossible with an encoder flow: q(y|x) is no longer Gaussian, so the KL has no closed form`, {
        labels: [{ span: flow.e.span, message: "the encoder flow" }],
        hint: 'write kl: "auto" or "mc" (with a flow both are the Monte Carlo KL)',
      }),
    );
  } else if (kl?.value === "analytic" && !analyticKl(p)) {
    out.push(
      diagnostic("IV5006", kl.e.span, `kl: "analytic" is impossible with the ${p} prior: its KL against a Gaussian q has no closed form`, {
        labels: [{ span: prior.call.span, message: "the prior" }],
        hint: 'write kl: "auto" (Monte Carlo for this prior)',
      }),
    );
  }
  const noMc = priorByName(p)?.noMonteCarloKl;
  if (noMc && (withFlow || kl?.value === "mc")) {
    const what = withFlow ? `an encoder flow (q_flow: ${flow.value})` : 'kl: "mc"';
    out.push(
      diagnostic("IV5006", (withFlow ? flow : kl)!.e.span, `${what} needs a Gaussian q and a prior density, but the ${p} prior's ${noMc.why}`, {
        labels: [{ span: prior.call.span, message: "the prior" }],
        hint: noMc.hint,
      }),
    );
  }
}

/** The objective's encoder flow as the spec names it (`sylvester(…)`, `"planar"`); null for none or a string that is not one (IV5004). */
function encoderFlow(e: Expr | undefined): { value: string; e: Expr } | null {
  if (!e) return null;
  if (e.kind === "Call") return { value: `${e.callee.name}(…)`, e };
  if (e.kind === "Name") return { value: `${e.name}(…)`, e };
  const v = constValue(e);
  return v === "planar" || v === "sylvester" ? { value: JSON.stringify(v), e } : null;
}

/** GECO's constraint names a term (IV5071) and λ starts inside a valid range (IV5072). */
function checkConstraint(call: Call, builtin: Builtin, out: Diagnostic[]): void {
  const term = argExpr(call, builtin, "constraint");
  const t = term && constValue(term);
  if (term && typeof t === "string" && !(CONSTRAINABLE_TERMS as readonly string[]).includes(t)) {
    out.push(diagnostic("IV5071", term.span, `${builtin.name} cannot constrain ${JSON.stringify(t)}: the terms it can bound are ${CONSTRAINABLE_TERMS.map((n) => JSON.stringify(n)).join(", ")}`));
  }
  const rangeE = argExpr(call, builtin, "lambda_range");
  const range = argValue(call, builtin, "lambda_range");
  const init = argValue(call, builtin, "lambda_init");
  const nums = Array.isArray(range) && range.length === 2 && range.every((v) => typeof v === "number") ? (range as number[]) : null;
  const at = rangeE?.span ?? call.span;
  if (!nums || !(nums[0]! > 0 && nums[0]! <= nums[1]!)) {
    out.push(diagnostic("IV5072", at, `lambda_range must be two numbers [lo, hi] with 0 < lo ≤ hi, got ${Array.isArray(range) ? `[${range.join(", ")}]` : range === undefined ? "an expression that is not a constant" : JSON.stringify(range)}`));
  } else if (typeof init === "number" && (init < nums[0]! || init > nums[1]!)) {
    const initE = argExpr(call, builtin, "lambda_init");
    out.push(diagnostic("IV5072", initE?.span ?? at, `lambda_init = ${init} lies outside lambda_range [${nums.join(", ")}]`, { hint: "λ is clipped into lambda_range after every update: start it inside" }));
  }
}

function checkRange(key: string, what: string, e: Expr, out: Diagnostic[]): void {
  const v = constValue(e);
  const choices = CHOICES.get(key);
  if (choices && typeof v === "string" && !choices.includes(v)) {
    out.push(diagnostic("IV5004", e.span, `${what} must be ${describeChoices(choices)}, got ${JSON.stringify(v)}`));
    return;
  }
  const range = RANGES.get(key);
  // A fractional value where a whole number belongs is a type error (IV3002), reported by the type checker.
  if (!range || typeof v !== "number" || (range.int && !Number.isInteger(v)) || inRange(range, v)) return;
  out.push(diagnostic("IV5004", e.span, `${what} must be ${describeRange(range)}, got ${v}`));
}

function checkLatentArg(call: Call, builtin: Builtin, names: NameCheck, out: Diagnostic[]): void {
  const e = argExpr(call, builtin, "z");
  if (!e || e.kind !== "Name") return;
  const sym = names.resolution.get(e);
  if (sym?.kind === "local" && sym.local === "data") {
    out.push(
      diagnostic("IV5005", e.span, `${builtin.name} measures a representation, but '${e.name}' is the data`, {
        hint: "pass the representation z (or the intermediary y)",
      }),
    );
  }
}
