// Errors of the user's environment (a full disk, a read-only folder, a path through a file) are not
// bugs: they become one line saying what failed, on which path, and what to do, and exit 1.
import { FileError, ReadLimitsError } from "./read-file";

const ADVICE: Record<string, [string, string]> = {
  ENOSPC: ["no space left on the device", "free some space, or write somewhere else"],
  EDQUOT: ["disk quota exceeded", "free some space, or write somewhere else"],
  EFBIG: ["file too large for the file system", "write somewhere else"],
  EACCES: ["permission denied", "check the permissions, or use another path"],
  EPERM: ["operation not permitted", "check the permissions, or use another path"],
  EROFS: ["read-only file system", "write somewhere else"],
  ENOTDIR: ["a part of the path is a file, not a folder", "check the path"],
  EISDIR: ["it is a folder, not a file", "give a file's path"],
  ENOENT: ["no such file or folder", "check the path"],
  EEXIST: ["it already exists", "use another path"],
  EIO: ["input/output error", "the disk or network file system failed: check it, or use another path"],
  ENXIO: ["no such device", "give a regular file"],
  ENAMETOOLONG: ["the path is too long", "use a shorter path"],
  ELOOP: ["too many symbolic links", "check the path"],
  EMFILE: ["too many open files", "raise the limit (ulimit -n), or close other programs"],
  ENFILE: ["too many open files in the system", "close other programs"],
  EBUSY: ["the file or device is busy", "try again"],
  ETXTBSY: ["the file is busy", "try again"],
  EAGAIN: ["the resource is temporarily unavailable", "try again"],
  ENOMEM: ["out of memory", "free memory, or use less data"],
};

const VERB: Record<string, string> = { open: "open", read: "read", write: "write", mkdir: "create the folder", rename: "replace", unlink: "remove", rmdir: "remove", scandir: "list", stat: "read", lstat: "read", fsync: "write", copyfile: "copy", link: "create", symlink: "create" };

/** The message for an environment error, or undefined when `e` is something else (maybe a bug). */
export function environmentMessage(e: unknown): string | undefined {
  if (e instanceof FileError || e instanceof ReadLimitsError) return e.message;
  if (!(e instanceof Error)) return undefined;
  const err = e as NodeJS.ErrnoException & { dest?: string };
  if (err.code === "ERR_STRING_TOO_LONG") return `a file is too large to read as text (${err.message}); use a binary format (.npy, IDX)`;
  const advice = err.code ? ADVICE[err.code] : undefined;
  if (!advice) return undefined;
  const verb = err.syscall ? (VERB[err.syscall] ?? err.syscall) : "use";
  const where = err.path ? ` ${err.path}${err.dest ? ` → ${err.dest}` : ""}` : "";
  return `cannot ${verb}${where}: ${advice[0]} (${err.code}); ${advice[1]}`;
}

/** An error with an errno-style code, for tests and for the write checks that find one first. */
export function errnoError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: ${syscall} '${path}'`) as NodeJS.ErrnoException;
  e.code = code;
  e.syscall = syscall;
  e.path = path;
  return e;
}
