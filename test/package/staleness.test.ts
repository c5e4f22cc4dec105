// When bin/intel.js (and the test run's globalSetup) consider dist/ stale: any bundled source newer
// than dist/.stamp, .ts or plain .js, in every bundled folder (api/ included) or the build's own
// files; an installed copy, which has dist/ but no sources, never is.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs module without declarations
import { isStale } from "../../scripts/build-info.mjs";

const stale = isStale as (root: string) => boolean;
let root = "";
afterEach(() => rmSync(root, { recursive: true, force: true }));

function file(path: string, secondsAgo: number): void {
  const p = join(root, path);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, "");
  const t = Date.now() / 1000 - secondsAgo;
  utimesSync(p, t, t);
}

function checkout(): void {
  root = mkdtempSync(join(tmpdir(), "intel-stale-"));
  file("cli/main.ts", 100);
  file("index.ts", 100);
  file("runtime/export/plain-model.js", 100);
  file("dist/.stamp", 50);
}

describe("dist/ staleness", () => {
  it("fresh when every source is older than the stamp; missing stamp: stale", () => {
    checkout();
    expect(stale(root)).toBe(false);
    rmSync(join(root, "dist/.stamp"));
    expect(stale(root)).toBe(true);
  });

  it.each(["api/run.ts", "runtime/export/plain-model.js", "compiler/x/y.ts", "scripts/build.mjs", "tsconfig.types.json", "index.ts"])("an edit of %s makes it stale", (path) => {
    checkout();
    file(path, 1);
    expect(stale(root)).toBe(true);
  });

  it("an edited file the build does not read (a test, a doc) does not", () => {
    checkout();
    file("test/x.test.ts", 1);
    file("docs/api.md", 1);
    expect(stale(root)).toBe(false);
  });

  it("an installed copy (dist/ and shipped .js files, no sources) is never stale", () => {
    root = mkdtempSync(join(tmpdir(), "intel-stale-"));
    file("dist/.stamp", 100);
    file("runtime/export/plain-model.js", 1);
    file("scripts/build-info.mjs", 1);
    expect(stale(root)).toBe(false);
  });
});
