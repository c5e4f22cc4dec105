// Progress for long work: on a TTY one line rewritten in place (epoch, step, loss terms, samples/s,
// ETA); otherwise plain lines every `plainEvery` seconds and at each epoch's end, for logs and CI.
import type { TermValues } from "./divergence";

export interface ProgressSink {
  write(s: string): void;
  tty: boolean;
  /** terminal width: the TTY line is cut to fit, since a wrapped line cannot be rewritten with \r */
  columns?: number;
}

export interface StepInfo {
  epoch: number; // 1-based
  epochs: number;
  batch: number; // 1-based within the epoch
  batches: number;
  step: number; // global, 1-based
  terms: TermValues;
  samples: number;
}

export interface EpochInfo {
  epoch: number;
  epochs: number;
  train: TermValues;
  validation: TermValues | null;
  seconds: number;
  improved: boolean;
}

const fmt = (v: number): string => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(3) : v.toFixed(4));

export function formatTerms(t: TermValues): string {
  const pens = Object.entries(t.penalties).map(([k, v]) => ` ${k} ${fmt(v)}`).join("");
  return `loss ${fmt(t.loss)} (recon ${fmt(t.recon)} kl ${fmt(t.kl)}${pens})`;
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return "?";
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** What the training loop reports to: the CLI's Progress, or the API's callbacks (api/train.ts). */
export interface ProgressListener {
  step(s: StepInfo): void;
  epoch(e: EpochInfo): void;
  /** a line of its own (max_steps reached, early stopping) */
  message(s: string): void;
  clear(): void;
}

export class Progress implements ProgressListener {
  private started = Date.now();
  private samples = 0;
  private stepsDone = 0;
  private lastDraw = 0;
  private lastPlain = Date.now();
  private lineOpen = false;

  constructor(
    private readonly sink: ProgressSink,
    /** steps left in the whole run when this session started, for the ETA */
    private readonly totalSteps: number,
    private readonly plainEvery = 10,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
    this.lastPlain = this.started;
  }

  step(s: StepInfo): void {
    this.samples += s.samples;
    this.stepsDone++;
    const t = this.now();
    const elapsed = (t - this.started) / 1000;
    const rate = elapsed > 0 ? this.samples / elapsed : 0;
    const eta = this.stepsDone > 0 ? (elapsed / this.stepsDone) * Math.max(0, this.totalSteps - this.stepsDone) : NaN;
    const line =
      `epoch ${s.epoch}/${s.epochs} step ${s.batch}/${s.batches} · ${formatTerms(s.terms)} · ` +
      `${rate.toFixed(0)} samples/s · ETA ${formatDuration(eta)}`;
    if (this.sink.tty) {
      if (t - this.lastDraw < 100 && s.batch !== s.batches) return; // ~10 redraws a second at most
      this.lastDraw = t;
      const cols = this.sink.columns;
      this.sink.write(`\r\x1b[K${cols && line.length >= cols ? line.slice(0, cols - 2) + "…" : line}`);
      this.lineOpen = true;
    } else if (t - this.lastPlain >= this.plainEvery * 1000) {
      this.lastPlain = t;
      this.sink.write(line + "\n");
    }
  }

  epoch(e: EpochInfo): void {
    const val = e.validation ? ` · validation ${formatTerms(e.validation)}` : "";
    this.message(`epoch ${e.epoch}/${e.epochs} · train ${formatTerms(e.train)}${val} · ${formatDuration(e.seconds)}${e.improved ? " *" : ""}`);
  }

  /** A line of its own, clearing the TTY status line first. */
  message(s: string): void {
    this.clear();
    this.sink.write(s + "\n");
  }

  clear(): void {
    if (this.lineOpen) {
      this.sink.write("\r\x1b[K");
      this.lineOpen = false;
    }
  }
}
