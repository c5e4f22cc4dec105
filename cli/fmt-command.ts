// `intel fmt SPEC [--write|--check]`: canonical layout. Files with syntax errors are not touched.
import { renameSync, writeFileSync } from "node:fs";
import { MAX_SPEC_BYTES } from "../compiler/host";
import { readTextFile } from "../runtime/fs/read-file";
import { format } from "../grammar/format";
import { parseModule } from "../compiler/names/modules";
import { hasErrors } from "../compiler/diagnostics/diagnostic";
import { renderDiagnostics } from "../compiler/diagnostics/render";
import { parseArgs, UsageError } from "./args";
import { expandSpecPaths } from "./files";
import type { Io } from "./io";

export function fmtCommand(argv: readonly string[], io: Io): number {
  const args = parseArgs(argv, [], ["write", "check"]);
  if (args.positionals.length === 0) throw new UsageError("intel fmt needs a spec file");
  if (args.flags.has("write") && args.flags.has("check")) throw new UsageError("--write and --check exclude each other");
  const files = expandSpecPaths(args.positionals);
  if (files.length > 1 && !args.flags.has("write") && !args.flags.has("check")) {
    throw new UsageError("formatting several files needs --write or --check");
  }
  let status = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readTextFile(file, MAX_SPEC_BYTES, "spec");
    } catch (e) {
      io.err(`intel fmt: cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      status = 1;
      continue;
    }
    const { module, diagnostics } = parseModule(text, file, file);
    if (hasErrors(diagnostics)) {
      io.err(renderDiagnostics(diagnostics, new Map([[file, text]]), { color: io.color }));
      io.err(`intel fmt: '${file}' has syntax errors; not formatted\n`);
      status = 1;
      continue;
    }
    const formatted = format(module.program, text);
    if (args.flags.has("check")) {
      if (formatted !== text) {
        io.out(`${file}: not formatted\n`);
        status = 1;
      }
    } else if (args.flags.has("write")) {
      if (formatted !== text) {
        // temp file + rename: an interrupted write never leaves half a spec behind
        writeFileSync(`${file}.fmt-tmp`, formatted);
        renameSync(`${file}.fmt-tmp`, file);
        io.out(`formatted ${file}\n`);
      }
    } else io.out(formatted);
  }
  return status;
}
