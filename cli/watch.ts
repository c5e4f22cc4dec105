// `intel check --watch`: checks, then re-checks whenever a spec or a file it imports changes, and
// prints only what changed: the new diagnostics in full, the fixed ones on one line each.
import { watch, type FSWatcher } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import type { Diagnostic } from "../compiler/diagnostics/diagnostic";
import { renderDiagnostics, summary } from "../compiler/diagnostics/render";
import { checkFiles } from "./check-command";
import type { Io } from "./io";

/** Quiet time after a file event before re-checking (editors write a file in several steps). */
const SETTLE_MS = 100;

// Positions shift while a file is edited above a problem: a diagnostic is the same one while its
// code, file and message are.
const key = (d: Diagnostic): string => `${d.code}|${d.span.file}|${d.message}`;

/** Runs until `signal` aborts; resolves with 0. Every watcher is closed on abort. */
export function watchCheck(files: readonly string[], io: Io, signal: AbortSignal): Promise<number> {
  let watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let before = new Map<string, Diagnostic>();

  const run = (first: boolean): void => {
    const r = checkFiles(files);
    const now = new Map(r.all.map((d) => [key(d), d]));
    const added = r.all.filter((d) => !before.has(key(d)));
    const fixed = [...before.values()].filter((d) => !now.has(key(d)));
    before = now;
    if (first) {
      if (added.length) io.out(renderDiagnostics(added, r.sources, { color: io.color }) + "\n");
      io.out(`${files.length} file${files.length === 1 ? "" : "s"} checked: ${summary(r.all)}; watching for changes (Ctrl-C stops)\n`);
    } else if (added.length || fixed.length) {
      if (added.length) io.out(renderDiagnostics(added, r.sources, { color: io.color }) + "\n");
      for (const d of fixed) io.out(`fixed: ${d.span.file}:${d.span.line}:${d.span.col}: ${d.code}: ${d.message}\n`);
      io.out(`${new Date().toLocaleTimeString()}: ${added.length} new, ${fixed.length} fixed; now ${summary(r.all)}\n`);
    }
    rewatch([...r.read]);
  };

  // Directories are watched, not files: an editor that saves by renaming replaces the file's inode.
  const rewatch = (paths: string[]): void => {
    for (const w of watchers) w.close();
    const names = new Map<string, Set<string>>();
    for (const p of paths.map((q) => resolve(q))) {
      const dir = dirname(p);
      if (!names.has(dir)) names.set(dir, new Set());
      names.get(dir)!.add(basename(p));
    }
    watchers = [...names].flatMap(([dir, wanted]) => {
      try {
        return [watch(dir, (_event, name) => {
          if (name && wanted.has(String(name))) schedule();
        })];
      } catch {
        return []; // a folder that vanished: its files are reported missing by the next check
      }
    });
  };
  const schedule = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => run(false), SETTLE_MS);
  };

  return new Promise((done) => {
    const stop = (): void => {
      clearTimeout(timer);
      for (const w of watchers) w.close();
      done(0);
    };
    if (signal.aborted) return stop();
    signal.addEventListener("abort", stop, { once: true });
    run(true);
  });
}
