// `intel compare RUN... | SWEEP_DIR [-o FILE]`: one HTML page comparing runs (runtime/report/compare.ts),
// with FILE.csv and FILE.json beside it. Default FILE: SWEEP_DIR/compare.html for one folder of runs,
// else compare.html here. Needs no model: it reads each run's eval.json, metrics.jsonl and samples.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../runtime/run/atomic";
import { collectRuns } from "../runtime/report/compare-data";
import { comparisonCsv, comparisonJson, comparisonPage } from "../runtime/report/compare";
import { parseArgs, UsageError } from "./args";
import type { Io } from "./io";
import { stringFlag, userError } from "./run-support";

export async function compareCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ["o"], []);
  if (args.positionals.length === 0) throw new UsageError("needs run folders or a sweep folder");
  const only = args.positionals.length === 1 ? args.positionals[0]! : null;
  const out = stringFlag(args, "o") ?? (only && !existsSync(join(only, "config.json")) ? join(only, "compare.html") : "compare.html");
  try {
    const c = collectRuns(args.positionals);
    const { html, sections } = await comparisonPage(c, io.err);
    const base = out.replace(/\.html?$/i, "");
    writeFileAtomic(out, html);
    writeFileAtomic(`${base}.csv`, comparisonCsv(c));
    writeFileAtomic(`${base}.json`, comparisonJson(c));
    io.out(`wrote ${out} (${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB; sections: ${sections.join(", ")}), ${base}.csv and ${base}.json\n`);
    return 0;
  } catch (e) {
    return userError(e, io, "compare");
  }
}
