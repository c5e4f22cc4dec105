// metrics.jsonl → the series the loss charts draw.
import type { Row } from "./charts";

interface Terms {
  loss: number;
  recon: number;
  kl: number;
  penalties?: Record<string, number>;
  /** an objective's estimated terms (tc_elbo's mi, tc, dim_kl) */
  estimates?: Record<string, number>;
}

export interface MetricSeries {
  /** the loss terms in chart order: loss, recon, kl, then each penalty */
  terms: string[];
  /** one row per (epoch, split, term): {epoch, split, term, value} */
  epochRows: Row[];
  /** per-step loss (bin-averaged when there are many steps): {step, loss} */
  stepRows: Row[];
  /** a constrained objective's (GECO's) λ and ĉ after each logged step: {step, lambda, constraint}; empty for the others */
  constraintRows: Row[];
  /** steps per point of stepRows (1 = every step) */
  stepBin: number;
  /** a learned mixture prior's weights (step lines' prior_weights, #19): {step, mode, weight}, at most maxStepPoints steps */
  modeRows: Row[];
  epochs: number;
  steps: number;
  diverged: Record<string, unknown> | null;
}

const termsOf = (t: Terms): [string, number][] => [
  ["loss", t.loss],
  ["recon", t.recon],
  ["kl", t.kl],
  ...Object.entries(t.penalties ?? {}).map(([k, v]): [string, number] => [`penalty ${k}`, v]),
  ...Object.entries(t.estimates ?? {}),
];

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

export function metricSeries(records: Record<string, unknown>[], maxStepPoints = 1500): MetricSeries {
  const terms: string[] = [];
  const seen = (name: string) => {
    if (!terms.includes(name)) terms.push(name);
  };
  const epochRows: Row[] = [];
  const steps: { step: number; loss: number }[] = [];
  const constraintRows: Row[] = [];
  const modes: { step: number; w: number[] }[] = [];
  let epochs = 0;
  let diverged: Record<string, unknown> | null = null;
  for (const r of records) {
    if (r.type === "epoch") {
      const epoch = Number(r.epoch);
      epochs = Math.max(epochs, epoch);
      for (const split of ["train", "validation"] as const) {
        const t = r[split] as Terms | null | undefined;
        if (!t) continue;
        for (const [term, value] of termsOf(t)) {
          seen(term);
          if (finite(value)) epochRows.push({ epoch, split, term, value });
        }
      }
    } else if (r.type === "step") {
      if (finite(r.loss) && finite(r.step)) steps.push({ step: r.step, loss: r.loss });
      if (finite(r.lambda) && finite(r.step)) constraintRows.push({ step: r.step, lambda: r.lambda, constraint: finite(r.constraint) ? r.constraint : null });
      if (finite(r.step) && Array.isArray(r.prior_weights) && r.prior_weights.every(finite)) modes.push({ step: r.step, w: r.prior_weights });
    } else if (r.type === "diverged") diverged = r;
  }
  const bin = Math.max(1, Math.ceil(steps.length / maxStepPoints));
  const stepRows: Row[] = [];
  for (let i = 0; i < steps.length; i += bin) {
    const chunk = steps.slice(i, i + bin);
    stepRows.push({ step: chunk[chunk.length - 1]!.step, loss: chunk.reduce((s, c) => s + c.loss, 0) / chunk.length });
  }
  const every = Math.max(1, Math.ceil(constraintRows.length / maxStepPoints));
  const everyMode = Math.max(1, Math.ceil(modes.length / maxStepPoints));
  const modeRows: Row[] = modes.filter((_, i) => i % everyMode === 0).flatMap((m) => m.w.map((weight, k) => ({ step: m.step, mode: `mode ${k}`, weight })));
  return { terms, epochRows, stepRows, constraintRows: constraintRows.filter((_, i) => i % every === 0), stepBin: bin, modeRows, epochs, steps: steps.length, diverged };
}
