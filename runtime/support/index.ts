// The support module of programs emitted by `intel compile` (compiler/emit/). An emitted program
// writes the model's math out as plain tfjs code; it imports from here only what would be pointless
// duplication of the runtime:
//   - seed derivation (deriveSeed, STREAM): the same seeds as the interpreter, so the same numbers;
//   - the fast dense / conv / batch-norm ops with hand-written gradients (runtime/ops);
//   - `runProgram`: flags, backend selection, data loading, the training loop, checkpoints and the
//     run directory, exactly as `intel train` does them (runtime/run/session.ts).
// Nothing here interprets an IR.
import type * as tf from "@tensorflow/tfjs";
import type { ModelIR, PenaltyIR } from "../../compiler/ir/types";
import { BackendUnavailableError, selectBackend, type BackendName } from "../backend/select";
import { DataError } from "../data/dataset";
import { CheckpointError } from "../run/checkpoint";
import { RunDirError } from "../run/run-dir";
import { TrainingDivergedError } from "../train/divergence";
import { TrainSettingsError } from "../train/optimizer";
import type { CompiledModel, LossOptions, LossTerms } from "../model/compiled";
import "../model/gradients"; // zero gradients for comparisons (where(y > 0, …))
import { startRun } from "../run/session";

export { conv2d, conv2dTranspose } from "../ops/conv";
export { dense } from "../ops/dense";
export { batchNormTrain } from "../ops/norm";
export { deriveSeed, STREAM } from "../model/random";
export type { LossOptions, LossTerms } from "../model/compiled";

/**
 * What an emitted program says about its model besides the math: the IR's small, non-network parts
 * (name, source, data, latent, likelihood, objective, training settings, penalties). Written to the
 * run directory's ir.json in place of the full IR.
 */
export type ModelInfo = Pick<ModelIR, "irVersion" | "name" | "source" | "kind" | "data" | "latent" | "likelihood" | "objective" | "train" | "evaluate"> & {
  penalties: PenaltyIR[];
};

/** The model an emitted program builds: its variables and its objective on a batch. */
export interface ProgramModel {
  readonly variables: Map<string, tf.Variable>;
  readonly state: Map<string, tf.Variable>;
  readonly latentDim: number;
  loss(x: tf.Tensor, seed: number, training: boolean, opts?: LossOptions): LossTerms;
  encode(x: tf.Tensor, training: boolean, seed: number): { mean: tf.Tensor2D; logvar: tf.Tensor2D };
  map(y: tf.Tensor2D, training: boolean, seed: number): { z: tf.Tensor; penalties: Record<string, tf.Scalar> };
  decode(z: tf.Tensor, training: boolean, seed: number): tf.Tensor;
  logLikelihood(x: tf.Tensor, out: tf.Tensor): tf.Tensor1D;
  dispose(): void;
}

/** The IR-shaped record of a program's model (networks and parameters left out). */
export function infoIR(info: ModelInfo): ModelIR {
  const stub = (name: string) => ({ name, input: [], output: [], layers: [] });
  return {
    sparse: false,
    ...info,
    encoder: stub("encoder"),
    decoder: stub("decoder"),
    mapping: { input: { name: info.latent.name, shape: [info.latent.dim] }, nodes: [], output: 0, penalties: info.penalties },
    params: [],
    state: [],
  };
}

/** A program's model as the runtime's CompiledModel (what the training loop and checkpoints use). */
export function asCompiledModel(info: ModelInfo, m: ProgramModel): CompiledModel {
  const missing = (what: string) => (): never => {
    throw new Error(`${what} is not part of a compiled program; use \`intel eval\` / \`intel sample\` on a run of the spec`);
  };
  return {
    ir: infoIR(info),
    variables: m.variables,
    state: m.state,
    latentDim: m.latentDim,
    loss: (x, seed, training, opts) => m.loss(x, seed, training, opts),
    encode: (x, training, seed) => m.encode(x, training, seed ?? 1),
    map: (y, training = false, seed) => m.map(y, training, seed ?? 1),
    decode: (z, training, seed) => m.decode(z, training, seed ?? 1),
    logLikelihood: (x, out) => m.logLikelihood(x, out),
    iwae: missing("iwae"),
    sample: missing("sample"),
    dispose: () => m.dispose(),
  };
}

const BACKENDS: readonly BackendName[] = ["auto", "tensorflow-gpu", "tensorflow", "wasm", "cpu"];

/**
 * The `main` of an emitted program: `--epochs N --seed N --backend B --out DIR` as in `intel
 * train`; trains into runs/NAME-TIMESTAMP/ (or DIR) with the same layout. Returns the exit code.
 */
export async function runProgram(info: ModelInfo, createModel: (seed: number) => ProgramModel, argv: readonly string[]): Promise<number> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--(backend|epochs|out|seed)(?:=(.*))?$/.exec(a);
    const value = m ? (m[2] ?? argv[++i]) : undefined;
    if (!m || value === undefined) {
      process.stderr.write(`${info.name}: ${m ? `${a} needs a value` : `unknown argument ${a}`}\nflags: --epochs N --seed N --backend auto|tensorflow-gpu|tensorflow|wasm|cpu --out DIR\n`);
      return 2;
    }
    flags.set(m[1]!, value);
  }
  const int = (name: string): number | undefined => {
    const v = flags.get(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} needs a non-negative integer, got '${v}'`);
    return n;
  };
  const backendName = (flags.get("backend") ?? "auto") as BackendName;
  if (!BACKENDS.includes(backendName)) {
    process.stderr.write(`${info.name}: --backend must be one of ${BACKENDS.join(", ")}\n`);
    return 2;
  }
  try {
    return await train(info, createModel, argv, flags.get("out"), backendName, int("epochs"), int("seed"));
  } catch (e) {
    // the input's or the environment's problems, as `intel train` reports them: a message and exit 1
    const known = [DataError, RunDirError, CheckpointError, TrainSettingsError, TrainingDivergedError, BackendUnavailableError];
    if (!known.some((k) => e instanceof k)) throw e;
    process.stderr.write(`${info.name}: ${(e as Error).message}\n`);
    return 1;
  }
}

async function train(
  info: ModelInfo,
  createModel: (seed: number) => ProgramModel,
  argv: readonly string[],
  out: string | undefined,
  backendName: BackendName,
  epochs: number | undefined,
  seed: number | undefined,
): Promise<number> {
  const backend = await selectBackend(backendName);
  process.stdout.write(`backend: ${backend.name} (${backend.detail}) · tfjs ${backend.tfjsVersion} · node ${process.version}\n`);
  const outcome = await startRun({
    ir: infoIR(info),
    specText: null,
    specPath: info.source.file,
    buildModel: (_ir, seed) => asCompiledModel(info, createModel(seed)),
    backend,
    command: [process.argv[1] ?? info.name, ...argv],
    progress: { write: (s) => void process.stdout.write(s), tty: Boolean(process.stdout.isTTY), columns: process.stdout.columns },
    outDir: out,
    epochs,
    seed,
  });
  const st = outcome.result.state;
  process.stdout.write(`${st.epoch} epochs done${st.best ? `; best loss ${st.best.value.toFixed(4)} at epoch ${st.best.epoch}` : ""}\nrun: ${outcome.dir}\n`);
  return 0;
}
