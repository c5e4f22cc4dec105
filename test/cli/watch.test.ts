// `intel check --watch` on a temporary file: after an edit it prints only what changed, and stops
// (every watcher closed) when told to.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bufferIo } from "../../cli/io";
import { main } from "../../cli/main";
import { watchCheck } from "../../cli/watch";

const spec = (a: string, b: string) => `bias one<D>(y: Real[D]) -> Real[D] {\n  return ${a}\n}\n\nbias two<D>(y: Real[D]) -> Real[D] {\n  return ${b}\n}\n`;

async function until(what: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("intel check --watch", () => {
  it("re-checks on change and prints only the new and the fixed diagnostics", async () => {
    const f = join(mkdtempSync(join(tmpdir(), "intel-watch-")), "w.intel");
    writeFileSync(f, spec("y * kept", "y * gone")); // two errors: 'kept' and 'gone' are undefined
    const io = bufferIo();
    const stop = new AbortController();
    const done = watchCheck([f], io, stop.signal);
    try {
      await until(() => io.stdout().includes("watching for changes"), 10_000);
      expect(io.stdout().match(/error IV2001/g)).toHaveLength(2);
      const start = io.stdout().length;
      writeFileSync(f, spec("y * kept", "y * fresh"));
      await until(() => io.stdout().includes("fixed;"), 10_000);
      const update = io.stdout().slice(start);
      expect(update).toContain("'fresh' is not defined here");
      expect(update).toMatch(/fixed: .*w\.intel:6:14: IV2001: 'gone' is not defined here/);
      expect(update).not.toContain("'kept'"); // unchanged: not printed again
      expect(update).toContain("1 new, 1 fixed; now 2 errors");
    } finally {
      stop.abort();
    }
    expect(await done).toBe(0);
  });

  it("does not combine with --json", async () => {
    const io = bufferIo();
    expect(await main(["check", "--watch", "--json", "x.intel"], io)).toBe(2);
  });
});
