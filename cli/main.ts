// The `intel` command. Exit codes: 0 success, 1 problems in the input, 2 usage error, 3 internal error.
import { UsageError } from "./args";
import { processIo, type Io } from "./io";
import { watchParent } from "./sweep/parent-watch";
import { environmentMessage } from "../runtime/fs/env-error";

const USAGE = `usage: intel <command> [options]

commands:
  check SPEC...              check specs (files or folders): syntax, names, types, biases; --json
                             for tools, --verbose to summarise each model (baseline or not, KL kind),
                             --probe to run each mapping numerically (NaN/Inf, gradient norms, Lipschitz)
  fmt SPEC [--write|--check] print the spec in canonical layout; --write rewrites it,
                             --check exits 1 when it is not formatted
  train SPEC [options]       train a model into runs/NAME-TIMESTAMP/: --backend auto|tensorflow-gpu|
                             tensorflow|webgpu|wasm|cpu, --epochs N, --out DIR, --seed N, --set PATH=VALUE
                             (repeatable: objective.beta=4, train.batch=64, mapping.gamma=30, latent.dim=32);
                             train --resume RUN [--checkpoint last|best|PATH] continues a run
                             (Ctrl-C saves a checkpoint; RUN/train.lock keeps a second writer out)
  eval RUN [--k K]           validation/test ELBO terms, IWAE NLL (K particles, default 500) and
                             reconstruction error; JSON to stdout and RUN/eval.json
  sample RUN [-n 64] [-o F]  samples from the prior: a PNG grid for images, CSV otherwise; F.npy: NumPy
  encode RUN [--data train|validation|test] [-o F]
                             representations g(μ(x)) with labels, as CSV (F.npy: NumPy, labels in F.labels.npy)
  report RUN [-o FILE]       one self-contained HTML page (RUN/report.html): loss curves,
                             reconstructions, samples, latent space, activity, metrics, spec
  compile SPEC [-o F] [--check]  the model as one standalone TypeScript program (tfjs); --check type-checks it
  lsp [--stdio]              the language server for editors, over stdio (editors/vscode/)
  sweep FILE [options]       run a sweep file's arms (docs/sweeps.md): --dry-run lists them; locally with
                             --parallel N (default 2), or --queue redis://HOST:PORT for intel workers
  worker --queue URL         serve sweep jobs from Redis: --concurrency N, --lock-seconds S, --idle-exit S
  compare RUN...|SWEEP_DIR   one HTML page comparing runs (settings, metrics mean ± std over seeds,
                             curves, metric vs each swept path, samples), plus CSV and JSON; -o FILE
  eval, sample, encode and report take --checkpoint last|best|PATH (default best; a damaged one
  falls back to the newest intact checkpoint, with a warning); -o never replaces an input or a
  run's own files, and replaces another existing file only with --force
  export RUN [-o DIR]        the weights in TensorFlow.js's format (model.json + .bin) with the decoder and mapping IR
  explore RUN [-o DIR]       a browser page (no network): drag a point in the latent space, see the decoding
  help                       this text

environment: INTEL_MATMUL=openblas hands the wasm backend's matrix products and convolutions to
  the machine's OpenBLAS (~2× faster training; off by default, it changes the last bits);
  INTEL_WASM_THREADS=N sets the wasm threads (default: every core on an idle machine, else 1);
  INTEL_READ_LIMITS=csv=400M,… changes the input size limits; NO_COLOR=1 plain output
`;

type Command = (argv: readonly string[], io: Io) => number | Promise<number>;
// Every command is imported on use: `intel help` loads none, `intel check` no tfjs.
const lazy =
  (load: () => Promise<Command>): Command =>
  async (argv, io) =>
    (await load())(argv, io);
const COMMANDS: Record<string, Command> = {
  check: lazy(async () => (await import("./check-command")).checkCommand),
  fmt: lazy(async () => (await import("./fmt-command")).fmtCommand),
  train: lazy(async () => (await import("./train-command")).trainCommand),
  compile: lazy(async () => (await import("./compile-command")).compileCommand),
  eval: lazy(async () => (await import("./inference-commands")).evalCommand),
  sample: lazy(async () => (await import("./inference-commands")).sampleCommand),
  encode: lazy(async () => (await import("./inference-commands")).encodeCommand),
  report: lazy(async () => (await import("./report-command")).reportCommand),
  lsp: lazy(async () => (await import("./lsp-command")).lspCommand),
  sweep: lazy(async () => (await import("./sweep/sweep-command")).sweepCommand),
  worker: lazy(async () => (await import("./sweep/worker-command")).workerCommand),
  compare: lazy(async () => (await import("./compare-command")).compareCommand),
  export: lazy(async () => (await import("./export-commands")).exportCommand),
  explore: lazy(async () => (await import("./export-commands")).exploreCommand),
};

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  watchParent(); // a sweep job's child quits when its worker dies
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`intel: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`intel ${name}: ${e.message}\n(run 'intel help' for usage)\n`);
      return 2;
    }
    // The user's environment (disk full, permissions, a path through a file), not a bug.
    const env = environmentMessage(e);
    if (env) {
      io.err(`intel ${name}: ${env}\n`);
      return 1;
    }
    const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
    io.err(`intel ${name}: internal error (a bug in intel-vae, not in your input; please report it):\n${detail}\n`);
    return 3;
  }
}

// Run directly with tsx (npm run intel -- …); bin/intel.js imports main() instead.
if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
