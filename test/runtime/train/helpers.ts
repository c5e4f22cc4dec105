// Shared by the training tests: fake runs in temp folders, and metrics without wall-clock fields.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkpointPath } from "../../../runtime/run/run-dir";
import { readCheckpoint } from "../../../runtime/run/checkpoint";
import { startRun, resumeRun, type StartRunOptions, type ResumeRunOptions } from "../../../runtime/run/session";
import { buildFakeModel, fakeIR, type FakeOptions } from "./fake-model";

const made: string[] = [];

/** Removes the temp folders made so far (call it from afterAll). */
export function cleanupTmp(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A fresh temp folder (see cleanupTmp). */
export function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "intel-train-"));
  made.push(d);
  return d;
}

export const CPU = { name: "cpu", detail: "test", tfjsVersion: "test" };

export function startFake(dir: string, fake: FakeOptions = {}, extra: Partial<StartRunOptions> = {}) {
  return startRun({
    ir: fakeIR(fake),
    specText: "model fake {}\n",
    specPath: "fake.intel",
    outDir: dir,
    buildModel: buildFakeModel,
    backend: CPU,
    command: ["train", "fake.intel"],
    progress: null,
    ...extra,
  });
}

export function resumeFake(dir: string, extra: Partial<ResumeRunOptions> = {}) {
  return resumeRun({ dir, buildModel: buildFakeModel, backend: CPU, command: ["train", "--resume", dir], progress: null, ...extra });
}

/** metrics.jsonl with the wall-clock fields (which legitimately differ) removed. */
export function metricsOf(dir: string): string[] {
  return readFileSync(join(dir, "metrics.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const r = JSON.parse(l) as Record<string, unknown>;
      delete r.wall_s;
      delete r.samples_per_s;
      return JSON.stringify(r);
    });
}

/** The final weights and optimizer slots, as plain arrays keyed by name. */
export function weightsOf(dir: string, slot: "last" | "best" = "last"): Record<string, number[]> {
  const c = readCheckpoint(checkpointPath(dir, slot));
  const out: Record<string, number[]> = {};
  for (const t of c.params) out[t.name] = Array.from(t.data);
  // Optimizer slots are named after tf.Variable names, which differ between processes: key by position.
  c.optimizer.forEach((t, i) => (out[`optimizer/${i}`] = Array.from(t.data)));
  return out;
}
