// intel train / eval / sample / encode, with the fake model (test/runtime/train/fake-model.ts).
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEncodeCommand, makeEvalCommand, makeSampleCommand } from "../../cli/inference-commands";
import type { RunDeps } from "../../cli/run-support";
import { makeTrainCommand } from "../../cli/train-command";
import type { ModelIR } from "../../compiler/ir/types";
import { selectBackend } from "../../runtime/backend/select";
import { fakeControls, fakeIR } from "../runtime/train/fake-model";
import { cleanupTmp, tmp } from "../runtime/train/helpers";
import { call, fakeDeps, viaMain } from "./fake-deps";

afterAll(cleanupTmp);

function spec(): string {
  const f = join(tmp(), "fake.intel");
  writeFileSync(f, "model fake {}\n");
  return f;
}
const train = (ir?: ModelIR, deps: Partial<RunDeps> = {}) => makeTrainCommand(fakeDeps(ir, deps));

/** A trained fake run (ring data unless `ir` says otherwise). */
async function trainedRun(ir: ModelIR = fakeIR()): Promise<string> {
  const dir = join(tmp(), "run");
  const r = await call(train(ir), spec(), "--out", dir, "--backend", "cpu");
  expect(r.code, r.err).toBe(0);
  return dir;
}

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("run commands: usage errors exit 2", () => {
  it.each([
    [["train"]],
    [["train", "a.intel", "b.intel"]],
    [["train", "a.intel", "--epochs", "0"]],
    [["train", "a.intel", "--epochs", "two"]],
    [["train", "a.intel", "--backend", "gpu"]],
    [["train", "a.intel", "--frobnicate"]],
    [["train", "--resume", "runs/x", "--seed", "3"]],
    [["train", "--resume", "runs/x", "--out", "y"]],
    [["eval"]],
    [["eval", "a", "b"]],
    [["eval", "a", "--k", "0"]],
    [["sample", "a", "-n", "0"]],
    [["encode", "a", "--data", "everything"]],
  ])("intel %j", async (argv) => {
    const r = await viaMain(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain("(run 'intel help' for usage)");
  });

  it("help lists the run commands", async () => {
    const r = await viaMain("help");
    for (const c of ["train SPEC", "eval RUN", "sample RUN", "encode RUN"]) expect(r.out).toContain(c);
  });
});

describe("intel train", () => {
  it("trains into runs/NAME-TIMESTAMP, printing the backend and versions", async () => {
    const root = tmp();
    const r = await call(train(undefined, { runsRoot: root }), spec(), "--backend", "cpu", "--epochs", "3");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^backend: cpu \(.*\) · tfjs \d+\.\d+\.\d+ · node v\d+/m);
    expect(r.out).toMatch(/epoch 3\/3 · train loss/);
    expect(r.out).toContain("3 epochs done; best validation loss");
    const [run] = readdirSync(root);
    expect(run).toMatch(/^fake-\d{8}-\d{6}$/);
    const config = JSON.parse(readFileSync(join(root, run!, "config.json"), "utf8"));
    expect(config).toMatchObject({ seed: 7, backend: { name: "cpu" }, train: { epochs: 3 } });
    expect(config.command).toEqual(["intel", "train", expect.stringMatching(/fake\.intel$/), "--backend", "cpu", "--epochs", "3"]);
  });

  it("prints the compiler's diagnostics and exits 1 for a spec that does not check", async () => {
    const r = await viaMain("train", "does/not/exist.intel");
    expect(r.code).toBe(1);
    expect(r.err).toContain("IV9002");
  });

  it("reports a lowering that yields neither IR nor diagnostic as an internal error", async () => {
    const cmd = makeTrainCommand({ ...fakeDeps(), compile: () => ({ check: { diagnostics: [], sources: new Map() } as never }) });
    const r = await call(cmd, spec());
    expect(r.code).toBe(1);
    expect(r.err).toContain("lowering produced no IR and no diagnostic");
  });

  it("reports a data mismatch before creating the run directory", async () => {
    const dir = join(tmp(), "run");
    const r = await call(train(fakeIR({ data: { shape: [3] } })), spec(), "--out", dir, "--backend", "cpu");
    expect(r.code).toBe(1);
    expect(r.err).toContain("yields points of shape [2] but the spec declares Real[3]");
    expect(existsSync(dir)).toBe(false);
  });

  it("stops on NaN with the term, the spec line and the last checkpoint; exit 1", async () => {
    fakeControls.nanFromCall = 12;
    try {
      const dir = join(tmp(), "run");
      const r = await call(train(fakeIR({ gamma: 1 })), spec(), "--out", dir, "--backend", "cpu", "--epochs", "3");
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/loss term 'penalty spread' became NaN at step 12 \(epoch 3\) \(defined at fake\.intel:9:3\)/);
      expect(r.err).toContain(join(dir, "checkpoints", "last.ckpt"));
    } finally {
      fakeControls.nanFromCall = Infinity;
    }
  });

  it("refuses to start a second run in an existing run directory, and to resume a non-run", async () => {
    const dir = await trainedRun();
    const again = await call(train(), spec(), "--out", dir, "--backend", "cpu");
    expect(again.code).toBe(1);
    expect(again.err).toContain("already holds a run");
    const bad = await call(train(), "--resume", tmp(), "--backend", "cpu");
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("is this a run directory?");
  });

  it("--resume of a finished run does nothing; with more --epochs it continues", async () => {
    const dir = await trainedRun();
    const same = await call(train(), "--resume", dir, "--backend", "cpu");
    expect(same.code).toBe(0);
    expect(same.out).toContain("already finished");
    const more = await call(train(), "--resume", dir, "--backend", "cpu", "--epochs", "3");
    expect(more.code).toBe(0);
    expect(more.out).toContain("3 epochs done");
  });
});

