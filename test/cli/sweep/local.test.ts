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
    writeFileSync(f, JSON.stringify({ spec, grid: { "objective.beta": [1, 3] }, seeds: [1], epochs: 2, backend: "cpu", eval_k: 3, samples: 0, out }));
    const first = intel(["sweep", f, "--parallel", "2"]);
    expect(first.status, first.stderr).toBe(0);
    const s = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")) as { results: { key: string; dir: string; set: Record<string, string>; metrics: Record<string, number>; code: string; backend: string; wallSeconds: number }[] };
    expect(s.results.map((r) => r.key)).toEqual(["beta__objective.beta=1__s1", "beta__objective.beta=3__s1"]);
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
    expect(first.stdout).toMatch(/\| objective\.beta=1 \| 1 \| -?[\d.]+ \| [\d.]+ \|/);

    const again = intel(["sweep", f]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr.match(/done earlier, kept/g)).toHaveLength(2);
    const s2 = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")) as typeof s;
    expect(s2.results).toEqual(s.results);
  }, 180_000);
});
