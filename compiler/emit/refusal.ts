// What `intel compile` says when the emitter cannot write a model out (EmitError): an IV5015
// diagnostic at the spec place the IR records for the piece (else the model's intermediary), so the
// user sees file:line:col, the line and a hint, and no program is written.
import { diagnostic, spanOfPlace, type Diagnostic } from "../diagnostics/diagnostic";
import type { ModelIR } from "../ir/types";
import type { EmitError } from "./common";

export function emitRefusal(e: EmitError, ir: ModelIR, sources: ReadonlyMap<string, string>): Diagnostic {
  const at = e.at ?? ir.latent.at;
  return diagnostic("IV5015", spanOfPlace(at, sources.get(at.file) ?? ""), `model ${ir.name}: ${e.message}`);
}
