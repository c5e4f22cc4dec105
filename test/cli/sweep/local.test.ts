// The embedded default: a sweep's jobs run on this machine, two child-process jobs at a time; run
// again, finished jobs are kept as they are (idempotent).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tinySpec, RING_SMALL } from "../../tiny-spec";

const INTEL = join(process.cwd(), "bin", "intel.js");
const intel = (args: string[]) => spawnSync(process.execPath, [INTEL, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
const tmp = mkdtempSync(join(tmpdir(), "intel-local-sweep-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("intel sweep without a queue", () => {
  it("runs every job in parallel child processes, records overrides, and keeps finished jobs on a rerun", () => {
    const spec = join(tmp, "ring.intel");
    writeFileSync(spec, tinySpec({ data: RING_SMALL, train: "batch: 25" }));
    const out = join(tmp, "out");
    const f = join(tmp, "beta.json");
    writeFileSync(f, JSON.stringify({ spec, grid: { "objective.beta": [1, 3] }, seeds: [1, 2], epochs: 2, backend: "cpu", eval_k: 3, samples: 0, out }));
    const first = intel(["sweep", f, "--parallel", "2"]);
    expect(first.status, first.stderr).toBe(0);
    const s = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")) as { results: { key: string; dir: string; set: Record<string, string>; metrics: Record<string, number>; code: string; backend: string; wallSeconds: number }[] };
    expect(s.results.map((r) => r.key)).toEqual(["beta__objective.beta=1__s1", "beta__objective.beta=1__s2", "beta__objective.beta=3__s1", "beta__objective.beta=3__s2"]);
    for (const r of s.results) {
      const cfg = JSON.parse(readFileSync(join(r.dir, "config.json"), "utf8")) as { overrides: Record<string, string>; effectiveSpec: string };
      expect(cfg.overrides).toEqual(r.set);
      expect(cfg.effectiveSpec).toContain(`objective elbo(beta: ${r.set["objective.beta"]})`);
      expect(readFileSync(join(r.dir, "spec.intel"), "utf8")).toBe(cfg.effectiveSpec);
      expect(Number.isFinite(r.metrics.iwae_nll)).toBe(true);
      expect(r.backend).toBe("cpu");
      expect(r.code).toMatch(/^[0-9a-f]{7,}/);
    }
    // β weighs the KL, so the two arms train differently
    expect(s.results[0]!.metrics.elbo).not.toBe(s.results[1]!.metrics.elbo);
    expect(first.stdout).toMatch(/\| objective\.beta=1 \| 1, 2 \| -?[\d.]+ ± [\d.]+ \| [\d.]+ ± [\d.]+ \|/);

    const again = intel(["sweep", f]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr.match(/done earlier, kept/g)).toHaveLength(4);
    const s2 = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")) as typeof s;
    expect(s2.results).toEqual(s.results);

    // intel compare: mean ± sample std over the two seeds, per arm, in the CSV and the JSON
    const cmp = intel(["compare", out]);
    expect(cmp.status, cmp.stderr).toBe(0);
    const csv = readFileSync(join(out, "compare.csv"), "utf8").trim().split("\n").map((l) => l.split(","));
    const col = (name: string) => csv[0]!.indexOf(name);
    for (const [row, beta] of [[1, "1"], [2, "3"]] as const) {
      const xs = s.results.filter((r) => r.set["objective.beta"] === beta).map((r) => r.metrics.iwae_nll!);
      const mean = (xs[0]! + xs[1]!) / 2;
      const std = Math.abs(xs[0]! - xs[1]!) / Math.SQRT2; // sample std of two values
      expect(csv[row]![col("objective.beta")]).toBe(beta);
      expect(Number(csv[row]![col("iwae_nll_mean")])).toBeCloseTo(mean, 10);
      expect(Number(csv[row]![col("iwae_nll_std")])).toBeCloseTo(std, 10);
      expect(csv[row]![col("iwae_nll_n")]).toBe("2");
    }
    // loose run folders are grouped by model and overrides
    const page = join(tmp, "two.html");
    const loose = intel(["compare", s.results[0]!.dir, s.results[1]!.dir, s.results[2]!.dir, "-o", page]);
    expect(loose.status, loose.stderr).toBe(0);
    const j = JSON.parse(readFileSync(join(tmp, "two.json"), "utf8")) as { arms: { id: string; seeds: number[] }[]; swept: string[] };
    expect(j.arms.map((a) => [a.id, a.seeds])).toEqual([["m objective.beta=1", [1, 2]], ["m objective.beta=3", [1]]]);
    expect(j.swept).toEqual(["objective.beta"]);
  }, 240_000);

  it("says what is wrong with the command line (exit 2) and with what it reads (exit 1)", () => {
    expect(intel(["worker"]).stderr).toContain("needs --queue redis://HOST:PORT");
    expect(intel(["worker"]).status).toBe(2);
    expect(intel(["sweep", "x.json", "--no-wait"]).status).toBe(2);
    expect(intel(["sweep", "x.json", "--queue", "http://nowhere"]).status).toBe(1); // cannot read x.json: checked first
    const bad = intel(["compare", join(tmp, "nothing-here")]);
    expect([bad.status, bad.stderr]).toEqual([1, `intel compare: no run or sweep folder at ${join(tmp, "nothing-here")}\n`]);
  });
});
