// The support module of programs emitted by `intel compile` (compiler/emit/). An emitted program
// writes the model's own structure out (its networks layer by layer, its mapping op by op, its
// parameters) and imports every piece of math from here, the same implementations the IR
// interpreter runs, so nothing is written twice:
//   - seeds (deriveSeed, STREAM) and initialisers, so the same seed gives the same numbers;
//   - the layers (dense, conv, pooling, upsampling, batch and layer norm, softmax, activations) and the mapping's built-ins;
//   - assembleModel: prior, encoder flow, likelihood and objectives around the program's stages;
//   - runProgram: training, --resume, `sample` and `encode`, with `intel train`'s run directory.
import type { ModelIR } from "../../compiler/ir/types";
import { BACKEND_NAMES, selectBackend, type BackendName } from "../backend/select";
import type { CompiledModel } from "../model/compiled";
import "../model/gradients"; // zero gradients for comparisons (where(y > 0, …))
import { drawSamples, encodeData, loadTrainedRun, runData, type DataRole } from "../run/inference";
import { imageGridPng, imageLayout, toCsv } from "../run/outputs";
import { openRunDir, RunDirError } from "../run/run-dir";
import { isUserError } from "../run/user-errors";
import { resumeRun, startRun, type RunOutcome } from "../run/session";
import { writeFileAtomic } from "../run/atomic";
import { deriveSeed as runSeed } from "../random/seeds";

export { assembleModel } from "../model/build";
// every layer and activation function, so that a new one is importable with no line here
export * from "../model/layers";
export * from "../model/activations";
export { initialValue, modelTag, newVariable } from "../model/params";
export { deriveSeed, STREAM } from "../model/random";
export { entropySpreadOf as entropySpread, matmulTensors as matmul, safeRoot } from "../mapping/ops";
export { normalLogCdf, stopGradient } from "../mapping/builtins";
export { hierarchy, radialFlow } from "../mapping/library";
export { planarFlow } from "../mapping/planar";
export { sylvesterFlow } from "../mapping/sylvester";
export { clustersProduct } from "../mapping/clusters";
export { mappingData, MappingNeedsDataError } from "../mapping/graph";
export type { CompiledModel } from "../model/compiled";
export type { MapResult } from "../mapping/graph";
export type { NetContext } from "../model/network";
export type { ModelStages } from "../model/stages";
export type { ModelIR } from "../../compiler/ir/types";

/** What an emitted program hands runProgram: its IR (the run's ir.json), spec text, and model. */
export interface Program {
  ir: ModelIR;
  /** the spec as compiled (the run's spec.intel); null: none */
  specText: string | null;
  createModel(seed: number): CompiledModel;
}

const BACKENDS: readonly BackendName[] = BACKEND_NAMES;
const USAGE = (name: string) =>
  `usage: ${name} [--epochs N] [--seed N] [--backend B] [--out DIR]   train into a new run\n` +
  `       ${name} --resume DIR [--epochs N] [--backend B]            continue a run\n` +
  `       ${name} sample DIR [-n N] [-o FILE] [--seed N] [--backend B]\n` +
  `       ${name} encode DIR [--data train|validation|test] [-o FILE] [--backend B]\n` +
  `backends: ${BACKENDS.join(", ")}\n`;

class ProgramUsageError extends Error {}

/** `--name value` / `--name=value` / `-n value` flags and positionals; `allowed` names the flags. */
function parseFlags(argv: readonly string[], allowed: readonly string[]): { flags: Map<string, string>; positionals: string[] } {
  const flags = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--?([a-z]+)(?:=(.*))?$/.exec(a);
    if (!m) {
      positionals.push(a);
      continue;
    }
    if (!allowed.includes(m[1]!)) throw new ProgramUsageError(`unknown flag ${a}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new ProgramUsageError(`${a} needs a value`);
    flags.set(m[1]!, value);
  }
  return { flags, positionals };
}

function intFlag(flags: Map<string, string>, name: string, min: number): number | undefined {
  const v = flags.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new ProgramUsageError(`${name.length === 1 ? "-" : "--"}${name} needs an integer ≥ ${min}, got '${v}'`);
  return n;
}

function backendFlag(flags: Map<string, string>): BackendName {
  const b = (flags.get("backend") ?? "auto") as BackendName;
  if (!BACKENDS.includes(b)) throw new ProgramUsageError(`--backend must be one of ${BACKENDS.join(", ")}`);
  return b;
}

/** The program's model for a run it did not start: refused unless the run is of this program's spec. */
function factoryFor(p: Program, dir: string): (ir: ModelIR, seed: number) => CompiledModel {
  const run = openRunDir(dir);
  if (run.ir.name !== p.ir.name || run.ir.source.sha256 !== p.ir.source.sha256) {
    throw new RunDirError(`${dir} is a run of model '${run.ir.name}' (spec sha256 ${run.ir.source.sha256.slice(0, 12)}), not of this program's '${p.ir.name}' (${p.ir.source.sha256.slice(0, 12)})`);
  }
  return (_ir, seed) => p.createModel(seed);
}

