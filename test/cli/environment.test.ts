// The real `intel` in child processes, at tiny scale: data paths relative to the spec, data changed
// between train and resume/eval, and the user's environment (a file as --out, /proc, huge inputs)
// reported as a message with exit 1, never as an internal error (exit 3) or a hang.
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { tinySpec } from "../tiny-spec";

// tsx by file URL: the children may run in a folder outside this checkout
const TSX = pathToFileURL(join(process.cwd(), "node_modules/tsx/dist/loader.mjs")).href;
const root = mkdtempSync(join(tmpdir(), "intel-env-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function intel(args: string[], cwd = process.cwd(), timeout = 60_000) {
  const r = spawnSync(process.execPath, ["--import", TSX, join(process.cwd(), "cli/main.ts"), ...args], { cwd, encoding: "utf8", timeout, env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr, signal: r.signal };
}

/** A folder with a CSV and a spec that names it relatively: `csv(path: "points.csv")`. */
function project(name: string): { dir: string; spec: string; csv: string } {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const csv = join(dir, "points.csv");
  writeFileSync(csv, "a,b\n" + Array.from({ length: 40 }, (_, i) => `${Math.cos(i).toFixed(4)},${Math.sin(i).toFixed(4)}`).join("\n") + "\n");
  const spec = join(dir, "m.intel");
  writeFileSync(spec, tinySpec({ data: 'x : Real[2] ~ csv(path: "points.csv", validation: 8)', hidden: 3, train: "batch: 16, epochs: 1, seed: 1" }));
  return { dir, spec, csv };
}

describe("data files", () => {
  it("a relative data path is relative to the spec, from any working folder; a changed file is refused on resume (IV6010) and warned about on eval (IV6011)", () => {
    const p = project("changes");
    const run = join(root, "changes-run");
    const t = intel(["train", p.spec, "--out", run, "--backend", "cpu"], root); // cwd is not the spec's folder
    expect(t.err + t.out).toContain("1 epochs done");
    expect(t.code).toBe(0);
    const config = JSON.parse(readFileSync(join(run, "config.json"), "utf8"));
    expect(config.data).toEqual([{ path: p.csv, size: expect.any(Number), mtime: expect.any(String), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    appendFileSync(p.csv, "0.5,0.5\n");
    const r = intel(["train", "--resume", run, "--epochs", "2", "--backend", "cpu"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`m\\.intel:3:3: error IV6010: the data changed since the run started: ${p.csv.replace(/[.]/g, "\\.")} changed since .* \\(size \\d+ → \\d+ bytes, sha256 [0-9a-f]{12}… → [0-9a-f]{12}…; modified .*\\)`));
    expect(r.err).toContain(`  3 |   data x : Real[2] ~ csv(path: "points.csv", validation: 8)`);
    const e = intel(["eval", run, "--k", "2", "--backend", "cpu"]);
    expect(e.code).toBe(0);
    expect(e.err).toMatch(/warning IV6011: the data changed since the run was trained: .*points\.csv changed since/);
    expect(JSON.parse(e.out).splits.test.n).toBe(41);
  });
});

describe("environment errors exit 1 with a message", () => {
  const expectUserError = (r: ReturnType<typeof intel>, message: RegExp) => {
    expect(r.err).toMatch(message);
    expect(r.err).not.toContain("internal error");
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.code).toBe(1);
  };

  it("--out naming a file, or a folder below one", () => {
    const p = project("outfile");
    const file = join(root, "a-file");
    writeFileSync(file, "x");
    expectUserError(intel(["train", p.spec, "--out", file, "--backend", "cpu"]), new RegExp(`intel train: cannot create the folder ${file}: a part of the path is a file, not a folder \\(ENOTDIR\\); check the path`));
    expectUserError(intel(["train", p.spec, "--out", join(file, "run"), "--backend", "cpu"]), /ENOTDIR/);
  });

  it("--out /proc/x fails at once instead of spinning", () => {
    const p = project("proc");
    const t0 = Date.now();
    const r = intel(["train", p.spec, "--out", "/proc/x/run", "--backend", "cpu"], process.cwd(), 30_000);
    expect(r.signal).toBeNull();
    expectUserError(r, /intel train: \/proc\/x: cannot create a folder there \(\/proc does not take new folders\); choose another path/);
    expect(Date.now() - t0).toBeLessThan(25_000);
  });

  it("a CSV over the limit, and an array over 2³² values, are refused with their size (sparse files: no disk used)", () => {
    const p = project("huge");
    truncateSync(p.csv, 300 << 20);
    expectUserError(intel(["train", p.spec, "--out", join(root, "huge-run"), "--backend", "cpu"]), /points\.csv: the CSV file is 300\.0 MiB, over the 256\.0 MiB intel-vae reads: CSV is parsed whole; convert it to \.npy/);
    // .npy header declaring (2^32 + 8) uint8 values, and a file that long
    const header = "{'descr': '|u1', 'fortran_order': False, 'shape': (4294967304,), }";
    const padded = header.padEnd(118, " ") + "\n";
    const npy = join(p.dir, "big.npy");
    const len = Buffer.alloc(2);
    len.writeUInt16LE(padded.length);
    writeFileSync(npy, Buffer.concat([Buffer.from([0x93]), Buffer.from("NUMPY"), Buffer.from([1, 0]), len, Buffer.from(padded, "latin1")]));
    truncateSync(npy, 10 + padded.length + 4294967304);
    writeFileSync(p.spec, tinySpec({ data: 'x : Real[1] ~ npy(path: "big.npy")', hidden: 3, train: "batch: 16, epochs: 1" }));
    expectUserError(intel(["train", p.spec, "--out", join(root, "big-run"), "--backend", "cpu"]), /big\.npy: \[4294967304\] is 4294967304 values, over the \d+ .* one array holds/);
  });

  it("a data path that is a device or a folder is refused unread", () => {
    const p = project("device");
    writeFileSync(p.spec, tinySpec({ data: 'x : Real[2] ~ csv(path: "/dev/zero")', hidden: 3, train: "batch: 16, epochs: 1" }));
    expectUserError(intel(["train", p.spec, "--out", join(root, "dev-run"), "--backend", "cpu"], process.cwd(), 30_000), /\/dev\/zero: cannot read this CSV file: it is a device\n/);
  });

  it("a data path to a file not named like data (a secret, /etc/passwd) is parsed but never quoted", () => {
    const p = project("secret");
    writeFileSync(join(p.dir, "secrets"), "user:hunter2\nAPI_KEY=s3cr3t\n");
    writeFileSync(p.spec, tinySpec({ data: 'x : Real[2] ~ csv(path: "secrets", header: false)', hidden: 3, train: "batch: 16, epochs: 1" }));
    const r = intel(["train", p.spec, "--out", join(root, "secret-run"), "--backend", "cpu"]);
    expectUserError(r, /secrets:1: column 1 is text \(not shown: .*secrets is not named \.csv, \.tsv or \.txt\), not a finite number/);
    expect(r.err).not.toMatch(/hunter2|s3cr3t|user/);
    // a .csv still gets its bad cell quoted: that is what a person fixing the file needs
    writeFileSync(join(p.dir, "bad.csv"), "a,b\n1,oops\n");
    writeFileSync(p.spec, tinySpec({ data: 'x : Real[2] ~ csv(path: "bad.csv")', hidden: 3, train: "batch: 16, epochs: 1" }));
    expectUserError(intel(["train", p.spec, "--out", join(root, "bad-run"), "--backend", "cpu"]), /bad\.csv:2: column 2 \(b\) is "oops", not a finite number/);
  });
});

describe("train --resume --checkpoint", () => {
  it("continues from the checkpoint named (best), and refuses a path that is not one", () => {
    const p = project("resume-from");
    const run = join(root, "resume-from-run");
    expect(intel(["train", p.spec, "--out", run, "--backend", "cpu"], root).code).toBe(0);
    const best = intel(["train", "--resume", run, "--checkpoint", "best", "--epochs", "2", "--backend", "cpu"], root);
    expect(best.err + best.out).toContain("2 epochs done");
    expect(best.code).toBe(0);
    const missing = intel(["train", "--resume", run, "--checkpoint", join(run, "nope.ckpt"), "--epochs", "3", "--backend", "cpu"], root);
    expect(missing.code).toBe(1);
    expect(missing.err).not.toContain("internal error");
  }, 120_000);
});
