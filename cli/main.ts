// The `intel` command. Exit codes: 0 success, 1 problems in the input, 2 usage error, 3 internal error.
import { UsageError } from "./args";
import { checkCommand } from "./check-command";
import { fmtCommand } from "./fmt-command";
import { processIo, type Io } from "./io";

const USAGE = `usage: intel <command> [options]

commands:
  check SPEC...              check specs (files or folders): syntax, names, types, biases; --json
                             for tools, --verbose to summarise each model (baseline or not, KL kind)
  fmt SPEC [--write|--check] print the spec in canonical layout; --write rewrites it,
                             --check exits 1 when it is not formatted
  train SPEC [options]       train a model into runs/NAME-TIMESTAMP/: --backend auto|tensorflow-gpu|
                             tensorflow|wasm|cpu, --epochs N, --out DIR, --seed N;
                             train --resume RUN continues a run (Ctrl-C saves a checkpoint)
  eval RUN [--k K]           validation/test ELBO terms, IWAE NLL (K particles, default 500) and
                             reconstruction error; JSON to stdout and RUN/eval.json
  sample RUN [-n 64] [-o F]  samples from the prior: a PNG grid for images, CSV otherwise; F.npy: NumPy
  encode RUN [--data train|validation|test] [-o F]
                             representations g(μ(x)) with labels, as CSV (F.npy: NumPy, labels in F.labels.npy)
  report RUN [-o FILE]       one self-contained HTML page (RUN/report.html): loss curves,
                             reconstructions, samples, latent space, activity, metrics, spec
  compile SPEC [-o F] [--check]  the model as one standalone TypeScript program (tfjs); --check type-checks it
  export RUN [-o DIR]        the weights in TensorFlow.js's format (model.json + .bin) with the decoder and mapping IR
  explore RUN [-o DIR]       a browser page (no network): drag a point in the latent space, see the decoding
  help                       this text
`;

type Command = (argv: readonly string[], io: Io) => number | Promise<number>;
// The run commands load tfjs: imported on use, so `intel check` stays quick.
const lazy =
  (load: () => Promise<Command>): Command =>
  async (argv, io) =>
    (await load())(argv, io);
const COMMANDS: Record<string, Command> = {
  check: checkCommand,
  fmt: fmtCommand,
  train: lazy(async () => (await import("./train-command")).trainCommand),
  compile: lazy(async () => (await import("./compile-command")).compileCommand),
  eval: lazy(async () => (await import("./inference-commands")).evalCommand),
  sample: lazy(async () => (await import("./inference-commands")).sampleCommand),
  encode: lazy(async () => (await import("./inference-commands")).encodeCommand),
  report: lazy(async () => (await import("./report-command")).reportCommand),
  export: lazy(async () => (await import("./export-commands")).exportCommand),
  explore: lazy(async () => (await import("./export-commands")).exploreCommand),
};

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
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
    const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
    io.err(`intel ${name}: internal error (a bug in intel-vae, not in your input; please report it):\n${detail}\n`);
    return 3;
  }
}

// Run directly with tsx (npm run intel -- …); bin/intel.js imports main() instead.
if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
