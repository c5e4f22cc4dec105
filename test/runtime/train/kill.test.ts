// A run killed mid-epoch (SIGKILL: no chance to save) or stopped by SIGTERM (saves a checkpoint)
// resumes to exactly what an uninterrupted run computes. The child trains the fake model slowly.
// It runs as `node --import tsx script.ts` (tsx, as `npx tsx` would, minus the wrappers): `npx tsx`
// is three processes (npm → tsx cli → node), so a SIGKILL to the one we spawned would orphan the
// trainer, and a SIGTERM would reach it relayed, or twice.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvalCommand } from "../../../cli/inference-commands";
import { makeTrainCommand } from "../../../cli/train-command";
import { bufferIo } from "../../../cli/io";
import { selectBackend } from "../../../runtime/backend/select";
import { readCheckpoint } from "../../../runtime/run/checkpoint";
import { RunLockedError } from "../../../runtime/run/lock";
import { hostname } from "node:os";
import { fakeDeps } from "../../cli/fake-deps";
import { fakeIR } from "./fake-model";
import { cleanupTmp, metricsOf, resumeFake, startFake, tmp, weightsOf } from "./helpers";
import { SETTINGS } from "../fixtures/train-ir";

afterAll(cleanupTmp);

const CHILD = "test/runtime/train/child-train.ts";
// a step line every step: the parent watches for epoch 2's
const train = { epochs: 4, settings: { ...SETTINGS, log_every: 1 } };

let straight = "";
beforeAll(async () => {
  await selectBackend("cpu");
  straight = tmp();
  await startFake(straight, { train }); // the uninterrupted reference, in this process
});

/** Lines of metrics.jsonl so far (a torn last line is ignored). */
function records(dir: string): { type: string; epoch: number }[] {
  const path = join(dir, "metrics.jsonl");
  if (!existsSync(path)) return [];
  const out = [];
  for (const l of readFileSync(path, "utf8").split("\n")) {
    try {
      if (l) out.push(JSON.parse(l));
    } catch {
      break;
    }
  }
  return out;
}

const stepsOf = (dir: string, epoch: number) => records(dir).filter((r) => r.type === "step" && r.epoch === epoch).length;

/** Starts the child; `midEpoch2` resolves once `ready` holds (default: 2 steps into epoch 2, after epoch 1's checkpoint). */
function startChild(args: string[], dir: string, ready = () => stepsOf(dir, 2) >= 2) {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on("exit", (code, signal) => r({ code, signal })));
  const midEpoch2 = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (ready()) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`child exited before it was ready:\n${output}`));
    });
  });
  return { child, exited, midEpoch2, output: () => output };
}

