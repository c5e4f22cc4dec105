// Settings written in the wrong block: `lr` directly in `train` belongs to the optimizer,
// `batch` inside `adam(…)` to `train`, `beta` to the objective. Checked before "did you mean",
// because a name that is exactly right elsewhere is not a misspelling.
import type { Entry, Expr, Span, TrainItem } from "../../grammar/ast";
import { builtinsIn, TRAIN_SETTINGS } from "../builtins";
import type { Fix } from "../diagnostics/suggest";

export type SettingBlock = "train" | "optimizer" | "objective";

const HOMES: { block: SettingBlock; names: () => Iterable<string>; example: (setting: string) => string }[] = [
  { block: "optimizer", names: () => builtinsIn("optimizer").flatMap((b) => b.params.map((p) => p.name)), example: (s) => `optimizer: adam(${s})` },
  { block: "train", names: () => TRAIN_SETTINGS.map((s) => s.name), example: (s) => `train { ${s} }` },
  { block: "objective", names: () => builtinsIn("objective").flatMap((b) => b.params.map((p) => p.name)), example: (s) => `objective elbo(${s})` },
];

const WORDS: Record<SettingBlock, string> = {
  train: "a training setting",
  optimizer: "an argument of the optimizer",
  objective: "an argument of the objective",
};

export interface Misplaced {
  block: SettingBlock;
  /** "'lr' is an argument of the optimizer" */
  what: string;
  /** "write it there: `optimizer: adam(lr: 1e-3)`" */
  hint: string;
}

/** Where `name`, written in `here` with `value`, belongs instead; undefined when nowhere else has it. */
export function misplacedSetting(name: string, here: SettingBlock, value?: Expr): Misplaced | undefined {
  for (const home of HOMES) {
    if (home.block === here || ![...home.names()].includes(name)) continue;
    const setting = `${name}: ${literalText(value)}`;
    return { block: home.block, what: `'${name}' is ${WORDS[home.block]}`, hint: `write it there: \`${home.example(setting)}\`` };
  }
  return undefined;
}

/** A literal as written, for examples in hints; anything else is elided. */
export function literalText(e: Expr | undefined): string {
  if (!e) return "…";
  if (e.kind === "NumberLit") return e.raw;
  if (e.kind === "StringLit") return JSON.stringify(e.value);
  if (e.kind === "BoolLit") return String(e.value);
  if (e.kind === "Unary" && e.operand.kind === "NumberLit") return `-${e.operand.raw}`;
  return "…";
}

/**
 * The quick fix for an optimizer argument written in `train`: moved into the optimizer call when
 * there is one (`optimizer: adam(lr: 1e-3)`), else the entry becomes `optimizer: adam(lr: …)`.
 */
export function moveToOptimizer(text: string, train: TrainItem, entry: Entry): Fix {
  const setting = `${entry.key.name}: ${text.slice(entry.value.span.offset, entry.value.span.end)}`;
  const title = `move '${entry.key.name}' into the optimizer`;
  const opt = train.entries.find((e) => e.key.name === "optimizer");
  if (!opt || opt.value.kind !== "Call") return { title, edits: [{ span: entry.span, text: `optimizer: adam(${setting})` }] };
  const call = opt.value;
  const close = text.lastIndexOf(")", call.span.end);
  const at = { ...call.span, offset: close, end: close, col: call.span.endCol - 1, line: call.span.endLine };
  const insert = { span: at, text: call.args.length ? `, ${setting}` : setting };
  const i = train.entries.indexOf(entry);
  const next = train.entries[i + 1];
  const prev = train.entries[i - 1];
  // Remove the entry with one separator: up to the next entry, or from the previous one's end.
  const removed = next ? between(entry.span, next.span) : prev ? between({ ...prev.span, offset: prev.span.end, line: prev.span.endLine, col: prev.span.endCol }, entry.span, true) : entry.span;
  return { title, edits: [{ span: removed, text: "" }, insert] };
}

/** From the start of `a` to the start of `b` (or to its end with `toEnd`). */
function between(a: Span, b: Span, toEnd = false): Span {
  return toEnd
    ? { ...a, end: b.end, endLine: b.endLine, endCol: b.endCol }
    : { ...a, end: b.offset, endLine: b.line, endCol: b.col };
}
