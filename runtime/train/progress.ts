// Progress for long work: on a TTY one line rewritten in place (training: epoch, step, loss terms,
// samples/s, ETA; evaluation: points done, points/s, ETA); otherwise plain lines every `plainEvery`
// seconds and at each epoch's (or evaluation's) end, for logs and CI.
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

/** The drawing every progress line shares: on a TTY one line rewritten in place (at most ~10 times a
 *  second, cut to the terminal's width), otherwise a plain line every `plainEvery` seconds. */
class StatusLine {
  protected started: number;
  private lastDraw = 0;
  private lastPlain: number;
  private lineOpen = false;

  constructor(
    protected readonly sink: ProgressSink,
    protected readonly plainEvery: number,
    protected readonly now: () => number,
  ) {
    this.started = now();
    this.lastPlain = this.started;
  }

  /** `last`: the end of a stretch of work (always drawn on a TTY). */
  protected draw(line: string, last: boolean): void {
    const t = this.now();
    if (this.sink.tty) {
      if (t - this.lastDraw < 100 && !last) return;
      this.lastDraw = t;
      const cols = this.sink.columns;
      this.sink.write(`\r\x1b[K${cols && line.length >= cols ? line.slice(0, cols - 2) + "…" : line}`);
      this.lineOpen = true;
    } else if (t - this.lastPlain >= this.plainEvery * 1000) {
      this.lastPlain = t;
      this.sink.write(line + "\n");
    }
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

export class Progress extends StatusLine implements ProgressListener {
  private samples = 0;
  private stepsDone = 0;

  constructor(
    sink: ProgressSink,
    /** steps left in the whole run when this session started, for the ETA */
    private readonly totalSteps: number,
    plainEvery = 10,
    now: () => number = Date.now,
  ) {
    super(sink, plainEvery, now);
  }

  step(s: StepInfo): void {
    this.samples += s.samples;
    this.stepsDone++;
    const elapsed = (this.now() - this.started) / 1000;
    const rate = elapsed > 0 ? this.samples / elapsed : 0;
    const eta = this.stepsDone > 0 ? (elapsed / this.stepsDone) * Math.max(0, this.totalSteps - this.stepsDone) : NaN;
    const line =
      `epoch ${s.epoch}/${s.epochs} step ${s.batch}/${s.batches} · ${formatTerms(s.terms)} · ` +
      `${rate.toFixed(0)} samples/s · ETA ${formatDuration(eta)}`;
    this.draw(line, s.batch === s.batches);
  }

  epoch(e: EpochInfo): void {
    const val = e.validation ? ` · validation ${formatTerms(e.validation)}` : "";
    this.message(`epoch ${e.epoch}/${e.epochs} · train ${formatTerms(e.train)}${val} · ${formatDuration(e.seconds)}${e.improved ? " *" : ""}`);
  }
}

/** Progress of one long evaluation (IWAE over thousands of points): `label done/total unit · rate · ETA`. */
export class TaskProgress extends StatusLine {
  constructor(
    sink: ProgressSink,
    private readonly label: string,
    private readonly total: number,
    private readonly unit = "points",
    plainEvery = 10,
    now: () => number = Date.now,
  ) {
    super(sink, plainEvery, now);
  }

  /** `done` units of `total` finished so far. */
  advance(done: number): void {
    const elapsed = (this.now() - this.started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = done > 0 ? (elapsed / done) * Math.max(0, this.total - done) : NaN;
    this.draw(`${this.label} ${done}/${this.total} ${this.unit} · ${rate.toFixed(0)} ${this.unit}/s · ETA ${formatDuration(eta)}`, done >= this.total);
  }

  finish(): void {
    this.message(`${this.label}: ${this.total} ${this.unit} in ${formatDuration((this.now() - this.started) / 1000)}`);
  }
}
