// Sweep files: expansion into arms and jobs, --dry-run, and the diagnostics of bad files
// (test/golden/sweeps/NAME.sweep.json → NAME.sweep.errors.txt).
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../../cli/main";
import { bufferIo } from "../../../cli/io";
import { parseSweep } from "../../../cli/sweep/sweep-file";
import { expectGolden } from "../../golden";

const BASE = "test/golden/overrides/base.intel";
const tmp = mkdtempSync(join(tmpdir(), "intel-sweep-file-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, json: unknown): string {
  const p = join(tmp, name);
  writeFileSync(p, JSON.stringify(json, null, 2));
  return p;
}

describe("sweep files", () => {
  it("--dry-run on a 3×2 grid lists 6 arms (and 12 jobs over two seeds) and runs nothing", async () => {
    const f = file("grid.json", { spec: BASE, grid: { "objective.beta": [1, 4, 8], "latent.dim": [2, 4] }, seeds: [1, 2], out: join(tmp, "out") });
    const io = bufferIo();
    expect(await main(["sweep", f, "--dry-run"], io)).toBe(0);
    const lines = io.stdout().split("\n");
    expect(lines[0]).toBe(`sweep grid: 6 arms × 2 seed(s) = 12 jobs, into ${join(tmp, "out")}`);
    const arms = lines.filter((l) => /^\s+\d+\. /.test(l));
    expect(arms).toHaveLength(6);
    expect(arms[0]).toContain("objective.beta=1_latent.dim=2");
    expect(arms[5]).toContain("objective.beta=8_latent.dim=4");
    expect(readdirSync(tmp)).not.toContain("out");
  });

  it("expands arms × grid × random draws into jobs with stable keys and folders", () => {
    const text = JSON.stringify({
      name: "mix",
      arms: [{ name: "sparse", spec: BASE, set: { "mapping.gamma": 10 } }, { name: "plain", spec: BASE }],
      set: { "train.epochs": 2 },
      grid: { "objective.beta": [1, 2] },
      random: { draws: 3, seed: 7, params: { "optimizer.lr": { loguniform: [1e-4, 1e-2] }, "latent.dim": { int: [2, 5] } } },
      seeds: [3],
      out: "o",
    });
    const r = parseSweep(text, "mix.json");
    expect(r.diagnostics).toEqual([]);
    const s = r.sweep!;
    expect(s.arms).toHaveLength(2 * 2 * 3);
    expect(s.jobs.map((j) => j.key)).toHaveLength(new Set(s.jobs.map((j) => j.key)).size);
    expect(s.sweptPaths).toEqual(["objective.beta", "optimizer.lr", "latent.dim"]);
    for (const a of s.arms) {
      const lr = Number(a.set["optimizer.lr"]);
      const dim = Number(a.set["latent.dim"]);
      expect(lr).toBeGreaterThanOrEqual(1e-4);
      expect(lr).toBeLessThanOrEqual(1e-2);
      expect(Number.isInteger(dim) && dim >= 2 && dim <= 5).toBe(true);
      expect(a.set["train.epochs"]).toBe("2");
      expect(a.set["mapping.gamma"]).toBe(a.name === "sparse" ? "10" : undefined);
    }
    // the same file draws the same values; another seed draws others
    expect(parseSweep(text, "mix.json").sweep!.arms.map((a) => a.set)).toEqual(s.arms.map((a) => a.set));
    const other = parseSweep(text.replace('"seed":7', '"seed":8'), "mix.json").sweep!;
    expect(other.arms.map((a) => a.set["optimizer.lr"])).not.toEqual(s.arms.map((a) => a.set["optimizer.lr"]));
    expect(s.jobs[0]).toMatchObject({ key: expect.stringMatching(/^mix__sparse_objective\.beta=1_optimizer\.lr=[\d.e-]+_latent\.dim=\d__s3$/), seed: 3 });
    expect(s.jobs[0]!.dir).toBe(join("o", `${s.jobs[0]!.arm.id}-s3`));
    expect(s.jobs.every((j) => !j.key.includes(":"))).toBe(true); // BullMQ job ids
  });

  const bad = readdirSync("test/golden/sweeps").filter((f) => f.endsWith(".sweep.json")).sort();
  it.each(bad)("diagnostics of %s", async (f) => {
    const path = join("test/golden/sweeps", f);
    const io = bufferIo();
    expect(await main(["sweep", path, "--dry-run"], io)).toBe(1);
    expect(io.stdout()).toBe("");
    expectGolden(path.replace(/\.json$/, ".errors.txt"), io.stderr());
  });
});
