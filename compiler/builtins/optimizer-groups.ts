// Optimizer groups, `train { optimizers: groups(encoder: adam(lr: 2e-4), decoder: adam(lr: 2e-4)) }`:
// which group each parameter belongs to. Read by the model rules (IV2060–IV2063) and the lowering,
// so that both resolve the same way.
import type { Arg, Expr } from "../../grammar/ast";

/** The model's parts that own parameters. */
export const PARTS = ["encoder", "decoder", "prior", "mapping"] as const;
export type Part = (typeof PARTS)[number];

/** Parts that fall back to another part's group when they have none of their own: the mapping and
 *  the prior are trained with the decoder (Soft-IntroVAE's generator; the prior as a third player
 *  cooperating with the decoder, Athanasiadis et al. 2025). */
const FALLBACK: Partial<Record<Part, Part>> = { mapping: "decoder", prior: "decoder" };

/** The part a ParamIR id belongs to, by its path's first segment (compiler/lower: "encoder/dense_0/kernel"):
 *  an encoder flow belongs to the encoder, a learned likelihood scale to the decoder. */
export function partOfParam(id: string): Part {
  const head = id.split("/")[0];
  if (head === "encoder" || head === "q_flow") return "encoder";
  if (head === "prior") return "prior";
  if (head === "mapping") return "mapping";
  return "decoder";
}

/** The named arguments of `groups(…)`; none for anything else. */
export function groupArgs(e: Expr | undefined): (Arg & { name: NonNullable<Arg["name"]> })[] {
  if (!e || e.kind !== "Call" || e.callee.name !== "groups") return [];
  return e.args.filter((a): a is Arg & { name: NonNullable<Arg["name"]> } => a.name !== undefined);
}

/** The group names a part may be given under: the part's word, and for the encoder and decoder their network's name. */
export function namesOfPart(part: Part, networks: { encoder?: string; decoder?: string }): string[] {
  const net = part === "encoder" ? networks.encoder : part === "decoder" ? networks.decoder : undefined;
  return net && net !== part ? [part, net] : [part];
}

/** Every name a group may have. */
export function groupNames(networks: { encoder?: string; decoder?: string }): string[] {
  return [...new Set(PARTS.flatMap((p) => namesOfPart(p, networks)))];
}

/** The groups (of `given`) that own `part`'s parameters: its own, else its fallback's. More than one
 *  is a conflict, none a parameter left out (the model rules report both). */
export function groupsOfPart(part: Part, given: readonly string[], networks: { encoder?: string; decoder?: string }): string[] {
  const own = namesOfPart(part, networks).filter((n) => given.includes(n));
  const back = FALLBACK[part];
  return own.length > 0 || !back ? own : groupsOfPart(back, given, networks);
}
