// Operator precedence and associativity (docs/language.md, `expr` … `primary`).
import { describe, expect, it } from "vitest";
import type { Expr } from "../../grammar/ast";
import { expr } from "./helpers";

/** fully parenthesised rendering of an expression tree */
function show(e: unknown): string {
  const x = e as Expr;
  switch (x.kind) {
    case "Binary":
      return `(${show(x.left)} ${x.op} ${show(x.right)})`;
    case "Unary":
      return `(-${show(x.operand)})`;
    case "NumberLit":
      return x.raw;
    case "Name":
      return x.name;
    case "Paren":
      return `[${show(x.inner)}]`;
    case "Call":
      return `${x.callee.name}(${x.args.map((a) => show(a.value)).join(", ")})`;
    default:
      return x.kind;
  }
}
const shape = (src: string): string => show(expr(src));

describe("precedence", () => {
  it("binds ** tighter than unary minus: -x ** 2 = -(x ** 2)", () => {
    expect(shape("-x ** 2")).toBe("(-(x ** 2))");
  });

  it("makes ** right-associative: 2 ** 3 ** 2 = 2 ** (3 ** 2)", () => {
    expect(shape("2 ** 3 ** 2")).toBe("(2 ** (3 ** 2))");
  });

  it("allows a unary minus in an exponent: 2 ** -1", () => {
    expect(shape("2 ** -1")).toBe("(2 ** (-1))");
    expect(shape("2 ** -x ** 2")).toBe("(2 ** (-(x ** 2)))");
  });

  it("makes - and / left-associative", () => {
    expect(shape("a - b - c")).toBe("((a - b) - c)");
    expect(shape("a / b / c")).toBe("((a / b) / c)");
    expect(shape("a - b + c")).toBe("((a - b) + c)");
  });

  it("binds * and / tighter than + and -", () => {
    expect(shape("a + b * c")).toBe("(a + (b * c))");
    expect(shape("a * b + c / d")).toBe("((a * b) + (c / d))");
    expect(shape("-a * b")).toBe("((-a) * b)");
    expect(shape("--a")).toBe("(-(-a))");
  });

  it("puts comparisons lowest", () => {
    expect(shape("a < b")).toBe("(a < b)");
    expect(shape("a + 1 <= b * 2")).toBe("((a + 1) <= (b * 2))");
    for (const op of ["==", "!=", "<", "<=", ">", ">="]) expect(shape(`a ${op} b`)).toBe(`(a ${op} b)`);
  });

  it("keeps the user's parentheses as Paren nodes", () => {
    expect(shape("floor + (1 - floor) * sigmoid(ds(y))")).toBe("(floor + ([(1 - floor)] * sigmoid(ds(y))))");
    expect(shape("(a + b) ** 2")).toBe("([(a + b)] ** 2)");
  });

  it("gives a unary minus the span from '-' to its operand", () => {
    expect(expr("-y")).toMatchObject({ kind: "Unary", op: "-", operand: { kind: "Name", name: "y" }, span: { col: 11, endCol: 13 } });
  });
});
