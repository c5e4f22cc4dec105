// Runs written by an emitted program are first-class runs: the same layout as `intel train`'s (with
// the full IR as ir.json), so `intel eval|sample|encode|report|train --resume` work on them; the
// program itself resumes any run of its spec and has `sample` / `encode` entry points that give
// what `intel sample` / `intel encode` give. Tiny scale: the circle spec, cpu, 1 epoch at a time.
import * as tf from "@tensorflow/tfjs";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bufferIo } from "../../cli/io";
import { main } from "../../cli/main";
import { compileFile } from "../../compiler/compile";
import type { ModelIR } from "../../compiler/ir/types";
import { importEmitted, removeTmp, tmpDir, writeEmitted, type EmittedModule } from "./helpers";

const SPEC = "specs/examples/circle.intel";
let dir = "";
let ir: ModelIR;
let program: EmittedModule;

beforeAll(async () => {
  dir = tmpDir("runs");
  ir = compileFile(SPEC).ir!;
  program = await importEmitted(writeEmitted(dir, "circle.ts", ir, readFileSync(SPEC, "utf8")));
});
afterAll(() => removeTmp(dir));

const epochLosses = (run: string): number[] =>
  readFileSync(join(run, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { type: string; train?: { loss: number } })
    .filter((m) => m.type === "epoch")
    .map((m) => m.train!.loss);

async function intel(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe("a run written by an emitted program", () => {
  it("has intel train's layout, the full IR and the spec", async () => {
    const run = join(dir, "run");
    expect(await program.main(["--epochs", "1", "--backend", "cpu", "--out", run])).toBe(0);
    for (const f of ["spec.intel", "ir.json", "config.json", "metrics.jsonl", "checkpoints/last.ckpt", "checkpoints/best.ckpt"]) expect(existsSync(join(run, f)), f).toBe(true);
    expect(JSON.parse(readFileSync(join(run, "ir.json"), "utf8"))).toEqual(JSON.parse(JSON.stringify(ir)));
    expect(readFileSync(join(run, "spec.intel"), "utf8")).toBe(readFileSync(SPEC, "utf8"));
    expect(epochLosses(run).length).toBe(1);
  }, 120_000);

  it("works with intel eval, sample, encode and report", async () => {
    const run = join(dir, "run");
    const ev = await intel("eval", run, "--backend", "cpu", "--k", "2", "--limit", "20");
    expect(ev.code, ev.err).toBe(0);
    expect(JSON.parse(readFileSync(join(run, "eval.json"), "utf8")).splits.validation.n).toBe(20);
    const s = await intel("sample", run, "--backend", "cpu", "-n", "4", "-o", join(dir, "intel-samples.csv"));
    expect(s.code, s.err).toBe(0);
    const e = await intel("encode", run, "--backend", "cpu", "-o", join(dir, "intel-z.csv"));
    expect(e.code, e.err).toBe(0);
    const r = await intel("report", run);
    expect(r.code, r.err).toBe(0);
    expect(existsSync(join(run, "report.html"))).toBe(true);
  }, 120_000);

  it("has sample and encode entry points that agree with intel sample and intel encode", async () => {
    const run = join(dir, "run");
    await tf.setBackend("cpu"); // the exported functions run on the current backend (intel report leaves wasm)
    const s = await program.sample(run, { n: 4, out: join(dir, "program-samples.csv") });
    expect(s.values.length).toBe(4 * 2);
    expect(readFileSync(s.path, "utf8")).toBe(readFileSync(join(dir, "intel-samples.csv"), "utf8"));
    const z = await program.encode(run, { out: join(dir, "program-z.csv") });
    expect(readFileSync(z.path, "utf8")).toBe(readFileSync(join(dir, "intel-z.csv"), "utf8"));
    // the same through the program's command line
    expect(await program.main(["sample", run, "-n", "4", "-o", join(dir, "cli-samples.csv"), "--backend", "cpu"])).toBe(0);
    expect(readFileSync(join(dir, "cli-samples.csv"), "utf8")).toBe(readFileSync(s.path, "utf8"));
    expect(await program.main(["encode", run, "--data", "validation", "-o", join(dir, "cli-z.csv"), "--backend", "cpu"])).toBe(0);
    expect(readFileSync(join(dir, "cli-z.csv"), "utf8").split("\n").length).toBeGreaterThan(2);
  }, 120_000);

  it("resumes with intel train --resume and with the program's --resume, bit for bit as one straight run", async () => {
    const run = join(dir, "run");
    const t = await intel("train", "--resume", run, "--epochs", "2", "--backend", "cpu");
    expect(t.code, t.err).toBe(0);
    expect(await program.main(["--resume", run, "--epochs", "3", "--backend", "cpu"])).toBe(0);
    const straight = join(dir, "straight");
    const st = await intel("train", SPEC, "--epochs", "3", "--backend", "cpu", "--out", straight);
    expect(st.code, st.err).toBe(0);
    expect(epochLosses(run)).toEqual(epochLosses(straight));
    expect(epochLosses(run).length).toBe(3);
  }, 300_000);

  it("is refused by a program of another spec (exit 1), and bad flags are usage errors (exit 2)", async () => {
    const other = compileFile("specs/paper/square-intel.intel").ir!;
    const otherProgram = await importEmitted(writeEmitted(dir, "square.ts", other));
    expect(await otherProgram.main(["--resume", join(dir, "run"), "--backend", "cpu"])).toBe(1);
    expect(await program.main(["--no-such-flag"])).toBe(2);
    expect(await program.main(["sample"])).toBe(2);
  }, 120_000);
});
