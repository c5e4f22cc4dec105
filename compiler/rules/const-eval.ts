// Folds literal expressions (`1e-3`, `-2`, `2 * 0.5`, `[10, 10]`) to values; anything else is unknown.
import type { Call, Expr } from "../../grammar/ast";
import type { Builtin } from "../builtins/types";

export type ConstValue = number | string | boolean | ConstValue[];

export function constValue(e: Expr): ConstValue | undefined {
  switch (e.kind) {
    case "NumberLit":
      return e.value;
    case "StringLit":
      return e.value;
    case "BoolLit":
      return e.value;
    case "Paren":
      return constValue(e.inner);
    case "Unary": {
      const v = constValue(e.operand);
      return typeof v === "number" ? -v : undefined;
    }
    case "ListLit": {
      const vs = e.elements.map(constValue);
      return vs.every((v) => v !== undefined) ? (vs as ConstValue[]) : undefined;
    }
    case "Binary": {
      const a = constValue(e.left);
      const b = constValue(e.right);
      if (typeof a !== "number" || typeof b !== "number") return undefined;
      switch (e.op) {
        case "+":
          return a + b;
        case "-":
          return a - b;
        case "*":
          return a * b;
        case "/":
          return a / b;
        case "**":
          return a ** b;
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}

/** The expression bound to a builtin's parameter in a call (by name or by position), if written. */
export function argExpr(call: Call, builtin: Builtin, name: string): Expr | undefined {
  const named = call.args.find((a) => a.name?.name === name);
  if (named) return named.value;
  const index = builtin.params.findIndex((p) => p.name === name);
  const positional = call.args.filter((a) => !a.name);
  return index >= 0 ? positional[index]?.value : undefined;
}

/** The value of a builtin's parameter in a call: as written (folded), else its default. */
export function argValue(call: Call, builtin: Builtin, name: string): ConstValue | null | undefined {
  const e = argExpr(call, builtin, name);
  if (e) return constValue(e);
  return builtin.params.find((p) => p.name === name)?.default as ConstValue | null | undefined;
}
