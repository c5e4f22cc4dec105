// Golden-file helpers: compare output to a file beside the input; UPDATE_GOLDEN=1 rewrites it.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

export const UPDATE = process.env.UPDATE_GOLDEN === "1";

export function expectGolden(path: string, actual: string): void {
  if (UPDATE || !existsSync(path)) {
    if (!UPDATE) throw new Error(`missing golden file ${path}; run with UPDATE_GOLDEN=1 and review the diff`);
    writeFileSync(path, actual);
    return;
  }
  expect(actual, `golden ${path} differs (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(path, "utf8"));
}

/** Every .intel file below `dir`, relative to the repository root (where vitest runs). */
export function intelFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".intel")) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** The largest .intel file below `dir` (what the front-end and language-server benchmarks time). */
export function largestSpecUnder(dir: string): { f: string; text: string } | undefined {
  return intelFilesUnder(dir)
    .map((f) => ({ f, text: readFileSync(f, "utf8") }))
    .sort((a, b) => b.text.length - a.text.length)[0];
}
