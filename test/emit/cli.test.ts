// `intel compile`: writes the program, --check type-checks it, and the program trains with
// `npx tsx model.ts --epochs 1 --backend cpu` into the same run directory layout as `intel train`.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bufferIo } from "../../cli/io";
import { main } from "../../cli/main";
import { removeTmp, tmpDir } from "./helpers";

let dir = "";
beforeAll(() => {
  dir = tmpDir("cli");
});
afterAll(() => removeTmp(dir));

describe("intel compile", () => {
  it("imports the package's support entry, never a path into this checkout", async () => {
    const io = bufferIo();
    expect(await main(["compile", "specs/examples/circle.intel"], io)).toBe(0);
    const imports = [...io.stdout().matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(imports)).toEqual(new Set(["@tensorflow/tfjs", "intel-vae/support"]));
  });

  it("-o into a missing folder creates it", async () => {
    const io = bufferIo();
    const out = join(dir, "missing", "deeper", "model.ts");
    expect(await main(["compile", "specs/examples/circle.intel", "-o", out], io)).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it("writes a program that type-checks (--check)", async () => {
    const io = bufferIo();
    const out = join(dir, "circle.ts");
    const code = await main(["compile", "specs/examples/circle.intel", "-o", out, "--check"], io);
    expect(io.stderr()).toContain("type-checks");
    expect(code).toBe(0);
    const text = readFileSync(out, "utf8");
    expect(text).toContain('from "@tensorflow/tfjs"');
    expect(text).toContain("function circle(");
    expect(text).toMatch(/\/\/ prelude\.intel:\d+/);
  }, 120_000);

  it("--check where the program's packages do not resolve: a clear message naming them, exit 1, no file, not an internal error", async () => {
    const io = bufferIo();
    const outside = mkdtempSync(join(tmpdir(), "intel-compile-outside-"));
    try {
      expect(await main(["compile", "specs/examples/circle.intel", "-o", join(outside, "m.ts"), "--check"], io)).toBe(1);
      // (@types/node is found in the working directory's node_modules, as the type check finds it)
      expect(io.stderr()).toContain("@tensorflow/tfjs, intel-vae/support do not resolve from");
      expect(io.stderr()).toContain("npm install @tensorflow/tfjs intel-vae in that project");
      expect(io.stderr()).not.toContain("internal error");
      expect(existsSync(join(outside, "m.ts"))).toBe(false);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("--check outside the checkout where intel-vae is installed: type-checks (a project whose node_modules links the packages)", async () => {
    const outside = mkdtempSync(join(tmpdir(), "intel-compile-project-"));
    try {
      const nm = join(outside, "node_modules");
      mkdirSync(join(nm, "@tensorflow"), { recursive: true });
      mkdirSync(join(nm, "@types"), { recursive: true });
      symlinkSync(process.cwd(), join(nm, "intel-vae"));
      symlinkSync(join(process.cwd(), "node_modules/@tensorflow/tfjs"), join(nm, "@tensorflow/tfjs"));
      symlinkSync(join(process.cwd(), "node_modules/@types/node"), join(nm, "@types/node"));
      const io = bufferIo();
      const out = join(outside, "src", "m.ts");
      expect(await main(["compile", "specs/examples/circle.intel", "-o", out, "--check"], io), io.stderr()).toBe(0);
      expect(io.stderr()).toContain("type-checks");
      expect(existsSync(out)).toBe(true);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  }, 120_000);

  it("prints the program without -o", async () => {
    const io = bufferIo();
    expect(await main(["compile", "specs/paper/circle-vanilla.intel"], io)).toBe(0);
    expect(io.stdout()).toContain("export function createModel(seed: number)");
  });

  it("reports a spec with errors as the checker does (exit 1)", async () => {
    const io = bufferIo();
    expect(await main(["compile", "specs/does-not-exist.intel"], io)).toBe(1);
  });

  it("needs one spec (usage error)", async () => {
    const io = bufferIo();
    expect(await main(["compile"], io)).toBe(2);
  });

  it("the program trains one epoch into a run directory", async () => {
    const out = join(dir, "square.ts");
    expect(await main(["compile", "specs/paper/square-intel.intel", "-o", out], bufferIo())).toBe(0);
    const run = join(dir, "run");
    const log = execFileSync("npx", ["tsx", out, "--epochs", "1", "--backend", "cpu", "--out", run], { encoding: "utf8", timeout: 240_000 });
    expect(log).toContain("1 epochs done");
    for (const f of ["ir.json", "config.json", "metrics.jsonl", "checkpoints/last.ckpt", "checkpoints/best.ckpt"]) expect(existsSync(join(run, f)), f).toBe(true);
    const steps = readFileSync(join(run, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { type: string });
    // 1500 training points / batch 100 = 15 steps, fewer than the default log_every (50): no step lines
    expect(steps.filter((s) => s.type === "step").length).toBe(0);
    expect(steps.filter((s) => s.type === "epoch").length).toBe(1);
    expect(readdirSync(join(run, "checkpoints")).length).toBeGreaterThan(0);
    // the same numbers as `intel train` on the same backend and seed
    const run2 = join(dir, "run-intel-train");
    expect(await main(["train", "specs/paper/square-intel.intel", "--epochs", "1", "--backend", "cpu", "--out", run2], bufferIo())).toBe(0);
    const losses = (r: string) =>
      readFileSync(join(r, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { type: string; train?: { loss: number } }).filter((m) => m.type === "epoch").map((m) => m.train!.loss);
    const [a, b] = [losses(run), losses(run2)];
    expect(a.length).toBe(1);
    expect(b.length).toBe(1);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!) / Math.abs(b[i]!)).toBeLessThan(1e-5);
  }, 300_000);
});
