// A spec with overrides (`--set objective.beta=4`): each override becomes a text edit of the spec
// (targets.ts), and the edited spec — the effective spec — is checked and lowered like any other,
// so every type and range check applies to overridden values. Diagnostics about an override point
// at the override itself (a `--set` argument, or a key in a sweep file); diagnostics of the edited
// spec that touch an overridden value get a note saying which override put it there.
import type { ModelDecl, Span } from "../../grammar/ast";
import { parse } from "../../grammar/parse";
import { checkFile } from "../check";
import { compileSource, type CompileResult } from "../compile";
import { diagnostic, hasErrors, sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic";
import { diskHost, type FileHost } from "../host";
import { suggestPath } from "./suggest-path";
import { knownPaths, resolveOverride, type Edit } from "./targets";

export interface Override {
  path: string;
  /** the value as source text of the language: 4, "learned", [10, 10], adam(lr: 1e-3) */
  value: string;
  /** where the override was written (a `--set` line, a sweep file's key) */
  span: Span;
}

export interface OverrideCompile extends CompileResult {
  /** the spec's text after the overrides (the original text when there are none) */
  effectiveText: string | null;
  /** path → value, in the order given */
  applied: Record<string, string>;
}

/** `--set` arguments as a pseudo-file (one per line) that diagnostics can quote, and their overrides. */
export function overridesFromArgs(sets: readonly string[], file = "--set"): { overrides: Override[]; sources: Map<string, string>; diagnostics: Diagnostic[] } {
  const text = sets.join("\n") + "\n";
  const overrides: Override[] = [];
  const diagnostics: Diagnostic[] = [];
  let offset = 0;
  sets.forEach((s, i) => {
    const eq = s.indexOf("=");
    const span = (from: number, to: number): Span => ({ file, line: i + 1, col: from + 1, offset: offset + from, end: offset + to, endLine: i + 1, endCol: to + 1 });
    if (eq < 0) diagnostics.push(diagnostic("IV5021", span(0, s.length), `override '${s}' has no value: write PATH=VALUE, e.g. objective.beta=4`));
    else overrides.push({ path: s.slice(0, eq).trim(), value: s.slice(eq + 1).trim(), span: span(0, eq) });
    offset += s.length + 1;
  });
  return { overrides, sources: new Map([[file, text]]), diagnostics };
}

/** Is `value` exactly one expression of the language? (Parsed as an argument: `f(a: VALUE)`.) */
function isOneValue(value: string): boolean {
  if (value === "" || /[\n\r#]/.test(value)) return false;
  const { program, problems } = parse(`model m {\n  objective f(a: ${value})\n}\n`, "<value>");
  const model = program.items[0];
  const obj = model?.kind === "ModelDecl" ? model.items[0] : undefined;
  return problems.length === 0 && obj?.kind === "ObjectiveItem" && obj.value.kind === "Call" && obj.value.args.length === 1;
}

/** Checks and lowers the spec at `path` with `overrides` applied. `sources` holds the overrides' own text. */
export function compileWithOverrides(path: string, overrides: readonly Override[], sources: ReadonlyMap<string, string>, host: FileHost = diskHost()): OverrideCompile {
  const original = checkFile(path, host);
  const merged = (r: CompileResult["check"], extra: Diagnostic[] = []) => ({ ...r, diagnostics: sortDiagnostics([...r.diagnostics, ...extra]), sources: new Map([...r.sources, ...sources]) });
  if (overrides.length === 0 || hasErrors(original.diagnostics)) {
    if (overrides.length > 0) return { check: merged(original), effectiveText: null, applied: {} };
    const text = host.read(host.absolute(path)) ?? null;
    return { ...compileSource(text ?? "", { file: original.program.file, host }), effectiveText: text, applied: {} };
  }
  const text = original.modules[0]!.text;
  const file = original.program.file;
  const models = original.program.items.filter((i): i is ModelDecl => i.kind === "ModelDecl");
  const problems: Diagnostic[] = [];
  if (models.length !== 1) {
    problems.push(diagnostic("IV5020", overrides[0]!.span, `overrides need a spec with exactly one model; ${file} has ${models.length}`));
    return { check: merged(original, problems), effectiveText: null, applied: {} };
  }
  const model = models[0]!;
  const candidates = knownPaths(model, original.modules);
  const edits: { edit: Edit; o: Override }[] = [];
  const seen = new Map<string, Override>();
  for (const o of overrides) {
    const again = seen.get(o.path);
    if (again) {
      problems.push(diagnostic("IV5022", o.span, `'${o.path}' is set twice`, { labels: [{ span: again.span, message: "set first here" }], hint: "keep one of them" }));
      continue;
    }
    seen.set(o.path, o);
    if (!isOneValue(o.value)) {
      problems.push(diagnostic("IV5021", o.span, `the value of ${o.path}, '${o.value}', is not one value of the language`));
      continue;
    }
    const r = resolveOverride(model, original.modules, text, o.path, o.value);
    if ("edit" in r) edits.push({ edit: r.edit, o });
    else if (r.error === "not-a-size") problems.push(diagnostic("IV5021", o.span, r.message));
    else if (r.error === "not-a-call") problems.push(diagnostic("IV5023", o.span, r.message));
    else {
      const guess = suggestPath(o.path, candidates);
      problems.push(diagnostic("IV5020", o.span, `unknown override path '${o.path}': ${r.message}`, { hint: guess ? `did you mean '${guess}'?` : `this spec's paths: ${candidates.join(", ")}` }));
    }
  }
  if (problems.length) return { check: merged(original, problems), effectiveText: null, applied: {} };

  // Apply in source order, tracking where each inserted value lands in the new text.
  const sorted = [...edits].sort((a, b) => a.edit.start - b.edit.start);
  let out = "";
  let at = 0;
  const landed: { start: number; end: number; o: Override }[] = [];
  for (const { edit, o } of sorted) {
    out += text.slice(at, edit.start);
    landed.push({ start: out.length, end: out.length + edit.insert.length, o });
    out += edit.insert;
    at = edit.end;
  }
  out += text.slice(at);
  const r = compileSource(out, { file, host });
  const noted = r.check.diagnostics.map((d) => {
    const by = landed.filter((l) => d.span.file === file && d.span.offset < l.end && d.span.end > l.start);
    return by.length ? { ...d, labels: [...d.labels, ...by.map((l) => ({ span: l.o.span, message: `the value comes from the override ${l.o.path}=${l.o.value}` }))] } : d;
  });
  const applied = Object.fromEntries(overrides.map((o) => [o.path, o.value]));
  return { ...r, check: { ...r.check, diagnostics: noted, sources: new Map([...r.check.sources, ...sources]) }, effectiveText: out, applied };
}
