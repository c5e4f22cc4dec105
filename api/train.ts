// The API's training: a spec (or an IR) → a run directory, with callbacks and an AbortSignal.
// A thin layer over runtime/run/session.ts (the loop `intel train` runs): same numbers, same files.
import type { ModelIR } from "../compiler/ir/types";
import { selectBackend, type BackendInfo, type BackendName } from "../runtime/backend/select";
import { buildModel } from "../runtime/model/build";
import { resumeRun, startRun, type RunOutcome } from "../runtime/run/session";
import type { TrainState } from "../runtime/train/loop";
import type { EpochInfo, ProgressSink, StepInfo } from "../runtime/train/progress";
import { irOf, type CompileOptions, type SpecInput } from "./compile";

export type { EpochInfo, StepInfo };

export interface TrainCallbacks {
  /** after every optimizer step: epoch, batch, global step and that batch's loss terms */
  onProgress?(step: StepInfo): void;
  /** after every epoch: the epoch's mean training terms, the validation terms, whether it is the best yet */
  onEpochEnd?(epoch: EpochInfo): void;
  /** aborting saves a checkpoint after the current step; the promise resolves with status "interrupted" */
  signal?: AbortSignal;
  /** the CLI's text progress lines (e.g. `{ write: (s) => process.stderr.write(s), tty: false }`) */
  log?: ProgressSink;
}

export interface TrainOptions extends TrainCallbacks, CompileOptions {
  /** the run directory (default: runsRoot/NAME-TIMESTAMP) */
  out?: string;
  /** default "runs" (relative to the working directory) */
  runsRoot?: string;
  /** overrides the spec's `epochs` and `seed` */
  epochs?: number;
  seed?: number;
  /** default "auto": tensorflow-gpu, tensorflow, then the embedded wasm, then cpu */
  backend?: BackendName;
}

export interface TrainOutcome {
  /** the run directory: load it with loadRun(dir) */
  dir: string;
  status: "completed" | "early_stopped" | "interrupted";
  /** epochs and optimizer steps done in all; the best monitored loss */
  epochs: number;
  steps: number;
  best: TrainState["best"];
  backend: BackendInfo;
}

/** Trains a model from a spec (text or `{ file }`) or an IR; throws SpecError when the spec has errors. */
export async function train(spec: SpecInput | ModelIR, options: TrainOptions = {}): Promise<TrainOutcome> {
  const { ir, text, path } = irOf(spec, options);
  return run(options, (common) =>
    startRun({ ...common, ir, specText: text, specPath: path, outDir: options.out, runsRoot: options.runsRoot, epochs: options.epochs, seed: options.seed }),
  );
}

/** Continues a run from its last checkpoint (to `epochs` in all, default the run's setting). */
export async function resume(dir: string, options: TrainCallbacks & { epochs?: number; backend?: BackendName } = {}): Promise<TrainOutcome> {
  return run(options, (common) => resumeRun({ ...common, dir, epochs: options.epochs }));
}

type Common = Parameters<typeof startRun>[0] & Parameters<typeof resumeRun>[0];

async function run(o: TrainCallbacks & { backend?: BackendName }, go: (common: Pick<Common, "buildModel" | "backend" | "command" | "progress" | "stop" | "listener">) => Promise<RunOutcome>): Promise<TrainOutcome> {
  const backend = await selectBackend(o.backend ?? "auto");
  const stop = { requested: o.signal?.aborted ?? false };
  const onAbort = () => void (stop.requested = true);
  o.signal?.addEventListener("abort", onAbort);
  try {
    const { dir, result } = await go({
      buildModel,
      backend,
      command: ["(api) train"],
      progress: o.log ?? null,
      stop,
      listener: { step: (s) => o.onProgress?.(s), epoch: (e) => o.onEpochEnd?.(e) },
    });
    const s = result.state;
    return { dir, status: result.status, epochs: s.epoch, steps: s.step, best: s.best, backend };
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
  }
}
