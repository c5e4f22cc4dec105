// `intel train SPEC [--backend B] [--epochs N] [--out DIR] [--seed N]` and `intel train --resume DIR`.
// Exit 0 when training ends (all epochs or early stopping), 1 on bad input or divergence,
// 128 + signal number after Ctrl-C / SIGTERM (a checkpoint is saved first).
import { createHash } from "node:crypto";
import { READ_LIMITS, readTextFile } from "../runtime/fs/read-file";
import { join } from "node:path";
import { openRunDir, RUN_FILES } from "../runtime/run/run-dir";
import { loopSettings } from "../runtime/train/settings";
import { resumeRun, startRun, type RunOutcome } from "../runtime/run/session";
import { parseArgs, takeRepeated, UsageError } from "./args";
import { requireSpecName } from "./files";
import type { Io } from "./io";
import type { CompileResult } from "../compiler/compile";
import { backendFlag, compileForRun, compileOverridden, defaultDeps, intFlag, stringFlag, useBackend, userError, type RunDeps } from "./run-support";

type Signal = "SIGINT" | "SIGTERM";
const SIGNAL_CODE: Record<Signal, number> = { SIGINT: 2, SIGTERM: 15 };

export function makeTrainCommand(overrides: Partial<RunDeps> = {}) {
  return async (argv: readonly string[], io: Io): Promise<number> => {
    const deps = { ...defaultDeps(), ...overrides };
    const sets = takeRepeated(argv, "set");
    const args = parseArgs(sets.rest, ["backend", "checkpoint", "epochs", "out", "resume", "seed"], []);
    const resume = stringFlag(args, "resume");
    if (args.positionals.length > 1) throw new UsageError(`takes one spec, got ${args.positionals.length}`);
    const spec = args.positionals[0] === undefined ? undefined : requireSpecName(args.positionals[0]);
    if (!spec && !resume) throw new UsageError("needs a spec (or --resume RUN)");
    if (resume && args.flags.has("seed")) throw new UsageError("--seed cannot change a run being resumed");
    if (resume && sets.values.length) throw new UsageError("--set cannot change a run being resumed");
    if (resume && args.flags.has("out")) throw new UsageError("--out cannot move a run being resumed (it continues in place)");
    if (!resume && args.flags.has("checkpoint")) throw new UsageError("--checkpoint picks where --resume continues from");
    const epochs = intFlag(args, "epochs", 1);
    const seed = intFlag(args, "seed", 0);
    const backendName = backendFlag(args);
    const command = ["intel", "train", ...argv];

    let specText: string | null = null;
    let compiled: CompileResult | null = null;
    let applied: Record<string, string> | undefined;
    let resumedBackend: string | null = null;
    try {
      if (resume) {
        const run = openRunDir(resume);
        resumedBackend = run.config.resumes.at(-1)?.backend ?? run.config.backend.name;
        if (spec) {
          // The run continues from its own ir.json; a changed spec would silently be ignored.
          const sha = createHash("sha256").update(readTextFile(spec, READ_LIMITS.spec, "spec")).digest("hex");
          if (sha !== run.ir.source.sha256) {
            io.err(`intel train: ${spec} has changed since ${resume} started; resume without the spec, or start a new run\n`);
            return 1;
          }
        }
      } else {
        const withSets = sets.values.length ? compileOverridden(spec!, sets.values, io) : null;
        if (sets.values.length && !withSets) return 1;
        compiled = withSets ?? compileForRun(spec!, deps, io);
        applied = withSets?.applied;
        if (!compiled) return 1;
        specText = withSets ? withSets.effectiveText : readTextFile(spec!, READ_LIMITS.spec, "spec");
      }
    } catch (e) {
      if (e instanceof Error && "code" in e && e.code === "ENOENT") {
        io.err(`intel train: cannot read ${(e as { path?: string }).path ?? spec}\n`);
        return 1;
      }
      return userError(e, io, "train");
    }

    const stop = { requested: false };
    let signal: Signal | null = null;
    const onSignal = (s: Signal) => {
      if (stop.requested) {
        io.err(`\nintel train: ${s} again: quitting without saving\n`);
        process.exit(128 + SIGNAL_CODE[s]);
      }
      signal = s;
      stop.requested = true;
      io.err(`\nintel train: ${s}: saving a checkpoint after this step (press Ctrl-C again to quit without saving)\n`);
    };
    const handlers = { SIGINT: () => onSignal("SIGINT"), SIGTERM: () => onSignal("SIGTERM") };
    if (deps.signals) for (const [s, h] of Object.entries(handlers)) process.on(s, h);
    let outcome: RunOutcome;
    try {
      const backend = await useBackend(deps, backendName, io.out);
      const warn = (line: string) => io.err(`intel train: ${line}\n`);
      const common = { buildModel: deps.buildModel, backend, command, progress: { write: io.out, tty: deps.tty, columns: process.stdout.columns }, stop, warn };
      if (resume) io.out(`resuming ${resume}\n`);
      if (resumedBackend && resumedBackend !== backend.name) {
        io.err(`intel train: warning: ${resume} last ran on ${resumedBackend}; continuing on ${backend.name} will not repeat its numbers bit for bit\n`);
      }
      outcome = resume
        ? await resumeRun({ ...common, dir: resume, epochs, checkpoint: stringFlag(args, "checkpoint") })
        : await startRun({ ...common, ir: compiled!.ir!, specText, specPath: spec!, overrides: applied, outDir: stringFlag(args, "out"), runsRoot: deps.runsRoot, epochs, seed });
    } catch (e) {
      return userError(e, io, "train");
    } finally {
      if (deps.signals) for (const [s, h] of Object.entries(handlers)) process.off(s, h);
    }

    const { dir, result } = outcome;
    const st = result.state;
    const last = join(dir, RUN_FILES.checkpoints, "last.ckpt");
    if (result.status === "interrupted") {
      io.out(
        `interrupted at epoch ${st.epoch + 1}, step ${st.step}: checkpoint saved to ${last}\n` +
          `resume with: intel train --resume ${dir}\n`,
      );
      return 128 + SIGNAL_CODE[signal ?? "SIGINT"];
    }
    const loop = loopSettings(outcome.config.train);
    const watched = outcome.config.train.validation > 0 && loop.monitor === "validation_loss" ? "validation" : "training";
    const best = st.best ? `; best ${watched} loss ${st.best.value.toFixed(4)} at epoch ${st.best.epoch}` : "";
    const capped = loop.maxSteps !== null && st.step >= loop.maxSteps;
    const how =
      result.status === "early_stopped" ? `stopped early after ${st.epoch} epochs` : capped ? `max_steps reached: ${st.step} steps (${st.epoch} whole epochs)` : `${st.epoch} epochs done`;
    io.out(`${how}${best}\nrun: ${dir}\n`);
    if (resume && outcome.config.resumes.at(-1)?.fromStep === st.step) {
      io.out(st.earlyStopped ? "the run had already stopped early: nothing to do\n" : "the run had already finished; pass --epochs N to train longer\n");
    }
    return 0;
  };
}

export const trainCommand = makeTrainCommand();
