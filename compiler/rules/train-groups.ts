// The train block's optimizer groups and scheme (IV2060–IV2063, IV5060–IV5062): every group names a
// part of the model, every parameter lands in exactly one group, and a scheme's players each have
// groups of their own. The lowering resolves the groups the same way (compiler/builtins/optimizer-groups.ts).
import type { Expr, ModelDecl, TrainItem } from "../../grammar/ast";
import { groupArgs, groupNames, groupsOfPart, PARTS, type Part } from "../builtins/optimizer-groups";
import { schemeByName } from "../builtins/schemes";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import { didYouMean } from "../diagnostics/suggest";

const calleeName = (e: Expr | undefined): string | undefined => (e?.kind === "Call" ? e.callee.name : e?.kind === "Name" ? e.name : undefined);

/** The encoder's and decoder's network names, which may name their groups. */
export function partNetworks(m: ModelDecl): { encoder?: string; decoder?: string } {
  const enc = m.items.find((i) => i.kind === "EncoderItem");
  const dec = m.items.find((i) => i.kind === "DecoderItem");
  return { encoder: calleeName(enc?.kind === "EncoderItem" ? enc.network : undefined), decoder: calleeName(dec?.kind === "DecoderItem" ? dec.network : undefined) };
}

const WHOSE: Record<Part, string> = { encoder: "the encoder's", decoder: "the decoder's", prior: "the prior's", mapping: "the mapping's" };

export function checkTrainGroups(m: ModelDecl, out: Diagnostic[]): void {
  const train = m.items.find((i): i is TrainItem => i.kind === "TrainItem");
  if (!train) return;
  const entry = (k: string) => train.entries.find((e) => e.key.name === k);
  const single = entry("optimizer");
  const multi = entry("optimizers");
  const scheme = entry("scheme");
  const nets = partNetworks(m);
  if (single && multi) {
    out.push(diagnostic("IV2063", multi.key.span, "give `optimizer` or `optimizers`, not both", { labels: [{ span: single.key.span, message: "`optimizer` is given here" }], hint: "one optimizer for the whole model, or one per group" }));
  }
  const given: string[] = [];
  const isGroups = multi?.value.kind === "Call" && multi.value.callee.name === "groups"; // else IV2064
  if (multi && isGroups) {
    let unknown = false;
    const known = groupNames(nets);
    for (const g of groupArgs(multi.value)) {
      const name = g.name.name;
      if (!known.includes(name)) {
        const guess = didYouMean(name, g.name.span, known);
        out.push(diagnostic("IV2060", g.name.span, `'${name}' is not a part of model '${m.name.name}'`, { hint: guess ? guess.hint : `optimizer groups are named ${known.map((k) => `'${k}'`).join(", ")}`, fix: guess?.fix }));
        unknown = true;
      } else if (given.includes(name)) {
        out.push(diagnostic("IV2061", g.name.span, `the optimizer group '${name}' is given twice`));
      } else given.push(name);
    }
    // One report per conflict or gap: the prior and the mapping only fall back to the decoder's group.
    const reported = new Set<string>();
    for (const part of PARTS) {
      const owners = groupsOfPart(part, given, nets);
      const key = owners.join(",");
      if (owners.length > 1 && !reported.has(key)) {
        reported.add(key);
        out.push(diagnostic("IV2061", multi.value.span, `${WHOSE[part]} parameters would be in ${owners.length} optimizer groups: ${owners.map((o) => `'${o}'`).join(" and ")}`, { hint: "keep one of them" }));
      }
      // a misspelt group (IV2060) is most likely the missing one: no second report
      if (owners.length === 0 && !unknown && (part === "encoder" || part === "decoder")) {
        out.push(diagnostic("IV2062", multi.value.span, `${WHOSE[part]} parameters are in no optimizer group`, { hint: `add a group for it, e.g. \`${part}: adam(lr: 2e-4)\`` }));
      }
    }
  }
  const desc = schemeByName(calleeName(scheme?.value) ?? "");
  if (!scheme || !desc) return;
  if (!multi || !isGroups) {
    if (multi) return; // IV2064
    out.push(diagnostic("IV5060", scheme.value.span, `the ${desc.name} scheme trains ${desc.players.join(" and ")} with their own optimizers, but the model has one`, { hint: "write optimizers: groups(encoder: adam(lr: 2e-4), decoder: adam(lr: 2e-4))" }));
    return;
  }
  // The scheme's losses replace the objective's (runtime/train/schemes): another objective would be ignored.
  const objective = m.items.find((i) => i.kind === "ObjectiveItem");
  const objName = calleeName(objective?.kind === "ObjectiveItem" ? objective.value : undefined);
  if (objective && objName !== "elbo") {
    out.push(diagnostic("IV5062", objective.span, `the ${desc.name} scheme trains on its own losses, so objective ${objName ?? "…"} would be ignored`, { labels: [{ span: scheme.value.span, message: "the scheme is chosen here" }] }));
  }
  // Soft-IntroVAE's players: the encoder against the rest (decoder, mapping, prior); a group must not straddle them.
  for (const name of given) {
    const parts = PARTS.filter((p) => groupsOfPart(p, given, nets).includes(name));
    if (parts.includes("encoder") && parts.length > 1) {
      const g = groupArgs(multi.value).find((a) => a.name.name === name)!;
      out.push(diagnostic("IV5061", g.name.span, `the group '${name}' holds the encoder's and ${WHOSE[parts.find((p) => p !== "encoder")!]} parameters, which ${desc.name} trains on different losses`, { hint: "give the encoder a group of its own: `encoder: adam(…)`" }));
    }
  }
}
