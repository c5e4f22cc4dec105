// `intel compile SPEC [-o model.ts] [--check] [--model NAME]`: the spec's model as one standalone
// TypeScript program (compiler/emit). Without -o the program goes to stdout. A model the emitter
// cannot write out is an IV5015 diagnostic (exit 1) and no file. --check type-checks the emitted
// file with the TypeScript compiler; an error there is a bug in intel-vae (exit 3).
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { checkOutputPath } from "../runtime/fs/write-file";
import { writeFileAtomic } from "../runtime/run/atomic";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { compileFile } from "../compiler/compile";
import { renderDiagnostics } from "../compiler/diagnostics/render";
import { typeCheckModule } from "../compiler/emit/check";
import { emitModel, EmitError } from "../compiler/emit/emit";
import { emitRefusal } from "../compiler/emit/refusal";
import { parseArgs, UsageError } from "./args";
import { requireSpecName } from "./files";
import type { Io } from "./io";

/** The support module's path as the file at `outFile` imports it (relative, extensionless). */
export function supportImportFor(outFile: string): string {
  const support = fileURLToPath(new URL("../runtime/support/index", import.meta.url));
  let rel = relative(dirname(resolve(outFile)), support).split("\\").join("/");
  if (!rel.startsWith(".")) rel = `./${rel}`;
  return rel;
}

/** `intel compile`; `emit` is injectable so that tests can reach the refusal path. */
export const makeCompileCommand = (emit: typeof emitModel = emitModel) => async (argv: readonly string[], io: Io): Promise<number> => {
  const args = parseArgs(argv, ["o", "out", "model"], ["check", "force"]);
  if (args.positionals.length !== 1) throw new UsageError(`takes one spec, got ${args.positionals.length}`);
  const spec = requireSpecName(args.positionals[0]!);
  const outFlag = args.flags.get("o") ?? args.flags.get("out");
  const out = typeof outFlag === "string" ? outFlag : null;
  const model = args.flags.get("model");
  if (!existsSync(spec)) {
    io.err(`intel compile: cannot read ${spec}\n`);
    return 1;
  }
  const r = compileFile(spec, typeof model === "string" ? model : undefined);
  const ds = r.check.diagnostics;
  if (ds.length) io.err(renderDiagnostics(ds, r.check.sources, { color: io.color }) + "\n");
  if (!r.ir) {
    if (!ds.some((d) => d.severity === "error")) io.err(`intel compile: ${spec} checks clean but its model could not be lowered to the IR\n`);
    return 1;
  }
  // never the spec or a file it imports; another existing file only with --force
  if (out) checkOutputPath(out, { inputs: [spec, ...r.check.sources.keys()], force: args.flags.has("force") });
  const target = out ?? "model.ts";
  const t0 = performance.now();
  let text: string;
  try {
    text = emit(r.ir, { supportImport: supportImportFor(target), fileName: target, specText: r.check.sources.get(r.ir.source.file) ?? null });
  } catch (e) {
    if (!(e instanceof EmitError)) throw e;
    // a model `intel train` runs but the emitter cannot write out: a diagnostic, and no file
    io.err(renderDiagnostics([emitRefusal(e, r.ir, r.check.sources)], r.check.sources, { color: io.color }) + "\n");
    return 1;
  }
  const ms = performance.now() - t0;
  if (args.flags.has("check")) {
    // the program imports @tensorflow/tfjs: where that does not resolve, say so (not an internal error)
    try {
      createRequire(resolve(dirname(target), "program.js")).resolve("@tensorflow/tfjs");
    } catch {
      io.err(`intel compile: cannot type-check ${target}: @tensorflow/tfjs does not resolve from ${dirname(resolve(target))}; write the program inside this checkout, or next to a node_modules that has @tensorflow/tfjs\n`);
      return 1;
    }
    const errors = typeCheckModule(target, text);
    if (errors.length) {
      const list = errors.map((e) => `  ${target}:${e.line}:${e.col}: ${e.message}`).join("\n");
      io.err(`intel compile: internal error (a bug in intel-vae, not in your input; please report it): the program emitted for ${spec} (model ${r.ir.name}) does not type-check:\n${list}\n`);
      return 3;
    }
  }
  if (out) {
    writeFileAtomic(out, text);
    io.err(`wrote ${out} (model ${r.ir.name}, emitted in ${ms.toFixed(0)} ms${args.flags.has("check") ? ", type-checks" : ""}); train it with: npx tsx ${out} --epochs 1\n`);
  } else io.out(text);
  return 0;
};

export const compileCommand = makeCompileCommand();
