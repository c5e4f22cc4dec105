// Every documented built-in (docs/builtins.md is generated from the tables) is used by some spec or
// test: its name appears as a word in a spec under specs/ or in a test file or fixture under test/.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_CONTEXTS, builtinsIn, TRAIN_SETTINGS } from "../../compiler/builtins";

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== "golden" && name !== "node_modules") files(p, out);
    } else if (/\.(intel|ts)$/.test(name) && !name.startsWith("exercised.")) out.push(p);
  }
  return out;
}

const corpus = [...files("specs"), ...files("test")].map((f) => readFileSync(f, "utf8")).join("\n");
const used = (name: string) => new RegExp(`(^|[^A-Za-z0-9_])${name}([^A-Za-z0-9_]|$)`).test(corpus);

describe("every documented built-in is exercised", () => {
  it.each(BUILTIN_CONTEXTS.flatMap((c) => builtinsIn(c).map((b) => [c, b.name] as const)))("%s %s", (_c, name) => {
    expect(used(name), `no spec or test uses '${name}'`).toBe(true);
  });
  it.each(TRAIN_SETTINGS.map((t) => t.name))("train setting %s", (name) => {
    expect(used(name), `no spec or test uses '${name}'`).toBe(true);
  });
});