describe("interrupted runs resume bit for bit", () => {
  it("SIGKILL mid-epoch: resume from the last epoch's checkpoint, dropping the later metrics lines", async () => {
    const dir = tmp();
    const c = startChild(["kill", dir], dir);
    await c.midEpoch2;
    c.child.kill("SIGKILL");
    expect((await c.exited).signal).toBe("SIGKILL");
    const ckpt = readCheckpoint(join(dir, "checkpoints", "last.ckpt"));
    expect(ckpt.state).toMatchObject({ epoch: 1, batch: 0 });
    expect(records(dir).length).toBeGreaterThan(ckpt.metricsLines); // steps that will be redone
    const r = await resumeFake(dir);
    expect(r.result.status).toBe("completed");
    expect(metricsOf(dir)).toEqual(metricsOf(straight));
    expect(weightsOf(dir)).toEqual(weightsOf(straight));
  });

  it("SIGTERM to `intel train`: saves a mid-epoch checkpoint, says how to resume, exits 143; --resume finishes identically", async () => {
    const dir = join(tmp(), "run");
    const spec = join(tmp(), "fake.intel");
    writeFileSync(spec, "model fake {}\n");
    const c = startChild(["cli", dir, spec], dir);
    await c.midEpoch2;
    c.child.kill("SIGTERM");
    const { code } = await c.exited;
    expect(code).toBe(143);
    expect(c.output()).toContain(`resume with: intel train --resume ${dir}`);
    const ckpt = readCheckpoint(join(dir, "checkpoints", "last.ckpt"));
    expect(ckpt.state.epoch).toBe(1);
    expect(ckpt.state.batch).toBeGreaterThanOrEqual(2);
    const io = bufferIo();
    const resumed = makeTrainCommand(fakeDeps(fakeIR({ train })));
    expect(await resumed(["--resume", dir, "--backend", "cpu"], io)).toBe(0);
    expect(io.stdout()).toContain("4 epochs done");
    expect(metricsOf(dir)).toEqual(metricsOf(straight));
    expect(weightsOf(dir)).toEqual(weightsOf(straight));
  });

  it("a second writer is refused while the first trains; after kill -9 its stale lock is taken over", async () => {
    const dir = tmp();
    const c = startChild(["kill", dir], dir);
    await c.midEpoch2;
    // this process is the second writer: the CLI says who holds the run and exits 1
    const io = bufferIo();
    const second = makeTrainCommand(fakeDeps(fakeIR({ train })));
    expect(await second(["--resume", dir, "--backend", "cpu"], io)).toBe(1);
    expect(io.stderr()).toMatch(new RegExp(`is being written by process ${c.child.pid} since .* wait for it to finish or stop it\\. If it is gone, delete .*train\\.lock`));
    await expect(resumeFake(dir)).rejects.toThrow(RunLockedError);
    c.child.kill("SIGKILL");
    await c.exited;
    const warnings: string[] = [];
    expect((await resumeFake(dir, { warn: (w) => warnings.push(w) })).result.status).toBe("completed");
    expect(warnings).toEqual([`warning: took over the lock of process ${c.child.pid} on ${hostname()}, which no longer runs`]);
    expect(existsSync(join(dir, "train.lock"))).toBe(false);
    expect(metricsOf(dir)).toEqual(metricsOf(straight));
    expect(weightsOf(dir)).toEqual(weightsOf(straight));
  });

  it("a reader (eval) of a run still training names the trainer's pid and uses the newest intact checkpoint; after kill -9, no warning", async () => {
    const dir = tmp();
    const c = startChild(["kill", dir], dir);
    await c.midEpoch2;
    const evalRun = async () => {
      const io = bufferIo();
      const code = await makeEvalCommand(fakeDeps(fakeIR({ train })))([dir, "--backend", "cpu", "--k", "2", "--limit", "4"], io);
      return { code, err: io.stderr(), out: io.stdout() };
    };
    const during = await evalRun();
    expect(during.code, during.err).toBe(0);
    expect(during.err).toMatch(new RegExp(`intel eval: warning: ${dir} is still being trained by process ${c.child.pid} \\(.*\\): using .*checkpoints/(best|last)\\.ckpt \\(epoch 1, step \\d+\\), the newest intact checkpoint so far; results will change as training goes on`));
    expect(JSON.parse(during.out).checkpoint.epoch).toBe(1);
    c.child.kill("SIGKILL");
    await c.exited;
    const after = await evalRun(); // the lock is stale now: nobody trains the run
    expect(after.code, after.err).toBe(0);
    expect(after.err).not.toContain("still being trained");
  });

  it("SIGKILL in epoch 1 with checkpoint_steps: 2 resumes from the mid-epoch checkpoint, bit for bit", async () => {
    const dir = tmp();
    const c = startChild(["kill-steps", dir], dir, () => stepsOf(dir, 1) >= 3);
    await c.midEpoch2;
    c.child.kill("SIGKILL");
    await c.exited;
    const ckpt = readCheckpoint(join(dir, "checkpoints", "last.ckpt"));
    expect(ckpt.state.epoch).toBe(0);
    expect(ckpt.state.batch).toBeGreaterThanOrEqual(2);
    expect(ckpt.state.batch % 2).toBe(0);
    expect((await resumeFake(dir)).result.status).toBe("completed");
    expect(metricsOf(dir)).toEqual(metricsOf(straight));
    expect(weightsOf(dir)).toEqual(weightsOf(straight));
  });

  it("SIGKILL before the first checkpoint: --resume trains the run again from the start, bit for bit", async () => {
    const dir = tmp();
    const c = startChild(["kill", dir], dir, () => stepsOf(dir, 1) >= 1);
    await c.midEpoch2;
    c.child.kill("SIGKILL");
    await c.exited;
    expect(existsSync(join(dir, "checkpoints", "last.ckpt"))).toBe(false);
    const io = bufferIo();
    expect(await makeTrainCommand(fakeDeps(fakeIR({ train })))(["--resume", dir, "--backend", "cpu"], io)).toBe(0);
    expect(io.stderr()).toContain("has no checkpoint yet (stopped during its first epoch): training it again from the start");
    expect(metricsOf(dir)).toEqual(metricsOf(straight));
    expect(weightsOf(dir)).toEqual(weightsOf(straight));
  });
});
