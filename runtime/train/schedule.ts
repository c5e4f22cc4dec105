// Learning-rate schedules. The rate of a step is a pure function of (steps done before it, its
// epoch) and the settings, never of what happened before in this process: a run resumed from a
// checkpoint sets exactly the rates the uninterrupted run would have.
import type { LoopSettings } from "./settings";

/**
 * The learning rate of the optimizer step that follows `step` steps done, in 0-based `epoch`, with
 * `batches` steps per epoch:
 * - warm-up: `lr_warmup` steps rising linearly from 0 (step k < W gets lr·k/W);
 * - "exponential": lr · lr_decay^epoch, constant within an epoch;
 * - "cosine": lr · ½(1 + cos(π·(k − W)/(T − W))) after the warm-up, where T is the run's last step
 *   (epochs · batches, or max_steps if sooner): 0 when training ends.
 */
export function learningRateAt(s: LoopSettings, step: number, epoch: number, batches: number): number {
  const warm = step < s.lrWarmup ? step / s.lrWarmup : 1;
  switch (s.lrSchedule) {
    case "constant":
      return s.lr * warm;
    case "exponential":
      return s.lr * Math.pow(s.lrDecay, epoch) * warm;
    case "cosine": {
      const total = Math.min(s.epochs * batches, s.maxSteps ?? Infinity);
      const span = total - s.lrWarmup;
      // a warm-up longer than the run: the run is all ramp
      const t = span > 0 ? Math.min(1, Math.max(0, (step - s.lrWarmup) / span)) : 0;
      return s.lr * 0.5 * (1 + Math.cos(Math.PI * t)) * warm;
    }
  }
}
