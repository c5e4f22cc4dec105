// Atomic file replacement: write a temp file beside the target, fsync it, rename it over the target,
// fsync the folder. A crash at any point leaves either the old file or the new one, never a mix.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export interface AtomicWriteOptions {
  /** test hook: runs after the temp file is durable and before the rename (throw to simulate a crash) */
  beforeRename?: (tempPath: string) => void;
}

let counter = 0;

export function writeFileAtomic(path: string, data: Uint8Array | string, options: AtomicWriteOptions = {}): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${counter++}`);
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let fd: number;
  try {
    fd = openSync(tmp, "wx");
  } catch (e) {
    // the user named `path`, not the temp file beside it: the error is about where it goes
    (e as NodeJS.ErrnoException).path = path;
    throw e;
  }
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    options.beforeRename?.(tmp);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncDir(dirname(path));
}

/** fsync a folder so the rename itself survives a power cut (a no-op where folders cannot be opened). */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Windows and some filesystems refuse; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Removes temp files a killed process left behind (they are never read). */
export function removeStaleTemps(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (/^\..+\.tmp-\d+-\d+$/.test(n)) rmSync(join(dir, n), { force: true });
}
