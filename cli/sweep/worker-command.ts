// `intel worker --queue redis://HOST:PORT [--concurrency N] [--lock-seconds S] [--idle-exit S]`
// Serves sweep jobs from the BullMQ queue: each job trains and evaluates one arm at one seed in child
// processes (cli/sweep/run-job.ts). Run it on any machine that reaches Redis and has the data and
// this checkout (job paths are relative to the worker's working directory unless absolute).
import { parseArgs, UsageError } from "../args";
import type { Io } from "../io";
import { intFlag, stringFlag } from "../run-support";
import { work } from "./queue";

export async function workerCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ["queue", "concurrency", "lock-seconds", "idle-exit"], []);
  if (args.positionals.length) throw new UsageError(`takes no positional arguments, got ${args.positionals.join(" ")}`);
  const queue = stringFlag(args, "queue");
  if (!queue) throw new UsageError("needs --queue redis://HOST:PORT");
  const idle = intFlag(args, "idle-exit", 1);
  await work(queue, { concurrency: intFlag(args, "concurrency", 1) ?? 1, lockMs: (intFlag(args, "lock-seconds", 1) ?? 30) * 1000, idleExitMs: idle === undefined ? null : idle * 1000 }, { log: (s) => io.err(s) });
  return 0;
}
