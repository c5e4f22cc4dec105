// tc_elbo's groups (compiler/builtins/objectives-aggregate.ts) against y : Real[D]: a list of lists
// of coordinates that partitions 0 … D − 1 (IV3050 out of range, IV3051 overlapping, IV3052 not
// covering, IV3053 not written as such). group_size needs no check: any size ≥ 1 (IV5004) partitions.
import type { Call, Expr } from "../../grammar/ast";
import type { Builtin } from "../builtins/types";
import type { TypeContext } from "./context";
import { isNum } from "./dims";
import type { Type } from "./types";

function written(call: Call, builtin: Builtin, name: string): Expr | undefined {
  const named = call.args.find((a) => a.name?.name === name);
  if (named) return named.value;
  const i = builtin.params.findIndex((p) => p.name === name);
  return call.args.filter((a) => !a.name)[i]?.value;
}

function intLit(e: Expr): number | undefined {
  if (e.kind === "Unary" && e.operand.kind === "NumberLit") return Number.isInteger(e.operand.value) ? -e.operand.value : undefined;
  return e.kind === "NumberLit" && Number.isInteger(e.value) ? e.value : undefined;
}

export function checkObjectiveGroups(cx: TypeContext, call: Call, builtin: Builtin, latent: Type, yName: string): void {
  const groups = written(call, builtin, "groups");
  if (!groups) return;
  const size = written(call, builtin, "group_size");
  if (size) {
    cx.report("IV3053", size.span, `${builtin.name} takes groups or group_size, not both`, { labels: [{ span: groups.span, message: "the groups" }] });
    return;
  }
  const lists = groups.kind === "ListLit" ? groups.elements : null;
  const members = lists?.map((g) => (g.kind === "ListLit" ? g.elements.map((e) => ({ e, i: intLit(e) })) : null));
  if (!lists || lists.length === 0 || !members || members.some((g) => !g || g.length === 0 || g.some((m) => m.i === undefined))) {
    cx.report("IV3053", groups.span, `${builtin.name}'s groups must be a non-empty list of non-empty lists of Int coordinates of ${yName}, like [[0, 1], [2, 3]]`);
    return;
  }
  const d = latent.kind === "tensor" && latent.dims.length === 1 ? cx.s.resolve(latent.dims[0]!) : undefined;
  if (d === undefined || !isNum(d)) return;
  const owner = new Map<number, Expr>();
  let bad = false;
  for (const g of members as { e: Expr; i: number }[][]) {
    for (const { e, i } of g) {
      if (i < 0 || i >= d) {
        cx.report("IV3050", e.span, `coordinate ${i} is outside ${yName} : Real[${d}], whose coordinates are 0 … ${d - 1}`);
        bad = true;
      } else if (owner.has(i)) {
        cx.report("IV3051", e.span, `coordinate ${i} of ${yName} is in two groups`, { labels: [{ span: owner.get(i)!.span, message: `${i} is already in this group` }] });
        bad = true;
      } else owner.set(i, e);
    }
  }
  if (bad) return;
  const missing = Array.from({ length: d }, (_, i) => i).filter((i) => !owner.has(i));
  if (missing.length > 0) {
    cx.report("IV3052", groups.span, `the groups leave coordinate${missing.length === 1 ? "" : "s"} ${missing.join(", ")} of ${yName} : Real[${d}] in no group`, {
      hint: `put ${missing.length === 1 ? "it" : "them"} in a group, e.g. one of ${missing.length === 1 ? "its" : "their"} own: [${missing.join(", ")}]`,
    });
  }
}
