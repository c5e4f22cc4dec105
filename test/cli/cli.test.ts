import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main";
import { bufferIo } from "../../cli/io";

const run = async (...argv: string[]) => {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
};

const tmp = () => mkdtempSync(join(tmpdir(), "intel-cli-"));
const good = `bias double<D>(y: Real[D]) -> Real[D] {\n  return 2 * y\n}\n`;

describe("intel check", () => {
  it("exits 0 on a clean spec and says so", async () => {
    const f = join(tmp(), "good.intel");
    writeFileSync(f, good);
    const r = await run("check", f);
    expect(r.code).toBe(0);
    expect(r.out).toContain("1 file checked: no problems");
  });

  it("exits 1 and renders every error on a bad spec", async () => {
    const r = await run("check", "test/golden/names/five-errors.intel");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/five-errors\.intel:\d+:\d+: error IV2001/);
    expect(r.out).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
  });

  it("prints machine-readable diagnostics with --json", async () => {
    const r = await run("check", "--json", "test/golden/names/recursion.intel");
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json.diagnostics.map((d: { code: string }) => d.code)).toContain("IV2018");
  });

  it("reports a missing file as a diagnostic, not a crash", async () => {
    const r = await run("check", "does/not/exist.intel");
    expect(r.code).toBe(1);
    expect(r.out).toContain("IV9002");
  });

  it("treats bad usage as exit 2", async () => {
    expect((await run("check")).code).toBe(2);
    expect((await run("check", "--frobnicate", "x.intel")).code).toBe(2);
    expect((await run("nonsense")).code).toBe(2);
    expect((await run("help")).code).toBe(0);
  });
});

describe("intel fmt", () => {
  it("--check fails on a messy file, --write fixes it, then --check passes", async () => {
    const f = join(tmp(), "messy.intel");
    writeFileSync(f, `bias double<D>(y:Real[D])->Real[D]{\n  return 2*y\n}\n`);
    expect((await run("fmt", "--check", f)).code).toBe(1);
    expect((await run("fmt", "--write", f)).code).toBe(0);
    expect(readFileSync(f, "utf8")).toBe(good);
    expect((await run("fmt", "--check", f)).code).toBe(0);
  });

  it("refuses to format a file with syntax errors", async () => {
    const f = join(tmp(), "broken.intel");
    writeFileSync(f, `bias b(y: Real[2]) -> Real[2] {\n  return (y\n}\n`);
    const r = await run("fmt", "--write", f);
    expect(r.code).toBe(1);
    expect(r.err).toContain("has syntax errors; not formatted");
    expect(readFileSync(f, "utf8")).toContain("return (y");
  });
});
