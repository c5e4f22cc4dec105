import { describe, expect, it } from "vitest";
import { formatDuration, Progress, TaskProgress } from "../../../runtime/train/progress";

const terms = { loss: 12.5, recon: 10, kl: 2.5, penalties: { sparsity: 0.125 } };
const step = (batch: number) => ({ epoch: 1, epochs: 2, batch, batches: 10, step: batch, terms, samples: 100 });

function sink(tty: boolean) {
  const writes: string[] = [];
  return { writes, sink: { tty, write: (s: string) => void writes.push(s) } };
}

describe("progress", () => {
  it("on a TTY rewrites one line: epoch, step, loss terms, samples/s, ETA", () => {
    let now = 0;
    const { writes, sink: s } = sink(true);
    const p = new Progress(s, 20, 10, () => now);
    now = 1000;
    p.step(step(1));
    now = 1050; // too soon to redraw
    p.step(step(2));
    now = 2000;
    p.step(step(3));
    expect(writes).toHaveLength(2);
    expect(writes[1]).toMatch(/^\r\x1b\[K/);
    expect(writes[1]).toContain("epoch 1/2 step 3/10 · loss 12.5000 (recon 10.0000 kl 2.5000 sparsity 0.1250) · 150 samples/s · ETA 11s");
    p.message("done");
    expect(writes.slice(-2)).toEqual(["\r\x1b[K", "done\n"]);
  });

  it("otherwise prints a plain line every `plainEvery` seconds and every epoch", () => {
    let now = 0;
    const { writes, sink: s } = sink(false);
    const p = new Progress(s, 20, 10, () => now);
    for (let b = 1; b <= 10; b++) {
      now = b * 3000;
      p.step(step(b));
    }
    expect(writes).toHaveLength(2); // at 12 s and 24 s (≥ 10 s apart)
    expect(writes.every((w) => w.endsWith("\n") && !w.includes("\r"))).toBe(true);
    p.epoch({ epoch: 1, epochs: 2, train: terms, validation: terms, seconds: 30, improved: true });
    expect(writes.at(-1)).toMatch(/^epoch 1\/2 · train loss .* · validation loss .* · 30s \*\n$/);
  });

  it("formats durations", () => {
    expect([formatDuration(5), formatDuration(65), formatDuration(3725), formatDuration(NaN)]).toEqual(["5s", "1m05s", "1h02m", "?"]);
  });

  it("shows long evaluation work the same way: one rewritten line on a TTY, plain lines otherwise, a closing line", () => {
    let now = 0;
    const tty = sink(true);
    const t = new TaskProgress(tty.sink, "test: IWAE (K = 500)", 4000, "points", 10, () => now);
    now = 2000;
    t.advance(1000);
    now = 2050; // too soon to redraw
    t.advance(1100);
    now = 8000;
    t.advance(4000); // the last batch is always drawn
    expect(tty.writes).toEqual(["\r\x1b[Ktest: IWAE (K = 500) 1000/4000 points · 500 points/s · ETA 6s", "\r\x1b[Ktest: IWAE (K = 500) 4000/4000 points · 500 points/s · ETA 0s"]);
    now = 8500;
    t.finish();
    expect(tty.writes.slice(-2)).toEqual(["\r\x1b[K", "test: IWAE (K = 500): 4000 points in 9s\n"]);

    now = 0;
    const plain = sink(false);
    const p = new TaskProgress(plain.sink, "iwae_nll (K = 500)", 1000, "points", 10, () => now);
    for (let i = 1; i <= 10; i++) {
      now = i * 3000;
      p.advance(i * 100);
    }
    p.finish();
    expect(plain.writes).toEqual(["iwae_nll (K = 500) 400/1000 points · 33 points/s · ETA 18s\n", "iwae_nll (K = 500) 800/1000 points · 33 points/s · ETA 6s\n", "iwae_nll (K = 500): 1000 points in 30s\n"]);
  });
});

