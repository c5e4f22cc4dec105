// Dependencies for the run commands in tests: the fake model instead of the IR interpreter, and a
// "compiler" that hands out a fixed IR (the lowering may not exist yet), no signal handlers.
import type { ModelIR } from "../../compiler/ir/types";
import { bufferIo } from "../../cli/io";
import { main } from "../../cli/main";
import type { RunDeps } from "../../cli/run-support";
import { selectBackend } from "../../runtime/backend/select";
import { buildFakeModel, fakeIR } from "../runtime/train/fake-model";

export function fakeDeps(ir: ModelIR = fakeIR(), extra: Partial<RunDeps> = {}): Partial<RunDeps> {
  return {
    compile: () => ({ check: { diagnostics: [], sources: new Map() } as never, ir }),
    buildModel: buildFakeModel,
    selectBackend: (name) => selectBackend(name),
    tty: false,
    signals: false,
    ...extra,
  };
}

type Cmd = (argv: readonly string[], io: ReturnType<typeof bufferIo>) => Promise<number>;

/** Runs a command in-process; its exit code and what it printed. */
export async function call(cmd: Cmd, ...argv: string[]) {
  const io = bufferIo();
  const code = await cmd(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

/** `intel ARGV…` in-process, through the real command table. */
export const viaMain = (...argv: string[]) => call((a, io) => main(a, io), ...argv);
