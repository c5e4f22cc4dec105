// A sweep on a real queue: redis-server on a free loopback port, a 4-arm sweep enqueued with
// `intel sweep --queue`, two `intel worker` processes, one of them SIGKILLed in the middle of a job.
// All four arms must finish exactly once, and the killed arm (resumed by the other worker from its
// last checkpoint) must give the numbers of an uninterrupted run. Then `intel compare` on the
// sweep's folder, checked in headless Chromium when it is installed.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RING_SMALL, tinySpec } from "../../tiny-spec";
import { HAS_REDIS, startRedis, type Redis } from "./redis";
import { CHROMIUM, checkPage } from "./chromium";

const INTEL = join(process.cwd(), "bin", "intel.js");
const run = (args: string[]) => spawnSync(process.execPath, [INTEL, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });

if (!HAS_REDIS) console.warn("queue tests skipped: redis-server is not installed (apt-get install redis-server)");

describe.skipIf(!HAS_REDIS)("intel sweep on BullMQ with intel worker", () => {
  let redis: Redis;
  let tmp: string;
  const procs: ChildProcess[] = [];
  let sweepFile: string;
  let out: string;

  beforeAll(async () => {
    redis = await startRedis();
    tmp = mkdtempSync(join(tmpdir(), "intel-queue-"));
    const spec = join(tmp, "ring.intel");
    writeFileSync(spec, tinySpec({ data: RING_SMALL, train: "batch: 10" }));
    out = join(tmp, "out");
    sweepFile = join(tmp, "ring.sweep.json");
    writeFileSync(sweepFile, JSON.stringify({ name: "ring", spec, grid: { "objective.beta": [1, 2], "latent.dim": [2, 3] }, seeds: [1], epochs: 60, backend: "cpu", eval_k: 5, samples: 16, metrics: ["elbo", "iwae_nll"], out }, null, 2));
  });

  afterAll(async () => {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
    await redis?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const spawnIntel = (args: string[]) => {
    const p = spawn(process.execPath, [INTEL, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    const o = { proc: p, stdout: "", stderr: "" };
    p.stdout!.on("data", (b: Buffer) => (o.stdout += b.toString()));
    p.stderr!.on("data", (b: Buffer) => (o.stderr += b.toString()));
    procs.push(p);
    return o;
  };
  const exited = (p: ChildProcess) => new Promise<number>((r) => (p.exitCode !== null ? r(p.exitCode) : p.once("exit", (c) => r(c ?? 137))));
  const until = async (cond: () => boolean, ms: number, what: string, detail: () => string = () => "") => {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${detail()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  /** pids whose command line holds every one of `parts` */
  const processesWith = (...parts: string[]) =>
    readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          const cmd = readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0");
          return parts.every((p) => cmd.includes(p));
        } catch {
          return false;
        }
      });

  it("finishes every arm exactly once after a worker is killed mid-job, with an uninterrupted run's numbers", async () => {
    const sweep = spawnIntel(["sweep", sweepFile, "--queue", redis.url, "--timeout", "300"]);
    await until(() => sweep.stdout.includes("enqueued 4 jobs") || sweep.proc.exitCode !== null, 60_000, "the jobs to be enqueued", () => sweep.stdout + sweep.stderr);
    expect(sweep.stdout, sweep.stderr).toContain("enqueued 4 jobs");
    const workers = [0, 1].map(() => spawnIntel(["worker", "--queue", redis.url, "--lock-seconds", "3", "--idle-exit", "5"]));

    // Kill the first worker once its job has a checkpoint but no result.
    let killedDir = "";
    let killedKey = "";
    await until(() => {
      for (const m of workers[0]!.stderr.matchAll(/^(\S+): training in (\S+) /gm)) {
        const [, key, dir] = m;
        if (existsSync(join(dir!, "checkpoints", "last.ckpt")) && !existsSync(join(dir!, "result.json"))) {
          workers[0]!.proc.kill("SIGKILL");
          killedDir = dir!;
          killedKey = key!;
          return true;
        }
      }
      return false;
    }, 120_000, "a job of the first worker to reach its first checkpoint");
    // its training child quits with it (it would otherwise write the run the retry resumes)
    await until(() => processesWith("train", "--out", killedDir).length === 0, 5_000, "the killed worker's training child to quit");

    expect(await exited(sweep.proc), sweep.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")) as { results: { key: string; dir: string; resumes: number; metrics: Record<string, number> }[]; failed: unknown[] };
    expect(summary.failed).toEqual([]);
    const keys = summary.results.map((r) => r.key).sort();
    expect(keys).toEqual(["ring__objective.beta=1_latent.dim=2__s1", "ring__objective.beta=1_latent.dim=3__s1", "ring__objective.beta=2_latent.dim=2__s1", "ring__objective.beta=2_latent.dim=3__s1"]);
    const killed = summary.results.find((r) => r.key === killedKey)!;
    expect(killed.dir).toBe(killedDir);
    expect(killed.resumes).toBeGreaterThanOrEqual(1); // it was resumed, not started again
    expect(workers[1]!.stderr).toContain(`${killedKey}: resuming in ${killedDir}`);

    // the same arm, uninterrupted
    const ref = join(tmp, "reference");
    const cfg = JSON.parse(readFileSync(join(killedDir, "config.json"), "utf8")) as { overrides: Record<string, string> };
    const sets = Object.entries(cfg.overrides).flatMap(([p, v]) => ["--set", `${p}=${v}`]);
    const trained = run(["train", join(tmp, "ring.intel"), ...sets, "--seed", "1", "--epochs", "60", "--backend", "cpu", "--out", ref]);
    expect(trained.status, trained.stderr).toBe(0);
    expect(run(["eval", ref, "--k", "5", "--backend", "cpu"]).status).toBe(0);
    const evalOf = (d: string) => {
      const e = JSON.parse(readFileSync(join(d, "eval.json"), "utf8")) as { splits: unknown; metrics: unknown };
      return { splits: e.splits, metrics: e.metrics };
    };
    expect(evalOf(killedDir)).toEqual(evalOf(ref));
    expect(killed.metrics.iwae_nll).toBe((evalOf(ref).splits as { test: { iwae_nll: number } }).test.iwae_nll);

    // the surviving worker leaves once the queue is idle
    expect(await exited(workers[1]!.proc)).toBe(0);
    // and across both workers each job completed exactly once
    const completed = [...(workers[0]!.stderr + workers[1]!.stderr).matchAll(/^(\S+): done in /gm)].map((m) => m[1]).sort();
    expect(completed).toEqual(keys);
  }, 300_000);

  it("compares the sweep's runs on one page that renders in Chromium, with CSV and JSON summaries", async () => {
    const page = join(tmp, "compare.html");
    const r = run(["compare", out, "-o", page]);
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(page, "utf8");
    expect(html).toContain("<table");
    const csv = readFileSync(page.replace(/\.html$/, ".csv"), "utf8").trim().split("\n");
    expect(csv).toHaveLength(1 + 4); // a header and one row per arm
    expect(csv[0]).toContain("objective.beta");
    const json = JSON.parse(readFileSync(page.replace(/\.html$/, ".json"), "utf8")) as { arms: { id: string; metrics: Record<string, { mean: number; n: number }> }[] };
    expect(json.arms).toHaveLength(4);
    expect(json.arms.every((a) => a.metrics.iwae_nll!.n === 1 && Number.isFinite(a.metrics.iwae_nll!.mean))).toBe(true);
    if (!CHROMIUM) return void console.warn("compare page not rendered: chromium is not installed");
    const c = checkPage(page);
    expect(c.errors).toEqual([]);
    expect(c.tables).toBeGreaterThanOrEqual(1);
    expect(c.sections).toEqual(expect.arrayContaining(["table", "curves", "parameters", "samples"]));
    // curves overlaid, metric vs each of the two swept paths, one sample plot per arm: all with marks
    expect(c.charts.length).toBeGreaterThanOrEqual(1 + 2 + 4);
    for (const chart of c.charts) expect(chart.marks, JSON.stringify(chart)).toBeGreaterThan(0);
  }, 180_000);
});
