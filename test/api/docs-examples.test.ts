// docs/api.md's examples, run as written: each ```ts block is one module, run in order in a fresh
// working directory, with "intel-vae" pointed at index.ts; their asserts are the checks.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");
const blocks = [...readFileSync(join(ROOT, "docs/api.md"), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
// inside the checkout (gitignored tmp/), so that the examples' imports resolve from its node_modules
const work = join(ROOT, "tmp", `api-docs-${process.pid}`);
const cwd = process.cwd();

afterAll(() => {
  process.chdir(cwd);
  rmSync(work, { recursive: true, force: true });
});

describe("docs/api.md examples", () => {
  it("has examples for every part of the API", () => {
    const all = blocks.join("\n");
    for (const name of ["compile(", "checkSource(", "train(", "resume(", "signal", "loadRun(", ".encode(", ".decode(", ".sample(", ".reconstruct(", ".elbo(", ".iwae(", ".export(", ".explore("]) {
      expect(all, name).toContain(name);
    }
  });

  it.each(blocks.map((code, i) => [i + 1, code.split("\n").find((l) => !l.startsWith("import") && l.trim()) ?? "", code] as const))(
    "example %i (%s) runs",
    async (i, _first, code) => {
      mkdirSync(work, { recursive: true });
      process.chdir(work);
      const file = join(work, `example-${i}.ts`);
      writeFileSync(file, code.replace(/from "intel-vae"/g, `from ${JSON.stringify(join(ROOT, "index.ts"))}`));
      await import(pathToFileURL(file).href);
    },
    120_000,
  );
});