describe("intel eval / sample / encode", () => {
  let ring = "";
  beforeAll(async () => {
    ring = await trainedRun(fakeIR({ data: { source: "two_gaussians", args: { n: 96 } } }));
  });

  it("eval: ELBO terms, IWAE NLL and reconstruction error as JSON, also in RUN/eval.json", async () => {
    const r = await call(makeEvalCommand(fakeDeps()), ring, "--k", "20", "--backend", "cpu");
    expect(r.code, r.err).toBe(0);
    const json = JSON.parse(r.out);
    expect(JSON.parse(readFileSync(join(ring, "eval.json"), "utf8"))).toEqual(json);
    expect(json.k).toBe(20);
    expect(json.checkpoint.path).toBe(join(ring, "checkpoints", "best.ckpt"));
    for (const split of ["validation", "test"]) {
      const s = json.splits[split];
      expect(s.n).toBe(split === "validation" ? 16 : 96);
      for (const k of ["loss", "recon", "kl", "elbo", "iwae_nll", "recon_mse"]) expect(Number.isFinite(s[k]), k).toBe(true);
      expect(s.elbo).toBeCloseTo(-(s.recon + s.kl), 10);
      expect(s.iwae_nll).toBeLessThan(-s.elbo + 0.5); // IWAE(20) is the tighter bound (up to noise)
    }
  });

  it("a run still training (a live process holds its lock) with no checkpoint yet: sample and encode say so, naming the pid, exit 1", async () => {
    const dir = await trainedRun();
    rmSync(join(dir, "checkpoints"), { recursive: true });
    // this test's own process is alive: the lock is held, as by a trainer still in its first epoch
    writeFileSync(join(dir, "train.lock"), JSON.stringify({ pid: process.pid, host: hostname(), command: ["intel", "train", "s.intel"], since: "2026-01-01T00:00:00.000Z" }) + "\n");
    for (const cmd of [makeSampleCommand(fakeDeps()), makeEncodeCommand(fakeDeps())]) {
      const r = await call(cmd, dir, "--backend", "cpu");
      expect(r.code).toBe(1);
      expect(r.err).toContain(`${dir} is still being trained by process ${process.pid} (intel train s.intel, since 2026-01-01T00:00:00.000Z) and has saved no checkpoint yet: wait for its first one`);
    }
    // a lock whose process is gone says nothing of training
    writeFileSync(join(dir, "train.lock"), JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), command: ["intel"], since: "x" }) + "\n");
    const r = await call(makeSampleCommand(fakeDeps()), dir, "--backend", "cpu");
    expect(r.err).toContain("has no checkpoint yet (did training save one?)");
  });

  it("sample: 2-D data becomes CSV even when asked for a PNG", async () => {
    const out = join(tmp(), "s.png");
    const r = await call(makeSampleCommand(fakeDeps()), ring, "-n", "10", "-o", out, "--backend", "cpu");
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain("writing the samples as CSV instead");
    const lines = readFileSync(out.replace(/\.png$/, ".csv"), "utf8").trim().split("\n");
    expect(lines[0]).toBe("x0,x1");
    expect(lines).toHaveLength(11);
  });

  it("encode: g(μ(x)) with labels for each data role", async () => {
    const out = join(tmp(), "z.csv");
    const r = await call(makeEncodeCommand(fakeDeps()), ring, "--data", "validation", "-o", out, "--backend", "cpu");
    expect(r.code, r.err).toBe(0);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines[0]).toBe("z0,z1,label");
    expect(lines).toHaveLength(17);
    expect(new Set(lines.slice(1).map((l) => l.split(",")[2]))).toEqual(new Set(["0", "1"]));
    const train = await call(makeEncodeCommand(fakeDeps()), ring, "--backend", "cpu");
    expect(train.out).toContain(join(ring, "z-train.csv"));
    expect(readFileSync(join(ring, "z-train.csv"), "utf8").trim().split("\n")).toHaveLength(81);
  });

  it("sample: image data becomes a PNG grid", async () => {
    const ir = fakeIR({
      data: { source: "mnist", args: { split: "train", limit: 48, classes: [0, 1] }, shape: [28, 28, 1], range: [0, 1] },
      likelihood: "bernoulli",
      train: { epochs: 1 },
    });
    const dir = await trainedRun(ir);
    const out = join(tmp(), "grid.png");
    const r = await call(makeSampleCommand(fakeDeps(ir)), dir, "-n", "10", "-o", out, "--backend", "cpu");
    expect(r.code, r.err).toBe(0);
    const png = PNG.sync.read(readFileSync(out));
    expect([png.width, png.height]).toEqual([4 * 28 + 5 * 2, 3 * 28 + 4 * 2]);
  });

  it("a missing run is an error, not a crash", async () => {
    const r = await call(makeEvalCommand(fakeDeps()), join(tmp(), "nope"), "--backend", "cpu");
    expect(r.code).toBe(1);
    expect(r.err).toContain("no run directory");
  });
});
