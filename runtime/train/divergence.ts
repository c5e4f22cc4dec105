// NaN/Inf in a loss term stops the run: which term, at which step, where the spec defines it, and
// the last good checkpoint to go back to.
import type { ModelIR, SourceRef } from "../../compiler/ir/types";

/** Loss terms of one batch as numbers: the loss, recon, kl, and each penalty by name. */
export interface TermValues {
  loss: number;
  recon: number;
  kl: number;
  penalties: Record<string, number>;
  /** the objective's estimated terms for the record (LossTerms.estimates); absent when it has none */
  estimates?: Record<string, number>;
}

export class TrainingDivergedError extends Error {
  override readonly name = "TrainingDivergedError";
  constructor(
    readonly term: string,
    readonly value: number,
    readonly epoch: number,
    readonly step: number,
    readonly at: SourceRef | null,
    readonly lastCheckpoint: string | null,
    /** the first stage or op found non-finite, when the model could locate it */
    readonly origin?: string,
  ) {
    const place = at ? `${at.file}:${at.line}:${at.col}` : "";
    const where = origin ? `; it first appears in ${origin}${place ? ` at ${place}` : ""}` : place ? ` (defined at ${place})` : "";
    const back = lastCheckpoint ? `the last good checkpoint is ${lastCheckpoint}` : "no checkpoint was written before it";
    // "gradient norm" comes from gradient clipping (clip_norm): the loss was finite, a gradient not.
    const what = term === "gradient norm" ? "the gradient norm" : `loss term '${term}'`;
    super(`${what} became ${value} at step ${step} (epoch ${epoch})${where}; training stopped, ${back}`);
  }
}

/** The first non-finite term, most specific first (a bad penalty makes the loss bad too). */
export function firstBadTerm(t: TermValues): { term: string; value: number } | null {
  for (const [name, v] of Object.entries(t.penalties)) if (!Number.isFinite(v)) return { term: `penalty ${name}`, value: v };
  if (!Number.isFinite(t.recon)) return { term: "recon", value: t.recon };
  if (!Number.isFinite(t.kl)) return { term: "kl", value: t.kl };
  if (!Number.isFinite(t.loss)) return { term: "loss", value: t.loss };
  return null;
}

/** Where the spec defines a term: penalties and the latent carry `at`; recon comes out of the decoder. */
export function termSource(ir: ModelIR, term: string): SourceRef | null {
  if (term.startsWith("penalty ")) {
    const name = term.slice("penalty ".length);
    const p = ir.mapping.penalties.find((q) => q.name === name);
    if (!p) return null;
    return p.at ?? ir.mapping.nodes[p.node]?.at ?? null;
  }
  if (term === "kl") return ir.latent.at ?? null;
  if (term === "recon") return ir.decoder.layers.at(-1)?.at ?? ir.data.at ?? null;
  return null;
}
