// Where intel-vae may write: folders made one level at a time (Node's recursive mkdir spins forever
// under /proc), and outputs checked against an overwrite policy before anything is written: never
// an input of the command, never a file a run depends on; another existing file only with --force.
import { mkdirSync, realpathSync, statSync } from "node:fs";
import { dirname, relative, resolve, isAbsolute, sep } from "node:path";
import { errnoError } from "./env-error";
import { FileError } from "./read-file";

/** mkdir -p that fails (rather than loops) where the file system refuses new folders. */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let p = resolve(dir); ; ) {
    try {
      if (!statSync(p).isDirectory()) throw errnoError("ENOTDIR", "mkdir", p);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      missing.push(p);
      const up = dirname(p);
      if (up === p) break;
      p = up;
    }
  }
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST" && statSync(m).isDirectory()) continue;
      // ENOENT with an existing parent: a pseudo file system (/proc, /sys) that takes no folders
      if (code === "ENOENT") throw new FileError(`${m}: cannot create a folder there (${dirname(m)} does not take new folders); choose another path`, m);
      throw e;
    }
  }
}

/** The path with symbolic links resolved as far as it exists (so two names of one file compare equal). */
function canonical(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    const up = dirname(abs);
    return up === abs ? abs : resolve(canonical(up), relative(up, abs));
  }
}

export const samePath = (a: string, b: string): boolean => canonical(a) === canonical(b);

/** Whether `path` is `dir` or lies below it. */
export function isInside(path: string, dir: string): boolean {
  const r = relative(canonical(dir), canonical(path));
  return r === "" || (!r.startsWith(`..${sep}`) && r !== ".." && !isAbsolute(r));
}

export interface OutputPolicy {
  /** files the command reads: never overwritten */
  inputs?: readonly string[];
  /** files (or folders, with everything below) that must survive the command, and why */
  keep?: { paths: readonly string[]; why: string };
  /** --force: an existing file that is neither may be replaced */
  force?: boolean;
  /** the command's own default output (RUN/samples.png …): replaced without --force */
  isDefault?: boolean;
}

/** Throws (FileError) when writing `path` would break the policy. */
export function checkOutputPath(path: string, policy: OutputPolicy): void {
  for (const input of policy.inputs ?? []) {
    if (samePath(path, input)) throw new FileError(`${path} is an input of this command: refusing to overwrite it; choose another output path`, path);
  }
  for (const kept of policy.keep?.paths ?? []) {
    if (isInside(path, kept)) throw new FileError(`${path} is ${policy.keep!.why}: refusing to overwrite it; choose another output path`, path);
  }
  let st;
  try {
    st = statSync(path);
  } catch {
    return; // nothing there (a bad folder shows when writing)
  }
  if (st.isDirectory()) throw new FileError(`${path} is a folder; give a file path`, path);
  if (!st.isFile()) throw new FileError(`${path} exists and is not a regular file; choose another output path`, path);
  if (!policy.force && !policy.isDefault) throw new FileError(`${path} already exists; pass --force to overwrite it`, path);
}
