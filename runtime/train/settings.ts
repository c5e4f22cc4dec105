// The loop's view of TrainIR: its fields and the `train { … }` settings that TrainIR.settings carries.
import type { TrainIR, TrainSettingsIR } from "../../compiler/ir/types";

export type Monitor = TrainSettingsIR["monitor"];
export type LrSchedule = TrainSettingsIR["lr_schedule"];

export interface LoopSettings {
  batch: number;
  epochs: number;
  /** patience in checks of the monitored loss; 0 = off */
  earlyStop: number;
  checkpointEvery: number;
  /** mid-epoch saves of "last": every N steps (null = off), and after this many ms since the last save (0 = off) */
  checkpointSteps: number | null;
  checkpointMs: number;
  minEpochs: number;
  monitor: Monitor;
  validationEvery: number;
  keepCheckpoints: number;
  logEvery: number;
  clipNorm: number | null;
  /** the optimizer's own learning rate, which the schedule scales */
  lr: number;
  lrSchedule: LrSchedule;
  lrDecay: number;
  lrWarmup: number;
  shuffle: boolean;
  maxSteps: number | null;
}

/** The loop's settings. The compiler filled in every default and the IR schema checked every range,
 *  so this only renames; command-line overrides (`--epochs`, `--batch`) are checked where they are read. */
export function loopSettings(t: TrainIR): LoopSettings {
  const s = t.settings;
  return {
    batch: t.batch,
    epochs: t.epochs,
    earlyStop: t.earlyStop,
    checkpointEvery: t.checkpointEvery,
    checkpointSteps: s.checkpoint_steps,
    checkpointMs: s.checkpoint_minutes * 60_000,
    minEpochs: s.min_epochs,
    monitor: s.monitor,
    validationEvery: s.validation_every,
    keepCheckpoints: s.keep_checkpoints,
    logEvery: s.log_every,
    clipNorm: s.clip_norm,
    lr: t.optimizer.lr,
    lrSchedule: s.lr_schedule,
    lrDecay: s.lr_decay,
    lrWarmup: s.lr_warmup,
    shuffle: s.shuffle,
    maxSteps: s.max_steps,
  };
}
