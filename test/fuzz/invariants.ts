// What must hold for any input, however broken: no exception, finite in-file positions, termination.
import { checkSource } from "../../compiler/check";
import { memoryHost } from "../../compiler/host";
import type { Diagnostic } from "../../compiler/diagnostics/diagnostic";

export function spanProblems(d: Diagnostic, text: string, file: string): string[] {
  const out: string[] = [];
  for (const s of [d.span, ...d.labels.map((l) => l.span)]) {
    if (s.file !== file) continue; // an imported file (the prelude) has its own text
    for (const k of ["line", "col", "offset", "end", "endLine", "endCol"] as const) {
      if (!Number.isInteger(s[k]) || s[k] < 0) out.push(`${d.code}: ${k} = ${s[k]}`);
    }
    if (s.offset > text.length || s.end > text.length || s.end < s.offset) out.push(`${d.code}: offsets ${s.offset}..${s.end} outside 0..${text.length}`);
    const lines = text.split("\n").length;
    if (s.line < 1 || s.line > lines) out.push(`${d.code}: line ${s.line} outside 1..${lines}`);
  }
  return out;
}

/** Checks one input; returns the broken invariants (empty when all hold). */
export function fuzzOne(text: string, file = "fuzz.intel"): string[] {
  let result;
  try {
    // Imports resolve against the repository (the prelude exists; other paths are missing).
    result = checkSource(text, { file, host: memoryHost({ [file]: text }) });
  } catch (e) {
    return [`threw: ${e instanceof Error ? e.stack : String(e)}`];
  }
  const problems: string[] = [];
  for (const d of result.diagnostics) {
    problems.push(...spanProblems(d, text, file));
    if (d.code === "IV9001") problems.push(`internal error: ${d.message}`);
    if (!d.message || /\bNaN\b|\[object |\bundefined\b(?!_)/.test(d.message.replace(/'[^']*'/g, ""))) problems.push(`bad message: ${d.message}`);
  }
  return problems;
}
