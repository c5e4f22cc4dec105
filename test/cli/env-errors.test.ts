// Errors of the environment that root cannot provoke with chmod (it bypasses permissions) are
// injected: ENOSPC, EACCES, EPERM, EIO, EROFS thrown by the write of a command's output. Each is
// one line naming the path and what to do, exit 1; eval on a read-only run still prints its results.
import { cpSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { errnoError, environmentMessage } from "../../runtime/fs/env-error";

const fault = vi.hoisted(() => ({ code: null as string | null, match: "" }));
vi.mock("../../runtime/run/atomic", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../runtime/run/atomic")>();
  return {
    ...real,
    writeFileAtomic: (path: string, data: Uint8Array | string, o?: object) => {
      if (fault.code && path.endsWith(fault.match)) throw errnoError(fault.code, "open", path);
      return real.writeFileAtomic(path, data, o);
    },
  };
});

const { bufferIo } = await import("../../cli/io");
const { main } = await import("../../cli/main");
const { makeEvalCommand, makeSampleCommand } = await import("../../cli/inference-commands");
const { makeExploreCommand, makeExportCommand } = await import("../../cli/export-commands");
const { makeReportCommand } = await import("../../cli/report-command");
const { selectBackend } = await import("../../runtime/backend/select");
const { cleanupTmp, startFake, tmp } = await import("../runtime/train/helpers");
const { fakeDeps } = await import("./fake-deps");

afterAll(cleanupTmp);
let run = "";
beforeAll(async () => {
  await selectBackend("cpu");
  run = tmp();
  await startFake(run, { train: { epochs: 1 } });
});

describe("environment errors", () => {
  it.each([
    ["ENOSPC", "no space left on the device (ENOSPC); free some space, or write somewhere else"],
    ["EACCES", "permission denied (EACCES); check the permissions, or use another path"],
    ["EPERM", "operation not permitted (EPERM); check the permissions, or use another path"],
    ["EIO", "input/output error (EIO); the disk or network file system failed"],
    ["EROFS", "read-only file system (EROFS); write somewhere else"],
  ])("%s writing sample's output: one line, exit 1", async (code, text) => {
    fault.code = code;
    fault.match = "samples.csv";
    try {
      const io = bufferIo();
      expect(await makeSampleCommand(fakeDeps())([run, "--backend", "cpu"], io)).toBe(1);
      expect(io.stderr()).toContain(`intel sample: cannot open ${run}/samples.csv: ${text}`);
      expect(io.stderr()).not.toContain("internal error");
    } finally {
      fault.code = null;
    }
  });

  it("an errno error escaping any command reaches main() as exit 1; a TypeError (a bug) is not classified as one", async () => {
    fault.code = "ENOSPC";
    fault.match = ".ts";
    try {
      const io = bufferIo();
      expect(await main(["compile", "specs/examples/circle.intel", "-o", `${tmp()}/m.ts`], io)).toBe(1);
      expect(io.stderr()).toMatch(/^intel compile: cannot open .*m\.ts: no space left on the device \(ENOSPC\)/);
    } finally {
      fault.code = null;
    }
    expect(environmentMessage(new TypeError("x is undefined"))).toBeUndefined();
  });

  it("eval on a read-only run prints its results and says they were not saved", async () => {
    fault.code = "EROFS";
    fault.match = "eval.json";
    try {
      const io = bufferIo();
      expect(await makeEvalCommand(fakeDeps())([run, "--k", "2", "--backend", "cpu"], io)).toBe(0);
      expect(JSON.parse(io.stdout()).splits.validation.n).toBe(16);
      expect(io.stderr()).toContain(`intel eval: warning: results not saved: cannot open ${run}/eval.json: read-only file system (EROFS)`);
    } finally {
      fault.code = null;
    }
  });

  it("outputs under /proc fail at once naming the path the user gave (not a temp file), and export never spins there", async () => {
    const sample = bufferIo();
    expect(await makeSampleCommand(fakeDeps())([run, "-o", "/proc/x.csv", "--backend", "cpu"], sample)).toBe(1);
    expect(sample.stderr()).toContain("intel sample: cannot open /proc/x.csv: no such file or folder (ENOENT)");
    expect(sample.stderr()).not.toContain(".tmp-");
    for (const [cmd, name] of [[makeExportCommand, "export"], [makeExploreCommand, "explore"]] as const) {
      const io = bufferIo();
      const t0 = Date.now();
      expect(await cmd(fakeDeps())([run, "-o", "/proc/x/y", "--backend", "cpu"], io)).toBe(1);
      expect(io.stderr()).toContain(`intel ${name}: /proc/x: cannot create a folder there (/proc does not take new folders)`);
      expect(Date.now() - t0).toBeLessThan(20_000);
    }
  });

  it("export into the run's checkpoints folder is refused", async () => {
    const io = bufferIo();
    expect(await makeExportCommand(fakeDeps())([run, "-o", `${run}/checkpoints/x`, "--backend", "cpu"], io)).toBe(1);
    expect(io.stderr()).toContain(`is inside ${run}/checkpoints, a file the run needs`);
  });

  it("the files other commands read are size-limited and type-checked too: a sweep file or a run's eval.json that is /dev/zero is refused unread", async () => {
    const sweep = bufferIo();
    expect(await main(["sweep", "/dev/zero"], sweep)).toBe(1);
    expect(sweep.stderr()).toBe("intel sweep: /dev/zero: cannot read this sweep file: it is a device\n");
    const dir = tmp();
    cpSync(run, dir, { recursive: true });
    rmSync(join(dir, "eval.json"), { force: true });
    symlinkSync("/dev/zero", join(dir, "eval.json"));
    const report = bufferIo();
    expect(await makeReportCommand(fakeDeps())([dir, "--backend", "cpu"], report)).toBe(0);
    expect(report.stderr()).toContain("report: incomplete run: missing eval.json (unreadable)");
    expect(readFileSync(join(dir, "report.html"), "utf8")).toContain(`${join(dir, "eval.json")}: cannot read this eval file: it is a device`);
  });

  it("a run directory that is a device or a file is named as one, exit 1", async () => {
    for (const [path, kind] of [["/dev/zero", "a device"], [join(run, "ir.json"), "a file"]]) {
      const io = bufferIo();
      expect(await makeEvalCommand(fakeDeps())([path, "--backend", "cpu"], io)).toBe(1);
      expect(io.stderr()).toContain(`intel eval: ${path} is not a run directory: it is ${kind}`);
    }
  });
});
