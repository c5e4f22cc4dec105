// Imports read only .intel specs inside the import root (the top spec's folder tree, INTEL_PATH,
// the prelude), never a device or a huge file, and no diagnostic quotes a file that is not a spec.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkFile } from "../../compiler/check";
import { diskHost, MAX_SPEC_BYTES } from "../../compiler/host";
import { renderDiagnostics } from "../../compiler/diagnostics/render";
import { bufferIo } from "../../cli/io";
import { main } from "../../cli/main";

const root = mkdtempSync(join(tmpdir(), "intel-imports-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const BIAS = "bias plain(y: Real[2]) -> Real[2] {\n  return y\n}\n";
function spec(rel: string, imports: string[]): string {
  const p = join(root, rel);
  mkdirSync(join(p, ".."), { recursive: true });
  writeFileSync(p, imports.map((i) => `import "${i}"\n`).join("") + BIAS);
  return p;
}
const codes = (p: string, host = diskHost(root)) => checkFile(p, host).diagnostics.map((d) => d.code);
const text = (p: string) => {
  const r = checkFile(p, diskHost(root));
  return renderDiagnostics(r.diagnostics, r.sources);
};

describe("the import root", () => {
  it("a spec in the top spec's folder tree imports; one above it is IV2019", () => {
    spec("lib/scale.intel", []);
    spec("outside.intel", []);
    expect(codes(spec("top.intel", ["lib/scale"]))).toEqual(["IV2003"]); // found, only unused
    expect(codes(spec("proj/main.intel", ["../outside.intel"]))).toEqual(["IV2019"]);
  });

  it("a folder on INTEL_PATH is inside the root, and is searched for relative imports", () => {
    spec("shared/extra.intel", []);
    const main = spec("proj2/main.intel", ["extra", join(root, "shared/extra.intel")]);
    expect(codes(main)).toContain("IV2019");
    const host = { ...diskHost(root), libraryPaths: [join(root, "shared")] };
    expect(codes(main, host).filter((c) => c !== "IV2003")).toEqual([]);
  });

  it("a file that is not .intel is never read or quoted (IV2020), also through a link named .intel", () => {
    writeFileSync(join(root, "secret.txt"), "TOKEN=hunter2\n");
    symlinkSync(join(root, "secret.txt"), join(root, "sneaky.intel"));
    const main = spec("leak.intel", ["secret.txt", "sneaky.intel", "/proc/self/environ", "../../etc/passwd"]);
    const out = text(main);
    // extensionless names get .intel: /proc/self/environ.intel and passwd.intel do not exist
    expect(codes(main)).toEqual(["IV2020", "IV2020", "IV2004", "IV2004"]);
    expect(out).not.toContain("hunter2");
    expect(out).not.toMatch(/root:x:0/);
    expect(out).not.toContain("PATH=");
  });

  it("a FIFO, a device or a huge file named .intel is refused unread (IV2017), without hanging", () => {
    execFileSync("mkfifo", [join(root, "pipe.intel")]);
    symlinkSync("/dev/zero", join(root, "zero.intel"));
    writeFileSync(join(root, "huge.intel"), "");
    truncateSync(join(root, "huge.intel"), MAX_SPEC_BYTES + 1); // sparse: no disk used
    const main = spec("odd.intel", ["pipe.intel", "huge.intel"]);
    const r = checkFile(main, diskHost(root));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["IV2017", "IV2017"]);
    expect(r.diagnostics[0]!.message).toContain("not a regular file");
    expect(r.diagnostics[1]!.message).toContain("MiB");
    // /dev/zero through a link named .intel: not a spec behind the link
    expect(codes(spec("zero-import.intel", ["zero.intel"]))).toEqual(["IV2020"]);
    // a device as the top spec: a diagnostic, not an endless read
    expect(checkFile("/dev/zero", diskHost(root)).diagnostics.map((d) => d.code)).toEqual(["IV9002"]);
  });

  it("the CLI reads only .intel files as specs: `intel check FILE` never quotes another file", async () => {
    writeFileSync(join(root, "notes.txt"), "password=swordfish\n");
    for (const cmd of ["check", "fmt", "compile", "train"]) {
      const io = bufferIo();
      expect(await main([cmd, join(root, "notes.txt")], io), cmd).toBe(1);
      expect(io.stderr()).toBe(`intel ${cmd}: ${join(root, "notes.txt")} is not a spec: intel reads only .intel files\n`);
      expect(io.stdout() + io.stderr()).not.toContain("swordfish");
    }
  });
});
