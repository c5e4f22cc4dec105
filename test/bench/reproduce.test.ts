// `npm run reproduce` on the sweep machinery: its experiments are sweep files, and the results table
// that `--table-only` writes from finished runs is the one the previous driver wrote from the same
// runs (test/bench/reproduce-table.golden.md; UPDATE_GOLDEN=1 rewrites it).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseSweep } from "../../cli/sweep/sweep-file";
import { EXPERIMENTS, sweepFile } from "../../bench/reproduce/experiments";
import { FIXTURE_ARMS, writeReproduceFixtures } from "./reproduce-fixtures";
import { expectGolden } from "../golden";

const tmp = mkdtempSync(join(tmpdir(), "intel-reproduce-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const normalise = (md: string) => md.replace(/^Last command: .*$/m, "Last command: (normalised by the test)");

describe("npm run reproduce", () => {
  it("has one sweep file per experiment, whose arms are the experiment's and whose specs check", () => {
    for (const e of EXPERIMENTS) {
      const r = parseSweep(readFileSync(sweepFile(e.name), "utf8"), sweepFile(e.name));
      expect(r.diagnostics).toEqual([]);
      expect(r.sweep!.arms.map((a) => a.id)).toEqual(e.arms.map((a) => a.name));
      // the run folders the table reads: runs/reproduce/EXPERIMENT/ARM-sSEED
      const expected = r.sweep!.seeds.flatMap((s) => e.arms.map((a) => join("runs/reproduce", e.name, `${a.name}-s${s}`)));
      expect(r.sweep!.jobs.map((j) => j.dir).sort()).toEqual(expected.sort());
      if (e.name !== "hierarchy") expect(e.arms.map((a) => a.name)).toEqual(expect.arrayContaining(FIXTURE_ARMS[e.name]!));
    }
  });

  it("--table-only rewrites the same results table from finished runs", () => {
    const runs = join(tmp, "runs");
    writeReproduceFixtures(runs);
    const out = join(tmp, "results.md");
    const r = spawnSync(process.execPath, ["--import", "tsx", "bench/reproduce/main.ts", "--table-only", "--runs", runs, "--out", out], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expectGolden("test/bench/reproduce-table.golden.md", normalise(readFileSync(out, "utf8")));
  });
});
