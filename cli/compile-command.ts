// `intel compile SPEC [-o model.ts] [--check] [--model NAME]`: the spec's model as one standalone
// TypeScript program (compiler/emit). Without -o the program goes to stdout. A model the emitter
// cannot write out is an IV5015 diagnostic (exit 1) and no file. --check type-checks the emitted
// file with the TypeScript compiler; an error there is a bug in intel-vae (exit 3), but a package the
// program needs and its folder lacks (intel-vae, @tensorflow/tfjs, @types/node) is the user's (exit 1).
// The program imports intel-vae/support, so it runs wherever intel-vae is installed; -o into a
// missing folder creates it.
import { existsSync, mkdirSync } from "node:fs";
import { checkOutputPath, isInside } from "../runtime/fs/write-file";
import { writeFileAtomic } from "../runtime/run/atomic";
import { dirname, resolve } from "node:path";
import { compileFile } from "../compiler/compile";
import { packageRoot } from "../compiler/package-root";
import { renderDiagnostics } from "../compiler/diagnostics/render";
import { typeCheckModule, unresolvedForProgram } from "../compiler/emit/check";
import { emitModel, EmitError, SUPPORT_MODULE } from "../compiler/emit/emit";
import { emitRefusal } from "../compiler/emit/refusal";
import { parseArgs, UsageError } from "./args";
import { requireSpecName } from "./files";
import type { Io } from "./io";

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
    text = emit(r.ir, { fileName: target, specText: r.check.sources.get(r.ir.source.file) ?? null });
  } catch (e) {
    if (!(e instanceof EmitError)) throw e;
    // a model `intel train` runs but the emitter cannot write out: a diagnostic, and no file
    io.err(renderDiagnostics([emitRefusal(e, r.ir, r.check.sources)], r.check.sources, { color: io.color }) + "\n");
    return 1;
  }
  const ms = performance.now() - t0;
  if (args.flags.has("check")) {
    // what the program needs and its folder cannot find: say so (not an internal error)
    const missing = unresolvedForProgram(target, ["@tensorflow/tfjs", SUPPORT_MODULE]);
    if (missing.length) {
      const pkgs = [...new Set(missing.map((m) => (m === SUPPORT_MODULE ? "intel-vae" : m)))];
      // inside this checkout intel-vae/support is the package's own dist/ (self-reference)
      const fix = isInside(resolve(target), packageRoot()) ? `npm run build in ${packageRoot()}` : `npm install ${pkgs.join(" ")} in that project`;
      io.err(`intel compile: cannot type-check ${target}: ${missing.join(", ")} ${missing.length > 1 ? "do" : "does"} not resolve from ${dirname(resolve(target))}; ${fix}, or write the program where ${pkgs.length > 1 ? "they resolve" : "it resolves"}\n`);
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
    mkdirSync(dirname(resolve(out)), { recursive: true });
    writeFileAtomic(out, text);
    io.err(`wrote ${out} (model ${r.ir.name}, emitted in ${ms.toFixed(0)} ms${args.flags.has("check") ? ", type-checks" : ""}); train it with: npx tsx ${out} --epochs 1\n`);
  } else io.out(text);
  return 0;
};

export const compileCommand = makeCompileCommand();
