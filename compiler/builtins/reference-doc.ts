// docs/builtins.md is generated from the built-in tables (a golden test keeps the two in step), so
// the reference a user reads is the one the name checker and the lowering use.
import { describeChoices, describeRange, parseRange } from "../rules/ranges";
import { builtinsIn, TRAIN_SETTINGS, type Builtin, type BuiltinContext, type BuiltinParam } from "./index";

const SECTIONS: [BuiltinContext, string, string][] = [
  ["data", "Data sources", "`data x ~ mnist(split: \"train\")`"],
  ["prior", "Priors on the intermediary", "`intermediary y : Real[50] ~ Normal(0, I)`; any other prior makes the model a baseline"],
  ["flow_layer", "Flow layers", "in a flow prior's list, `Flow(layers: [actnorm(), affine_coupling(hidden: [64]), permute()])`, each in the normalising direction y → base"],
  ["likelihood", "Likelihoods", "`decoder p(x | z) : Bernoulli = …`"],
  ["objective", "Objectives", "`objective elbo(beta: 1)`"],
  ["q_flow", "Encoder flows", "an objective's `q_flow`: `elbo(q_flow: sylvester(amortised: true), q_flow_layers: 4)`; the string forms `\"planar\"` and `\"sylvester\"` are the global flows"],
  ["optimizer", "Optimizers", "`train { optimizer: adam(lr: 1e-3) }`"],
  ["metric", "Metrics", "`evaluate { hoyer(z), iwae_nll(k: 500) }`"],
  ["network", "Built-in networks", "as an encoder or decoder, or as a `param` of a bias"],
  ["layer", "Layers", "one per line in a `network` body"],
  ["initializer", "Initialisers", "right-hand side of `param`"],
  ["function", "Functions and built-in mappings", "in bias bodies and `mapping z = …`"],
  ["constant", "Constants", ""],
];

/** Table cells must not break the table: pipes escaped, newlines folded. */
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** "valid: a whole number ≥ 1" / "valid: "a" or "b"", from the parameter's range or choices */
function limit(p: BuiltinParam): string {
  if (p.range) return `valid: ${describeRange(parseRange(p.range))}`;
  if (p.choices) return `valid: ${describeChoices(p.choices)}`;
  return "";
}

/** One parameter as the reference shows it (the language server's hovers reuse it). */
export function paramDoc(p: BuiltinParam): string {
  const dflt = p.default === undefined ? "" : ` = ${JSON.stringify(p.default)}`;
  const text = [p.doc, limit(p)].filter(Boolean).join("; ");
  return `\`${p.name}: ${p.type}${dflt}\`${text ? ` ${text}` : ""}`;
}

function row(b: Builtin): string {
  const args = b.params.map(paramDoc).join("; ") + (b.variadic ? " (repeatable)" : "");
  return `| \`${b.name}\` | ${cell(args)} | ${cell(b.doc)} |`;
}

export function builtinsMarkdown(): string {
  const lines = [
    "# Built-in names",
    "",
    "Generated from `compiler/builtins/` (`UPDATE_GOLDEN=1 npm test` rewrites this file). Arguments",
    "without a default are required; `mapping z = …` also accepts every `bias` of `specs/prelude.intel`.",
    "",
  ];
  for (const [context, title, where] of SECTIONS) {
    const list = builtinsIn(context);
    if (list.length === 0) continue;
    lines.push(`## ${title}`, "", ...(where ? [where + ".", ""] : []), "| name | arguments | meaning |", "|---|---|---|");
    for (const b of list) lines.push(row(b));
    lines.push("");
  }
  lines.push("## Training settings", "", "`train { batch: 100, epochs: 50, … }`; command-line flags (`--epochs`, `--backend`) override.", "", "| setting | meaning |", "|---|---|");
  for (const s of TRAIN_SETTINGS) lines.push(`| ${cell(paramDoc({ ...s, doc: "" }))} | ${cell(s.doc ?? "")} |`);
  lines.push("");
  return lines.join("\n");
}
