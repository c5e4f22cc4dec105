// INTEL_READ_LIMITS: power users raise (or lower) the size limits of the files read whole, up to what
// Node can hold; a setting it cannot use is one line and exit 1, never an internal error.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { loadCsvSource } from "../../../runtime/data/sources";
import { DEFAULT_READ_LIMITS, READ_LIMITS, readLimits, ReadLimitsError } from "../../../runtime/fs/read-file";
import { environmentMessage } from "../../../runtime/fs/env-error";
import { cleanupTmp, tmp } from "../train/helpers";
import { tinySpec } from "../../tiny-spec";

afterAll(cleanupTmp);
afterEach(() => {
  delete process.env.INTEL_READ_LIMITS;
});

describe("INTEL_READ_LIMITS", () => {
  it("unset: the defaults", () => {
    expect(readLimits({})).toEqual(DEFAULT_READ_LIMITS);
    expect(READ_LIMITS.csv).toBe(256 * 2 ** 20);
  });

  it("KIND=SIZE in bytes, K, M or G (KiB, MiB, GiB too), any case, separated by commas", () => {
    expect(readLimits({ INTEL_READ_LIMITS: "csv=400M, checkpoint=3g,json=1024" })).toEqual({ ...DEFAULT_READ_LIMITS, csv: 400 * 2 ** 20, checkpoint: 3 * 2 ** 30, json: 1024 });
    expect(readLimits({ INTEL_READ_LIMITS: "csv=1.5KiB" }).csv).toBe(1536);
  });

  it.each([
    ["csv", /cannot use 'csv': write KIND=SIZE, .* KIND one of json, csv, checkpoint/],
    ["spec=8M", /cannot use 'spec=8M'/], // a spec stays at 4 MiB
    ["csv=lots", /cannot use 'csv=lots'/],
    ["csv=0", /csv=0 is below 1 byte/],
    ["csv=600M", /csv=600M is over the 512\.0 MiB Node can hold as one string/],
    ["checkpoint=5G", /checkpoint=5G is over the 4096\.0 MiB Node can hold as one buffer/],
  ])("refuses %j, saying what to write", (setting, message) => {
    expect(() => readLimits({ INTEL_READ_LIMITS: setting })).toThrow(ReadLimitsError);
    expect(() => readLimits({ INTEL_READ_LIMITS: setting })).toThrow(message);
  });

  it("is read where the file is: a 1 KiB limit refuses a 2 KiB CSV (naming the setting), a larger one reads it", () => {
    const path = join(tmp(), "d.csv");
    writeFileSync(path, "a,b\n" + "0.25,0.5\n".repeat(230));
    process.env.INTEL_READ_LIMITS = "csv=1K";
    expect(() => loadCsvSource({ path }, 1)).toThrow(/the CSV file is 2074 bytes, over the 1024 bytes intel-vae reads: .* or raise the limit \(INTEL_READ_LIMITS=csv=400M, up to 512 MiB\)/);
    process.env.INTEL_READ_LIMITS = "csv=4K";
    expect(loadCsvSource({ path }, 1).n).toBe(230);
  });

  it("a bad setting is the user's environment: the message, not an internal error", () => {
    let e: unknown;
    try {
      readLimits({ INTEL_READ_LIMITS: "csv=1T" });
    } catch (err) {
      e = err;
    }
    expect(environmentMessage(e)).toMatch(/^INTEL_READ_LIMITS: cannot use 'csv=1T'/);
  });

  it("intel train with a limit the CSV is over: one diagnostic at the data line, exit 1 (a process)", () => {
    const dir = tmp();
    writeFileSync(join(dir, "d.csv"), "a,b\n" + "0.25,0.5\n".repeat(230));
    writeFileSync(join(dir, "s.intel"), tinySpec({ data: `x : Real[2] ~ csv(path: "d.csv")`, train: "epochs: 1" }));
    const run = (limits: string) =>
      spawnSync(process.execPath, ["--import", "tsx", "cli/main.ts", "train", join(dir, "s.intel"), "--out", join(dir, `run-${limits.length}`), "--backend", "cpu"], {
        env: { ...process.env, INTEL_READ_LIMITS: limits },
        encoding: "utf8",
      });
    const small = run("csv=1K");
    expect(small.status, small.stderr).toBe(1);
    expect(small.stderr).toContain("over the 1024 bytes intel-vae reads");
    expect(small.stderr).not.toContain("internal error");
    const bad = run("csv=1T,x");
    expect(bad.status, bad.stderr).toBe(1);
    expect(bad.stderr).toContain("intel train: INTEL_READ_LIMITS: cannot use 'csv=1T'");
    expect(bad.stderr).not.toContain("internal error");
  }, 120_000);
});
