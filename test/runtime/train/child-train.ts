// Run by the kill tests in a child process (npx tsx): trains the fake model slowly so that the
// parent can SIGKILL or SIGTERM it in the middle of an epoch.
//   child-train.ts kill DIR   — startRun directly, no signal handling (to be SIGKILLed)
//   child-train.ts kill-steps DIR — the same, with a mid-epoch checkpoint every 2 steps
//   child-train.ts cli DIR SPEC — `intel train SPEC --out DIR --backend cpu` with signal handlers
import { makeTrainCommand } from "../../../cli/train-command";
import { processIo } from "../../../cli/io";
import { selectBackend } from "../../../runtime/backend/select";
import { fakeDeps } from "../../cli/fake-deps";
import { fakeControls, fakeIR } from "./fake-model";
import { startFake } from "./helpers";
import { SETTINGS } from "../fixtures/train-ir";

const [mode, dir, spec] = process.argv.slice(2);
fakeControls.stepDelayMs = 60;
const train = { epochs: 4, settings: { ...SETTINGS, log_every: 1 } }; // as kill.test.ts
if (mode === "kill" || mode === "kill-steps") {
  await selectBackend("cpu");
  await startFake(dir!, { train: mode === "kill" ? train : { ...train, settings: { ...train.settings, checkpoint_steps: 2 } } });
} else {
  const cmd = makeTrainCommand(fakeDeps(fakeIR({ train }), { signals: true }));
  process.exitCode = await cmd([spec!, "--out", dir!, "--backend", "cpu"], processIo());
}
