// `intel check SPEC...`: diagnostics for people or (--json) for tools. Exit 0 clean, 1 on errors.
import { checkFile, type CheckResult } from "../compiler/check";
import { lower, type LowerResult } from "../compiler/compile";
import { describeModel } from "../compiler/describe";
import { hasErrors, type Diagnostic } from "../compiler/diagnostics/diagnostic";
import { diagnosticsToJson, renderDiagnostics, summary } from "../compiler/diagnostics/render";
import type { ModelIR } from "../compiler/ir/types";
import { parseArgs, UsageError } from "./args";
import { expandSpecPaths } from "./files";
import type { Io } from "./io";

export function checkCommand(argv: readonly string[], io: Io): number | Promise<number> {
  const args = parseArgs(argv, [], ["json", "probe", "quiet", "verbose", "watch"]);
  if (args.positionals.length === 0) throw new UsageError("intel check needs at least one spec file or folder");
  const files = expandSpecPaths(args.positionals);
  if (files.length === 0) throw new UsageError(`no .intel files in ${args.positionals.join(", ")}`);
  if (args.flags.has("watch")) {
    if (args.flags.has("json")) throw new UsageError("--watch prints for people; it does not combine with --json");
    const stop = new AbortController();
    process.once("SIGINT", () => stop.abort());
    return import("./watch").then(({ watchCheck }) => watchCheck(files, io, stop.signal));
  }
  if (args.flags.has("probe") && args.flags.has("json")) throw new UsageError("--probe prints for people; it does not combine with --json");
  const { all, sources, described, irs } = checkFiles(files, args.flags.has("verbose"));
  if (args.flags.has("json")) io.out(diagnosticsToJson(all) + "\n");
  else {
    if (all.length) io.out(renderDiagnostics(all, sources, { color: io.color }) + "\n");
    if (described.length) io.out(described.join("\n") + "\n");
    if (!args.flags.has("quiet") || all.length) io.out(`${files.length} file${files.length === 1 ? "" : "s"} checked: ${summary(all)}\n`);
  }
  if (args.flags.has("probe") && !hasErrors(all)) {
    // the runtime (tfjs) is loaded only for a probe
    return import("./probe").then(async ({ probeModels }) => {
      const r = await probeModels(irs);
      io.out(r.text);
      if (r.bad) io.out(`probe: ${r.bad} problem${r.bad === 1 ? "" : "s"} (NaN or infinity) found\n`);
      return r.bad ? 1 : 0;
    });
  }
  return hasErrors(all) ? 1 : 0;
}

export interface FilesChecked {
  all: Diagnostic[];
  sources: Map<string, string>;
  described: string[];
  /** every file read, imports included (what `--watch` watches) */
  read: Set<string>;
  /** the IR of every model of a clean spec (what `--probe` runs) */
  irs: ModelIR[];
}

export function checkFiles(files: readonly string[], verbose = false): FilesChecked {
  const all: Diagnostic[] = [];
  const sources = new Map<string, string>();
  const seen = new Set<string>();
  const described: string[] = [];
  const read = new Set<string>();
  const irs: ModelIR[] = [];
  for (const f of files) {
    const r = checkFile(f);
    read.add(f);
    for (const m of r.modules) read.add(m.absPath);
    const lowered = hasErrors(r.diagnostics) ? [] : lowerModels(r);
    for (const m of lowered) if (m.ir) irs.push(m.ir);
    if (verbose) for (const m of lowered) if (m.ir) described.push(`${r.program.file}:`, ...describeModel(m.ir));
    for (const [k, v] of r.sources) sources.set(k, v);
    // An imported file checked through two specs reports its problems once.
    for (const d of [...r.diagnostics, ...lowered.flatMap((m) => m.diagnostics)]) {
      const key = `${d.code}|${d.span.file}|${d.span.offset}|${d.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        all.push(d);
      }
    }
  }
  return { all, sources, described, read, irs };
}

/**
 * Each model of a clean spec, lowered: some argument values can only be judged against resolved
 * shapes (a flow's rank against D), and `intel check` must report them as `intel train` would.
 */
function lowerModels(r: CheckResult): LowerResult[] {
  return r.program.items.flatMap((item) => (item.kind === "ModelDecl" ? [lower(r, item.name.name)] : []));
}
