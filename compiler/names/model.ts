// Name checks of a model: its items, how their names chain, and the calls in each slot.
import type { Call, Expr, Ident, ModelDecl, ModelItem } from "../../grammar/ast";
import { TRAIN_SETTINGS } from "../builtins/train-settings";
import { diagnostic } from "../diagnostics/diagnostic";
import { didYouMean } from "../diagnostics/suggest";
import { misplacedSetting, moveToOptimizer } from "./misplaced";
import type { CallRules, NameContext } from "./context";
import { checkAnnotations, declareLocal } from "./declarations";
import { Scope } from "./scope";

const rules = (builtins: CallRules["builtins"], noun: string, networks = false): CallRules => ({ builtins, noun, networks });
const DATA = rules(["data"], "data source");
const NETWORK = rules(["network"], "network", true);
const PRIOR = rules(["prior"], "prior");
const LIKELIHOOD = rules(["likelihood"], "likelihood");
const OBJECTIVE = rules(["objective"], "objective");
const OPTIMIZER = rules(["optimizer"], "optimizer");
const METRIC = rules(["metric"], "metric");
const SCHEME = rules(["scheme"], "training scheme");

const REQUIRED = ["DataItem", "EncoderItem", "IntermediaryItem", "DecoderItem"] as const;
const SINGLE: ModelItem["kind"][] = [...REQUIRED, "MappingItem", "ObjectiveItem", "TrainItem", "EvaluateItem"];
const EXAMPLE: Record<(typeof REQUIRED)[number], string> = {
  DataItem: "data x ~ mnist(split: \"train\")",
  EncoderItem: "encoder q(y | x) = mlp_encoder(hidden: [512, 256])",
  IntermediaryItem: "intermediary y : Real[10] ~ Normal(0, I)",
  DecoderItem: "decoder p(x | z) : Bernoulli = mlp_decoder(hidden: [256, 512])",
};
const WORD: Record<ModelItem["kind"], string> = {
  DataItem: "data",
  EncoderItem: "encoder",
  IntermediaryItem: "intermediary",
  MappingItem: "mapping",
  DecoderItem: "decoder",
  ObjectiveItem: "objective",
  TrainItem: "train",
  EvaluateItem: "evaluate",
};

/** A slot that takes a call or a bare name (`Bernoulli`), resolved under `r`. */
function slot(cx: NameContext, e: Expr, scope: Scope, r: CallRules): void {
  if (e.kind === "Call") return cx.call(e, scope, r);
  if (e.kind === "Name") {
    const call: Call = { kind: "Call", callee: { kind: "Ident", name: e.name, span: e.span }, args: [], span: e.span };
    cx.call(call, scope, r);
    const sym = cx.resolution.get(call);
    if (sym) cx.resolution.set(e, sym);
    return;
  }
  if (e.kind === "Missing") return;
  cx.report(diagnostic("IV2006", e.span, `expected a ${r.noun} here, like name(arguments)`));
}

export function checkModel(cx: NameContext, decl: ModelDecl): void {
  checkAnnotations(cx, decl.annotations);
  const first = new Map<ModelItem["kind"], ModelItem>();
  for (const item of decl.items) {
    checkAnnotations(cx, item.annotations);
    const prior = first.get(item.kind);
    if (prior && SINGLE.includes(item.kind)) {
      cx.report(
        diagnostic("IV2012", item.span, `model '${decl.name.name}' has a second ${WORD[item.kind]}`, {
          labels: [{ span: prior.span, message: `the first ${WORD[item.kind]} is here` }],
          hint: "a model has one of each; remove one",
        }),
      );
    } else if (!prior) first.set(item.kind, item);
  }
  // A model with a syntax error inside may have lost the item to the error: do not also call it missing.
  const incomplete = cx.hasSyntaxErrorIn(decl.span);
  for (const kind of REQUIRED) {
    if (!first.has(kind) && !incomplete) {
      cx.report(
        diagnostic("IV2012", decl.name.span, `model '${decl.name.name}' has no ${WORD[kind]}`, { hint: `add a line like \`${EXAMPLE[kind]}\`` }),
      );
    }
  }

  // The model's own names: x (data), y (intermediary), z (mapping). Declared first so order does not matter.
  const scope = new Scope(cx.globals);
  const get = <K extends ModelItem["kind"]>(k: K) => first.get(k) as Extract<ModelItem, { kind: K }> | undefined;
  const data = get("DataItem");
  const inter = get("IntermediaryItem");
  const mapping = get("MappingItem");
  if (data) declareLocal(cx, scope, data.name, "data");
  if (inter) declareLocal(cx, scope, inter.name, "intermediary");
  if (mapping) declareLocal(cx, scope, mapping.name, "mapping");
  const repr = mapping?.name ?? inter?.name;

  for (const item of decl.items) {
    switch (item.kind) {
      case "DataItem":
        slot(cx, item.source, scope, DATA);
        break;
      case "EncoderItem":
        chain(cx, item.given, data?.name, "the encoder reads the data");
        chain(cx, item.latent, inter?.name, "the encoder produces the intermediary latent");
        slot(cx, item.network, scope, NETWORK);
        break;
      case "IntermediaryItem":
        slot(cx, item.prior, scope, PRIOR);
        break;
      case "MappingItem":
        cx.expr(item.value, scope);
        break;
      case "DecoderItem":
        chain(cx, item.output, data?.name, "the decoder models the data");
        // A mapping lost to a syntax error (`maping z = …`) is not "no mapping".
        if (mapping || !incomplete) chain(cx, item.given, repr, mapping ? "the decoder reads the mapping's output" : "the decoder reads the intermediary latent (there is no mapping)");
        slot(cx, item.likelihood, scope, LIKELIHOOD);
        slot(cx, item.network, scope, NETWORK);
        break;
      case "ObjectiveItem":
        slot(cx, item.value, scope, OBJECTIVE);
        break;
      case "TrainItem":
        checkTrain(cx, item, scope);
        break;
      case "EvaluateItem":
        for (const m of item.metrics) slot(cx, m, scope, METRIC);
        break;
    }
  }
}