/**
 * The `main` of an emitted program (flags as `intel train`, `intel sample`, `intel encode`). Returns
 * the exit code: 0 done, 1 a problem with the input or the environment, 2 usage.
 */
export async function runProgram(p: Program, argv: readonly string[]): Promise<number> {
  const name = process.argv[1] ?? p.ir.name;
  const say = (s: string) => void process.stdout.write(s);
  try {
    const sub = argv[0] === "sample" || argv[0] === "encode" ? argv[0] : "train";
    const rest = sub === "train" ? argv : argv.slice(1);
    const allowed = sub === "train" ? ["backend", "epochs", "out", "seed", "resume"] : sub === "sample" ? ["backend", "n", "o", "seed"] : ["backend", "data", "o"];
    const { flags, positionals } = parseFlags(rest, allowed);
    if (sub === "train" ? positionals.length !== 0 : positionals.length !== 1) throw new ProgramUsageError(sub === "train" ? `unexpected argument ${positionals[0]}` : `${sub} needs one run directory`);
    const backend = await selectBackend(backendFlag(flags));
    say(`backend: ${backend.name} (${backend.detail}) · tfjs ${backend.tfjsVersion} · node ${process.version}\n`);
    if (sub === "sample") {
      const r = await sample(p, positionals[0]!, { n: intFlag(flags, "n", 1), out: flags.get("o"), seed: intFlag(flags, "seed", 1) });
      say(`wrote ${r.n} samples to ${r.path}\n`);
      return 0;
    }
    if (sub === "encode") {
      const role = flags.get("data") ?? "train";
      if (role !== "train" && role !== "validation" && role !== "test") throw new ProgramUsageError("--data must be train, validation or test");
      const r = await encode(p, positionals[0]!, { role, out: flags.get("o") });
      say(`wrote ${r.n} representations g(μ(x)) (${r.dim} dims) of the ${role} data to ${r.path}\n`);
      return 0;
    }
    const common = {
      backend,
      command: [name, ...argv],
      progress: { write: say, tty: Boolean(process.stdout.isTTY), columns: process.stdout.columns },
      epochs: intFlag(flags, "epochs", 1),
    };
    const resume = flags.get("resume");
    if (resume && (flags.has("seed") || flags.has("out"))) throw new ProgramUsageError("--seed and --out cannot change a run being resumed");
    const outcome: RunOutcome = resume
      ? await resumeRun({ ...common, dir: resume, buildModel: factoryFor(p, resume) })
      : await startRun({ ...common, ir: p.ir, specText: p.specText, specPath: p.ir.source.file, buildModel: (_ir, seed) => p.createModel(seed), outDir: flags.get("out"), seed: intFlag(flags, "seed", 0) });
    const st = outcome.result.state;
    say(`${st.epoch} epochs done${st.best ? `; best loss ${st.best.value.toFixed(4)} at epoch ${st.best.epoch}` : ""}\nrun: ${outcome.dir}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ProgramUsageError) {
      process.stderr.write(`${p.ir.name}: ${e.message}\n${USAGE(name)}`);
      return 2;
    }
    // the input's or the environment's problems, as `intel train` reports them: a message and exit 1
    if (!isUserError(e)) throw e;
    process.stderr.write(`${p.ir.name}: ${(e as Error).message}\n`);
    return 1;
  }
}

/** y ~ p(y) → z = g(y) → decoder mean, n of them from the run's best checkpoint, as PNG (images) or CSV. */
export async function sample(p: Program, dir: string, o: { n?: number; out?: string; seed?: number } = {}): Promise<{ n: number; path: string; values: Float32Array }> {
  const run = await loadTrainedRun(dir, factoryFor(p, dir));
  try {
    const n = o.n ?? 64;
    const values = drawSamples(run.model, n, o.seed ?? runSeed(run.config.train.seed, "sample", 0));
    const layout = imageLayout(run.ir.data);
    const path = o.out ?? `${dir}/${layout ? "samples.png" : "samples.csv"}`;
    writeFileAtomic(path, layout && path.toLowerCase().endsWith(".png") ? imageGridPng(values, n, layout) : toCsv(values, n, values.length / n, "x"));
    return { n, path, values };
  } finally {
    run.model.dispose();
  }
}

/** The representations g(μ(x)) of one of the run's data roles, as CSV with labels where the data has them. */
export async function encode(p: Program, dir: string, o: { role?: DataRole; out?: string } = {}): Promise<{ n: number; dim: number; path: string; z: Float32Array }> {
  const run = await loadTrainedRun(dir, factoryFor(p, dir));
  try {
    const role = o.role ?? "train";
    const ds = runData(run, role);
    if (!ds) throw new RunDirError(`${dir} holds out no ${role} data`);
    const { z, dim } = encodeData(run.model, ds, run.config.train.batch);
    const path = o.out ?? `${dir}/z-${role}.csv`;
    writeFileAtomic(path, toCsv(z, ds.n, dim, "z", ds.labels));
    return { n: ds.n, dim, path, z };
  } finally {
    run.model.dispose();
  }
}
