// "Did you mean …?" for dotted override paths (BLOCK.ARGUMENT). Kept in this one function so that it
// can later merge into a shared did-you-mean helper: the block and the argument are matched apart,
// so `objectve.beta` finds `objective.beta` and `objective.bta` finds `objective.beta`.
import { suggest } from "../builtins";

export function suggestPath(path: string, candidates: readonly string[]): string | undefined {
  if (candidates.includes(path)) return undefined;
  const [block = "", arg = ""] = path.split(".", 2);
  const blocks = [...new Set(candidates.map((c) => c.split(".")[0]!))];
  const b = blocks.includes(block) ? block : suggest(block, blocks);
  if (b === undefined) return suggest(path, candidates);
  const args = candidates.filter((c) => c.startsWith(`${b}.`)).map((c) => c.slice(b.length + 1));
  const a = args.includes(arg) ? arg : suggest(arg, args);
  return a === undefined ? undefined : `${b}.${a}`;
}
