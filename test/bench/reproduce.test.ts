// `npm run reproduce` on the sweep machinery: its experiments are sweep files, and the results table
// that `--table-only` writes from finished runs is the one the previous driver wrote from the same
// runs (test/bench/reproduce-table.golden.md; UPDATE_GOLDEN=1 rewrites it).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseSweep } from "../../cli/sweep/sweep-file";
import { EXPERIMENTS, sweepFile } from "../../bench/reproduce/experiments";
import { ledgerArm, saveArm } from "../../bench/reproduce/ledger";
import { previousSections } from "../../bench/reproduce/results-md";
import type { ArmResult } from "../../bench/reproduce/run-arm";
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
      // the fixtures name real arms; the larger reruns have none (their sections render as "incomplete")
      const fixture = FIXTURE_ARMS[e.name] ?? [];
      if (["sparsity-full", "table1-conv"].includes(e.name)) expect(fixture).toEqual([]);
      else expect(fixture.length).toBeGreaterThan(0);
      expect(e.arms.map((a) => a.name)).toEqual(expect.arrayContaining(fixture));
    }
  });

  it("--table-only rewrites the same results table from finished runs", () => {
    const runs = join(tmp, "runs");
    writeReproduceFixtures(runs);
    const out = join(tmp, "results.md");
    const r = table(runs, join(tmp, "no-ledger"), out);
    expect(r.status, r.stderr).toBe(0);
    expectGolden("test/bench/reproduce-table.golden.md", normalise(readFileSync(out, "utf8")));
  });

  it("the ledger keeps finished arms when their run folders are gone, and sections with no arms anywhere are kept as written", () => {
    const runs = join(tmp, "runs-ledger");
    writeReproduceFixtures(runs);
    const full = join(tmp, "full.md");
    expect(table(runs, join(tmp, "no-ledger"), full).status).toBe(0);
    // the same arms, known only from a ledger: the same table
    const ledger = join(tmp, "ledger");
    for (const e of readdirSync(runs)) for (const d of readdirSync(join(runs, e))) {
      const r = JSON.parse(readFileSync(join(runs, e, d, "reproduce.json"), "utf8")) as ArmResult;
      mkdirSync(join(tmp, "scratch", e, d), { recursive: true });
      saveArm(join(tmp, "scratch", e, d), r, ledger);
      expect(ledgerArm(join("elsewhere", e, d), ledger)).toEqual(r);
    }
    const fromLedger = join(tmp, "from-ledger.md");
    expect(table(join(tmp, "empty-runs"), ledger, fromLedger).status).toBe(0);
    expect(normalise(readFileSync(fromLedger, "utf8"))).toBe(normalise(readFileSync(full, "utf8")));
    // nothing anywhere: every section (and its verdict row) is the one written before, marked once
    const again = join(tmp, "again.md");
    writeFileSync(again, readFileSync(full, "utf8"));
    for (let i = 0; i < 2; i++) expect(table(join(tmp, "empty-runs"), join(tmp, "no-ledger"), again).status).toBe(0);
    const before = previousSections(readFileSync(full, "utf8"));
    const after = previousSections(readFileSync(again, "utf8"));
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [name, { row, section }] of after) {
      expect(row).toBe(before.get(name)!.row);
      expect(section.match(/Kept as last written/g)).toHaveLength(1);
      expect(section.replace(/\n\n\*Kept as last written[^\n]*/, "")).toBe(before.get(name)!.section);
    }
  });
});

function table(runs: string, ledger: string, out: string) {
  return spawnSync(process.execPath, ["--import", "tsx", "bench/reproduce/main.ts", "--table-only", "--runs", runs, "--ledger", ledger, "--out", out], { encoding: "utf8" });
}
