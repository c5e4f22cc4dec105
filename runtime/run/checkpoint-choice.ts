// Which checkpoint a command uses. `last` and `best` name a slot; when its file is damaged, the
// newest intact one of the run's other checkpoints (last, best, epoch-NNNN) is used instead, and the
// skipped file is reported. A PATH names exactly one file: no fallback.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CheckpointError, readCheckpoint, type Checkpoint } from "./checkpoint";
import { checkpointPath, RUN_FILES } from "./run-dir";

export type CheckpointSlotName = "last" | "best";

export interface ChosenCheckpoint {
  path: string;
  checkpoint: Checkpoint;
  /** damaged files passed over, newest preference first, with why */
  skipped: { path: string; reason: string }[];
}

/** Every checkpoint file of a run: last, the periodic ones (newest epoch first), best. */
export function runCheckpoints(dir: string): string[] {
  const ckptDir = join(dir, RUN_FILES.checkpoints);
  let names: string[] = [];
  try {
    names = readdirSync(ckptDir);
  } catch {
    return [];
  }
  const periodic = names
    .filter((n) => /^epoch-\d+\.ckpt$/.test(n))
    .sort()
    .reverse()
    .map((n) => join(ckptDir, n));
  return [checkpointPath(dir, "last"), ...periodic, checkpointPath(dir, "best")].filter((p) => existsSync(p));
}

/**
 * The checkpoint `which` names ("last", "best" or a path). null when the run has no checkpoint file
 * at all; a CheckpointError when every one is damaged (or the named path is).
 */
export function chooseCheckpoint(dir: string, which: CheckpointSlotName | string): ChosenCheckpoint | null {
  if (which !== "last" && which !== "best") {
    if (!existsSync(which)) throw new CheckpointError(`${which}: no such checkpoint`);
    return { path: which, checkpoint: readCheckpoint(which), skipped: [] };
  }
  const all = runCheckpoints(dir);
  if (all.length === 0) return null;
  const preferred = checkpointPath(dir, which);
  // "best" when the run has none (nothing improved yet) is "last", as it always was
  const first = existsSync(preferred) ? preferred : checkpointPath(dir, "last");
  const skipped: ChosenCheckpoint["skipped"] = [];
  const tryRead = (path: string): Checkpoint | null => {
    try {
      return readCheckpoint(path);
    } catch (e) {
      if (!(e instanceof CheckpointError)) throw e;
      skipped.push({ path, reason: e.message.startsWith(`${path}: `) ? e.message.slice(path.length + 2) : e.message });
      return null;
    }
  };
  if (existsSync(first)) {
    const c = tryRead(first);
    if (c) return { path: first, checkpoint: c, skipped };
  }
  // the newest intact other one: the most optimizer steps (a periodic file before best on a tie)
  let chosen: { path: string; checkpoint: Checkpoint } | null = null;
  for (const path of all.filter((p) => p !== first)) {
    const c = tryRead(path);
    if (c && (!chosen || c.state.step > chosen.checkpoint.state.step)) chosen = { path, checkpoint: c };
  }
  if (chosen) return { ...chosen, skipped };
  throw new CheckpointError(
    `every checkpoint of ${dir} is damaged (${skipped.map((s) => `${s.path}: ${s.reason}`).join("; ")}); delete ${join(dir, RUN_FILES.checkpoints)} to train the run again from the start`,
  );
}

/** A warning line for each damaged file passed over on the way to `used`. */
export const skippedWarnings = (skipped: ChosenCheckpoint["skipped"], used: string, c: Checkpoint): string[] =>
  skipped.map((s) => `warning: skipped ${s.path} (${s.reason}); using ${used} (epoch ${c.state.epoch}, step ${c.state.step})`);
