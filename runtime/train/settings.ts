// The loop's view of TrainIR: the `train { … }` settings that TrainIR.settings carries, resolved
// with their defaults and checked. The defaults repeat compiler/builtins/train-settings.ts (runtime
// code may import only the IR's types); test/runtime/train/settings.test.ts keeps the two in step.
// IRs written before `settings` existed (and tests' hand-made IRs) get the defaults.
import type { TrainIR, Value } from "../../compiler/ir/types";
import { TrainSettingsError } from "./optimizer";

export type Monitor = "validation_loss" | "train_loss";
export type LrSchedule = "constant" | "cosine" | "exponential";

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

export const SETTING_DEFAULTS = {
  min_epochs: 0,
  monitor: "validation_loss",
  validation_every: 1,
  checkpoint_steps: null,
  checkpoint_minutes: 10,
  keep_checkpoints: 2,
  log_every: 50,
  clip_norm: null,
  lr_schedule: "constant",
  lr_decay: 1,
  lr_warmup: 0,
  shuffle: true,
  max_steps: null,
} as const satisfies Record<string, Value>;

function get(s: Record<string, Value>, key: keyof typeof SETTING_DEFAULTS): Value {
  const v = s[key];
  return v === undefined ? SETTING_DEFAULTS[key] : v;
}

function int(s: Record<string, Value>, key: keyof typeof SETTING_DEFAULTS, min: number): number {
  const v = get(s, key);
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) throw new TrainSettingsError(`${key} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return v;
}

function oneOf<T extends string>(s: Record<string, Value>, key: keyof typeof SETTING_DEFAULTS, allowed: readonly T[]): T {
  const v = get(s, key);
  if (typeof v !== "string" || !allowed.includes(v as T)) throw new TrainSettingsError(`${key} must be ${allowed.map((a) => `"${a}"`).join(" or ")}, got ${JSON.stringify(v)}`);
  return v as T;
}

/** The loop's settings; throws TrainSettingsError for a value out of range. */
export function loopSettings(t: TrainIR): LoopSettings {
  const s = t.settings ?? {};
  const clip = get(s, "clip_norm");
  if (clip !== null && !(typeof clip === "number" && clip > 0 && Number.isFinite(clip))) throw new TrainSettingsError(`clip_norm must be a number > 0, got ${JSON.stringify(clip)}`);
  const decay = get(s, "lr_decay");
  if (typeof decay !== "number" || !(decay > 0 && decay <= 1)) throw new TrainSettingsError(`lr_decay must be in (0, 1], got ${JSON.stringify(decay)}`);
  const minutes = get(s, "checkpoint_minutes");
  if (typeof minutes !== "number" || !(minutes >= 0 && Number.isFinite(minutes))) throw new TrainSettingsError(`checkpoint_minutes must be a number ≥ 0, got ${JSON.stringify(minutes)}`);
  const shuffle = get(s, "shuffle");
  if (typeof shuffle !== "boolean") throw new TrainSettingsError(`shuffle must be true or false, got ${JSON.stringify(shuffle)}`);
  return {
    batch: t.batch,
    epochs: t.epochs,
    earlyStop: t.earlyStop,
    checkpointEvery: t.checkpointEvery,
    checkpointSteps: get(s, "checkpoint_steps") === null ? null : int(s, "checkpoint_steps", 1),
    checkpointMs: minutes * 60_000,
    minEpochs: int(s, "min_epochs", 0),
    monitor: oneOf(s, "monitor", ["validation_loss", "train_loss"] as const),
    validationEvery: int(s, "validation_every", 1),
    keepCheckpoints: int(s, "keep_checkpoints", 1),
    logEvery: int(s, "log_every", 1),
    clipNorm: clip as number | null,
    lr: t.optimizer.lr,
    lrSchedule: oneOf(s, "lr_schedule", ["constant", "cosine", "exponential"] as const),
    lrDecay: decay,
    lrWarmup: int(s, "lr_warmup", 0),
    shuffle,
    maxSteps: get(s, "max_steps") === null ? null : int(s, "max_steps", 1),
  };
}
