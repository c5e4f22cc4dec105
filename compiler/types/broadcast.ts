// Broadcasting: the shape of an elementwise operation (+ - * / **, comparisons, where, min, atan2, …).
//
// The rules, NumPy's over the trailing axes minus its silent rank changes:
//  1. A scalar (Real, Int, Bool) combines with any tensor: Real[D] * Real → Real[D].
//  2. Two tensors must have the same rank. NumPy would prepend axes to the shorter one; we do not,
//     because every value in a bias is ONE datapoint and the runtime adds a batch axis in front:
//     Real[3] + Real[2, 3] would be [B, 3] + [B, 2, 3] there, which does not broadcast. Index or
//     reshape to make the ranks agree. So Real[2] + Real[2, 2] is an error, as is Real[2] + Real[3].
//  3. Axis by axis, the sizes are equal, or one of them is exactly 1 and is stretched:
//     y / (norm(y) + eps) is Real[2] / Real[1] → Real[2].
//  4. A size still to be inferred is made equal to the other side (unification), never assumed to be 1.
//     Two symbolic sizes that cannot be compared yet (⌈H / 2⌉ vs H / 2) are assumed equal and re-checked
//     once the use site makes them numbers.
//  5. Elements: Real if either side is Real, otherwise Int (Bool counts as Int in arithmetic);
//     comparisons give Bool.
// These functions are pure over sizes: the lowering calls `broadcastShapes` with numbers.
import { isNum, Subst, unifyDim, type Dim } from "./dims";

export type Broadcast =
  | { ok: true; dims: Dim[]; pending: [Dim, Dim][] }
  | { ok: false; why: "rank" }
  | { ok: false; why: "dim"; axis: number; a: Dim; b: Dim };

export function broadcastDims(s: Subst, a: readonly Dim[], b: readonly Dim[]): Broadcast {
  if (a.length === 0) return { ok: true, dims: [...b], pending: [] };
  if (b.length === 0) return { ok: true, dims: [...a], pending: [] };
  if (a.length !== b.length) return { ok: false, why: "rank" };
  const dims: Dim[] = [];
  const pending: [Dim, Dim][] = [];
  for (let i = 0; i < a.length; i++) {
    const x = s.resolve(a[i]!);
    const y = s.resolve(b[i]!);
    if (isNum(x) && isNum(y) && x !== y && (x === 1 || y === 1)) {
      dims.push(x === 1 ? y : x);
      continue;
    }
    // A literal 1 against a symbolic size stretches too (Real[1] * Real[D]).
    if ((x === 1 && !isNum(y)) || (y === 1 && !isNum(x))) {
      dims.push(x === 1 ? y : x);
      continue;
    }
    const r = unifyDim(s, x, y);
    if (r === "clash") return { ok: false, why: "dim", axis: i, a: x, b: y };
    if (r === "unknown") pending.push([x, y]);
    dims.push(x);
  }
  return { ok: true, dims, pending };
}

/** The broadcast shape of concrete shapes, or undefined when they do not broadcast (for the lowering). */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | undefined {
  const r = broadcastDims(new Subst(), a, b);
  return r.ok ? (r.dims as number[]) : undefined;
}

/** Operators in messages: "cannot add Real[2] and Real[3]". */
export const OP_VERBS: Record<string, string> = {
  "+": "add",
  "-": "subtract",
  "*": "multiply",
  "/": "divide",
  "**": "raise",
  "==": "compare",
  "!=": "compare",
  "<": "compare",
  "<=": "compare",
  ">": "compare",
  ">=": "compare",
};