/** `optimizers: groups(encoder: adam(…), …)`: named arguments, each an optimizer call. Which names
 *  are parts of the model is the model rules' question (compiler/rules/train-groups.ts). */
function groupsCall(cx: NameContext, e: Expr, scope: Scope): void {
  if (e.kind === "Missing") return;
  if (e.kind !== "Call" || e.callee.name !== "groups") {
    cx.report(diagnostic("IV2064", e.span, "`optimizers` takes groups(part: optimizer, …)", { hint: "e.g. optimizers: groups(encoder: adam(lr: 2e-4), decoder: adam(lr: 2e-4))" }));
    return;
  }
  for (const a of e.args) {
    if (!a.name) cx.report(diagnostic("IV2064", a.span, "each optimizer group is named after a part of the model: `encoder: adam(…)`"));
    slot(cx, a.value, scope, OPTIMIZER);
  }
}

/** `encoder q(y | x)`: the names in the header must be the model's own. */
function chain(cx: NameContext, used: Ident, expected: Ident | undefined, why: string): void {
  if (!expected || used.name === "" || expected.name === "" || used.name === expected.name) return;
  cx.report(
    diagnostic("IV2013", used.span, `expected '${expected.name}' here, found '${used.name}': ${why}`, {
      labels: [{ span: expected.span, message: `'${expected.name}' is declared here` }],
    }),
  );
}

function checkTrain(cx: NameContext, item: Extract<ModelItem, { kind: "TrainItem" }>, scope: Scope): void {
  const seen = new Map<string, Ident>();
  for (const entry of item.entries) {
    const key = entry.key.name;
    if (key === "") continue;
    const setting = TRAIN_SETTINGS.find((s) => s.name === key);
    if (!setting) {
      const home = misplacedSetting(key, "train", entry.value);
      if (home) {
        cx.report(
          diagnostic("IV2030", entry.key.span, `'${key}' is not a training setting: ${home.what.replace(`'${key}' is `, "it is ")}`, {
            hint: home.hint,
            fix: home.block === "optimizer" ? moveToOptimizer(cx.module.text, item, entry) : undefined,
          }),
        );
        continue;
      }
      const guess = didYouMean(key, entry.key.span, TRAIN_SETTINGS.map((s) => s.name));
      cx.report(
        diagnostic("IV2015", entry.key.span, `unknown training setting '${key}'`, {
          hint: guess ? guess.hint : `the settings are ${TRAIN_SETTINGS.map((s) => s.name).join(", ")}`,
          fix: guess?.fix,
        }),
      );
      continue;
    }
    const prior = seen.get(key);
    if (prior) {
      cx.report(
        diagnostic("IV2009", entry.span, `training setting '${key}' is given twice`, {
          labels: [{ span: prior.span, message: "first given here" }],
        }),
      );
      continue;
    }
    seen.set(key, entry.key);
    if (key === "optimizer") slot(cx, entry.value, scope, OPTIMIZER);
    else if (key === "optimizers") groupsCall(cx, entry.value, scope);
    else if (key === "scheme") slot(cx, entry.value, scope, SCHEME);
    else cx.expr(entry.value, scope);
  }
}
