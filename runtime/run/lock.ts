// One writer per run directory: `intel train` (and --resume) hold RUN/train.lock while they write
// the run. The lock file says who holds it (pid, host, command, since when); a second writer is
// refused, naming them. A lock left by a process that no longer runs on this host (kill -9, power
// cut) is stale and taken over; one from another host (a shared file system) cannot be checked.
// Readers take no lock (checkpoints are replaced by renames, so what they read is whole); they warn.
import { closeSync, openSync, rmSync, writeSync } from "node:fs";
import { readTextFile } from "../fs/read-file";
import { hostname } from "node:os";
import { join } from "node:path";
import { RUN_FILES, RunDirError } from "./run-dir";

export interface LockInfo {
  pid: number;
  host: string;
  command: string[];
  since: string;
}

export class RunLockedError extends RunDirError {}

/** Whether process `pid` exists on this host (EPERM: it does, as another user's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readLock(path: string): LockInfo | null {
  try {
    const info = JSON.parse(readTextFile(path, 1 << 16, "lock file")) as LockInfo;
    return Number.isInteger(info.pid) && typeof info.host === "string" ? info : null;
  } catch {
    return null;
  }
}

/** Who trains the run now: its lock's holder when that process still runs (or runs on another host,
 *  where it cannot be checked); null when nobody does. Readers (eval, sample, encode, report) say so:
 *  they read the newest intact checkpoint, which a later one will replace. */
export function runWriter(dir: string): LockInfo | null {
  const held = readLock(join(dir, RUN_FILES.lock));
  return held && (held.host !== hostname() || alive(held.pid)) ? held : null;
}

/** The reader's warning about a run still being trained, naming the process. */
export function stillTrainingWarning(dir: string, w: LockInfo, checkpoint: string | null): string {
  const who = `process ${w.pid}${w.host === hostname() ? "" : ` on ${w.host}`} (${w.command.join(" ")}, since ${w.since})`;
  return checkpoint
    ? `warning: ${dir} is still being trained by ${who}: using ${checkpoint}, the newest intact checkpoint so far; results will change as training goes on`
    : `${dir} is still being trained by ${who} and has saved no checkpoint yet: wait for its first one (checkpoint_steps or checkpoint_minutes in the spec's train block make them sooner)`;
}

export interface HeldLock {
  path: string;
  /** a stale lock this one replaced */
  replaced: LockInfo | null;
  release(): void;
}

/** Takes the run's lock or throws RunLockedError naming the holder. */
export function lockRun(dir: string, command: string[]): HeldLock {
  const path = join(dir, RUN_FILES.lock);
  const mine: LockInfo = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  let replaced: LockInfo | null = null;
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw e;
      const held = readLock(path);
      if (held && (held.host !== mine.host || alive(held.pid))) {
        const where = held.host === mine.host ? "" : ` on ${held.host} (another host: intel-vae cannot check whether it still runs)`;
        throw new RunLockedError(
          `${dir} is being written by process ${held.pid}${where} since ${held.since} (${held.command.join(" ")}); wait for it to finish or stop it. If it is gone, delete ${path}`,
        );
      }
      // stale (its process is gone) or unreadable (a writer killed before its first byte)
      replaced = held;
      rmSync(path, { force: true });
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(mine) + "\n");
    } finally {
      closeSync(fd);
    }
    break;
  }
  return {
    path,
    replaced,
    release() {
      // only our own lock: never one a later writer took over
      if (readLock(path)?.pid === mine.pid && readLock(path)?.since === mine.since) rmSync(path, { force: true });
    },
  };
}
