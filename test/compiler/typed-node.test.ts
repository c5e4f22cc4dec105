// Typed mapping-node attrs (compiler/ir/schema.ts OP_ATTRS → OpAttrs → TypedNodeIR): a node's typed
// view carries its op's attrs as the schema checked them, and an absent bag reads as empty.
import { describe, expect, expectTypeOf, it } from "vitest";
import { typedNode } from "../../compiler/ir/schema";
import type { NetworkIR, NodeIR, Value } from "../../compiler/ir/types";

const AT = { file: "t", line: 1, col: 1 };

describe("typedNode", () => {
  it("types each schema-checked op's attrs and leaves an absent bag empty", () => {
    const param = typedNode({ op: "param", inputs: [], attrs: { id: "mapping/w" }, shape: [2], at: AT });
    if (param.op !== "param") throw new Error("the op is kept");
    expectTypeOf(param.attrs.id).toEqualTypeOf<string>();
    expect(param.attrs.id).toBe("mapping/w");
    const t = typedNode({ op: "apply", inputs: [0], attrs: { network: { name: "n", input: [2], output: [2], layers: [] } }, shape: [2], at: AT } as NodeIR);
    if (t.op === "apply") expectTypeOf(t.attrs.network).toEqualTypeOf<NetworkIR>();
    const c = typedNode({ op: "const", inputs: [], attrs: { value: [1, 2] }, shape: [2], at: AT });
    if (c.op === "const") expectTypeOf(c.attrs.value).toEqualTypeOf<Value>();
    const add = typedNode({ op: "add", inputs: [0, 1], shape: [2], at: AT });
    expect(add.attrs).toEqual({});
  });
});
