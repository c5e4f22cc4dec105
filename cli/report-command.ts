// `intel report RUN [-o FILE]`: one self-contained HTML page about a run (runtime/report/build.ts),
// written to RUN/report.html by default. A run without a checkpoint still gets its loss curves.
import { join } from "node:path";
import { writeFileAtomic } from "../runtime/run/atomic";
import { buildReport, REPORT_FILE } from "../runtime/report/build";
import { parseArgs, UsageError } from "./args";
import type { Io } from "./io";
import { checkRunOutput } from "./inference-commands";
import { backendFlag, defaultDeps, stringFlag, useBackend, userError, type RunDeps } from "./run-support";

export function makeReportCommand(overrides: Partial<RunDeps> = {}) {
  return async (argv: readonly string[], io: Io): Promise<number> => {
    const deps = { ...defaultDeps(), ...overrides };
    const args = parseArgs(argv, ["backend", "checkpoint", "o"], ["force"]);
    if (args.positionals.length !== 1) throw new UsageError("needs exactly one run directory");
    const dir = args.positionals[0]!;
    const backend = backendFlag(args);
    try {
      await useBackend(deps, backend, io.err);
      const report = await buildReport(dir, { buildModel: deps.buildModel, checkpoint: stringFlag(args, "checkpoint"), progress: io.err, progressLine: { write: io.err, tty: deps.tty, columns: process.stderr.columns } });
      const out = stringFlag(args, "o") ?? join(dir, REPORT_FILE);
      checkRunOutput({ dir }, out, !args.flags.has("o"), args.flags.has("force"));
      writeFileAtomic(out, report.html);
      if (report.missing.length) io.err(`report: incomplete run: missing ${report.missing.join("; ")}\n`);
      io.out(`wrote ${out} (${(Buffer.byteLength(report.html) / 1024).toFixed(0)} KiB; sections: ${report.sections.join(", ")})\n`);
      return 0;
    } catch (e) {
      return userError(e, io, "report");
    }
  };
}

export const reportCommand = makeReportCommand();
