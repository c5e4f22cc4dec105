// docs/results.md from the finished arms: per experiment, the paper's claim, our numbers as
// mean ± std over seeds, the verdict and the rule that gave it, and how to rerun it.
import type { Experiment, Stats } from "./experiments";
import { statOf } from "./rules";
import { PAPER_NUMBERS } from "./paper-numbers";
import type { ArmResult } from "./run-arm";
import { meanStd } from "../../runtime/report/stats";

export interface ExperimentResults {
  experiment: Experiment;
  /** by arm name: one result per seed that finished */
  runs: Map<string, ArmResult[]>;
}

export { meanStd };

/** Mean and standard error over seeds of each quantity, per arm (null when no seed gave a number). */
export function stats(r: ExperimentResults): Stats {
  const out: Stats = {};
  for (const arm of r.experiment.arms) {
    const runs = r.runs.get(arm.name) ?? [];
    out[arm.name] = r.experiment.quantities.map((q) => statOf(runs.map((x) => q.read(x.metrics)).filter((v): v is number => v !== null)));
  }
  return out;
}

function cell(xs: number[], digits: number): string {
  if (xs.length === 0) return "n/a";
  const { mean, std } = meanStd(xs);
  return xs.length > 1 ? `${mean.toFixed(digits)} ± ${std.toFixed(digits)}` : mean.toFixed(digits);
}

/** null when every arm has the 2 seeds a standard error needs; else why there is no verdict yet. */
function completeness(r: ExperimentResults): string | null {
  const counts = r.experiment.arms.map((a) => (r.runs.get(a.name) ?? []).length);
  if (counts.some((c) => c === 0)) return "not every arm has finished";
  if (counts.some((c) => c < 2)) return "some arms have one seed only: the rule needs a standard error, so there is no verdict yet (the numbers are shown as they are)";
  return null;
}

function section(r: ExperimentResults): string {
  const e = r.experiment;
  const lines: string[] = [`<a id="${e.name}"></a>`, "", `## ${e.name}: ${e.title}`, "", `**Paper:** ${e.paper}.`, ""];
  if (e.note) lines.push(`**Note:** ${e.note}.`, "");
  const paper = PAPER_NUMBERS[e.name];
  if (paper) lines.push("**The paper's numbers** (../shared/reference/paper-tables.md):", "", ...paper, "");
  lines.push(`**Rule:** ${e.rule}.`, "", "**Ours:**", "");
  lines.push(`| arm | spec | seeds | ${e.quantities.map((q) => q.label).join(" | ")} | steps (best at) | train s/run | eval s/run |`);
  lines.push(`|---|---|---|${e.quantities.map(() => "---|").join("")}---|---|---|`);
  for (const arm of e.arms) {
    const runs = r.runs.get(arm.name) ?? [];
    const cols = e.quantities.map((q) => cell(runs.map((x) => q.read(x.metrics)).filter((v): v is number => v !== null), q.digits ?? 3));
    const avg = (xs: number[]) => (xs.length ? meanStd(xs).mean.toFixed(0) : "n/a");
    const nums = (xs: (number | null | undefined)[]) => xs.filter((v): v is number => typeof v === "number");
    const best = nums(runs.map((x) => x.bestStep));
    const steps = `${avg(nums(runs.map((x) => x.steps)))}${best.length ? ` (${avg(best)})` : ""}`;
    lines.push(`| ${arm.name} | \`${arm.spec}\` | ${runs.map((x) => x.seed).join(", ") || "none"} | ${cols.join(" | ")} | ${steps} | ${avg(runs.map((x) => x.trainSeconds))} | ${avg(runs.map((x) => x.evalSeconds))} |`);
  }
  const state = completeness(r);
  const complete = state === null;
  const v = complete ? e.judge(stats(r)) : { held: false, why: state };
  const backends = [...new Set([...r.runs.values()].flat().map((x) => x.backend))].join(", ") || "n/a";
  lines.push("", `**Verdict: ${complete ? (v.held ? "held" : "not held") : "incomplete"}.** ${v.why}.`, "");
  const codes = [...new Set([...r.runs.values()].flat().map((x) => x.code))].join(", ") || "n/a";
  lines.push(`Backend: ${backends}. Code: ${codes}. Command: \`npm run reproduce -- ${e.name}\`.`, "");
  return lines.join("\n");
}

const KEPT = "*Kept as last written: this section's runs are neither on this machine nor in bench/reproduce/ledger (they predate it).*";

/** The verdict row and the section of each experiment in an earlier results.md, by name. */
export function previousSections(md: string): Map<string, { row: string; section: string }> {
  const out = new Map<string, { row: string; section: string }>();
  const parts = md.split(/(?=^<a id="[^"]+"><\/a>$)/m);
  for (const part of parts.slice(1)) {
    const name = /^<a id="([^"]+)"><\/a>/.exec(part)![1]!;
    const row = md.split("\n").find((l) => l.startsWith(`| [${name}](#${name}) |`));
    if (row) out.set(name, { row, section: part.trimEnd() });
  }
  return out;
}

export function resultsMarkdown(all: ExperimentResults[], meta: { command: string; date: string; machine: string }, previous?: string): string {
  const old = previous ? previousSections(previous) : new Map<string, { row: string; section: string }>();
  // an experiment with no arm anywhere keeps what an earlier command wrote of it
  const kept = (r: ExperimentResults) => ([...r.runs.values()].every((xs) => xs.length === 0) ? old.get(r.experiment.name) : undefined);
  const head = [
    "# Results: the paper's claims, reproduced from specs",
    "",
    "Written by `npm run reproduce` (bench/reproduce/); do not edit by hand. Every number is a mean ± std",
    "over the seeds listed (sample std), measured on this machine with the command shown. Each claim is",
    "judged by a rule in bench/reproduce/experiments.ts, fixed before the runs and committed before them",
    "(the commit history is the evidence): a claim \"A beats B\" holds only when the gap between the means",
    "exceeds 2 standard errors of the gap over seeds (bench/reproduce/rules.ts), so seed noise is never a",
    "verdict. Each section says what its rule tests and what changed in it. \"Code\" is the commit each arm",
    "ran at; \"+changes\" marks a tree with uncommitted edits at the time.",
    "",
    "Our scale is far smaller than the paper's (MLPs but for table1-conv's conv nets, the bundled 10 000 MNIST",
    "digits, 10 000 or, in sparsity-full, 60 000 Fashion-MNIST images, minutes per run on a shared 2-core",
    "CPU), so only the direction and rough size of each effect is comparable with the paper's numbers, not",
    "the values.",
    "",
    `Last command: \`${meta.command}\` (${meta.date}; ${meta.machine}).`,
    "",
    "| experiment | claim | verdict |",
    "|---|---|---|",
  ];
  for (const r of all) {
    const k = kept(r);
    if (k) {
      head.push(k.row);
      continue;
    }
    const complete = completeness(r) === null;
    const verdict = complete ? (r.experiment.judge(stats(r)).held ? "held" : "**not held**") : "incomplete";
    head.push(`| [${r.experiment.name}](#${r.experiment.name}) | ${r.experiment.paper} | ${verdict} |`);
  }
  const body = all.map((r) => {
    const k = kept(r);
    if (!k) return section(r);
    return k.section.includes(KEPT) ? k.section + "\n" : k.section.replace(/^(## .*)$/m, `$1\n\n${KEPT}`) + "\n";
  });
  return [...head, "", ...body].join("\n");
}
