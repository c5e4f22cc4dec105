// AST shape for every construct of docs/language.md.
import { describe, expect, it } from "vitest";
import type { BiasDecl, ModelDecl, NetworkDecl } from "../../grammar/ast";
import { expr, parseOk, SMOKE } from "./helpers";

describe("file structure", () => {
  it("parses the smoke spec with no problems", () => {
    const { program } = parseOk(SMOKE);
    expect(program).toMatchObject({
      kind: "Program",
      file: "test.intel",
      version: { text: "0.1" },
      items: [
        { kind: "Import", path: "prelude" },
        { kind: "BiasDecl", name: { name: "sparse" } },
        { kind: "NetworkDecl", name: { name: "conv_encoder" } },
        { kind: "ModelDecl", name: { name: "mnist_sparse" } },
      ],
    });
  });

  it("accepts an empty file, blank lines and a file without header", () => {
    expect(parseOk("").program).toMatchObject({ items: [], comments: [] });
    expect(parseOk("\n\n\n").program.items).toEqual([]);
    const { program } = parseOk('\n\nimport "a"\n\n\nimport "b.intel"');
    expect(program.version).toBeUndefined();
    expect(program.items).toMatchObject([{ path: "a" }, { path: "b.intel" }]);
  });

  it("accepts CRLF line ends", () => {
    const { program } = parseOk('intel 0.1\r\nimport "a"\r\nmodel m {\r\n  objective elbo()\r\n}\r\n');
    expect(program.items).toHaveLength(2);
  });

  it("reads annotations before declarations, with and without arguments", () => {
    const { program } = parseOk(
      "@allow(discontinuous, infinite_slope)\n\n@pure\n@x()\nbias b(y: Real) -> Real {\n  return y\n}\n",
    );
    expect(program.items[0]).toMatchObject({
      kind: "BiasDecl",
      annotations: [
        { kind: "Annotation", name: { name: "allow" }, args: [{ name: "discontinuous" }, { name: "infinite_slope" }] },
        { name: { name: "pure" }, args: [] },
        { name: { name: "x" }, args: [] },
      ],
    });
  });
});

describe("bias", () => {
  const bias = (): BiasDecl => parseOk(SMOKE).program.items[1] as BiasDecl;

  it("has generics, typed params with defaults and a return type", () => {
    expect(bias()).toMatchObject({
      generics: [{ kind: "Ident", name: "D" }],
      params: [
        { kind: "Param", name: { name: "y" }, type: { kind: "TensorType", elem: "Real", dims: [{ kind: "DimVar", name: "D" }] } },
        { name: { name: "gamma" }, type: { kind: "ScalarType", name: "Real" }, default: { kind: "NumberLit", value: 30, raw: "30", isInt: true } },
        { name: { name: "floor" }, default: { kind: "NumberLit", value: 0.2, raw: "0.2", isInt: false } },
      ],
      returnType: { kind: "TensorType", elem: "Real" },
    });
  });

  it("has param, let, penalty and return statements", () => {
    expect(bias().body).toMatchObject([
      { kind: "ParamStmt", name: { name: "ds" }, init: { kind: "Call", callee: { name: "mlp" } } },
      { kind: "LetStmt", name: { name: "s" }, value: { kind: "Binary", op: "+" } },
      { kind: "PenaltyStmt", name: { name: "sparsity" }, value: { kind: "Binary", op: "*" } },
      { kind: "ReturnStmt", value: { kind: "Binary", op: "*" } },
    ]);
  });

  it("reads optional types, unnamed penalties, annotated statements and a trailing comma in params", () => {
    const { program } = parseOk(
      "bias b(y: Real[2], k: Int = 3,) -> Real[2] {\n  param w: Real[2] = zeros(2)\n  let t: Real = 1\n" +
        "  penalty w * w\n  @allow(discontinuous)\n  return sign(y)\n}\n",
    );
    const b = program.items[0] as BiasDecl;
    expect(b.params).toHaveLength(2);
    expect(b.generics).toEqual([]);
    expect(b.body).toMatchObject([
      { kind: "ParamStmt", type: { kind: "TensorType" }, init: { kind: "Call" } },
      { kind: "LetStmt", type: { kind: "ScalarType", name: "Real" } },
      { kind: "PenaltyStmt", value: { kind: "Binary" } },
      { kind: "ReturnStmt", annotations: [{ name: { name: "allow" } }] },
    ]);
    expect(b.body[2]).not.toHaveProperty("name");
  });

  it("accepts a one-line body and an empty parameter list", () => {
    const { program } = parseOk("bias id() -> Real { return 1 }\n");
    expect(program.items[0]).toMatchObject({ params: [], body: [{ kind: "ReturnStmt" }] });
  });
});

describe("network", () => {
  const net = (): NetworkDecl => parseOk(SMOKE).program.items[2] as NetworkDecl;

  it("has generics, list and tensor params", () => {
    expect(net()).toMatchObject({
      generics: [{ name: "H" }, { name: "W" }, { name: "C" }],
      params: [
        { type: { kind: "TensorType", dims: [{ name: "H" }, { name: "W" }, { name: "C" }] } },
        { type: { kind: "ListType", elem: "Int" } },
        { type: { kind: "ScalarType", name: "Int" } },
      ],
      returnType: { kind: "TensorType", dims: [{ kind: "DimBinary", op: "*", left: { name: "latent" }, right: { value: 2 } }] },
    });
  });

  it("has for loops, calls with named args and bare layers", () => {
    expect(net().body).toMatchObject([
      {
        kind: "ForLayer",
        variable: { name: "f" },
        iterable: { kind: "Name", name: "filters" },
        body: [
          {
            kind: "LayerCall",
            bare: false,
            call: {
              callee: { name: "conv2d" },
              args: [
                { value: { name: "f" } },
                { name: { name: "kernel" }, value: { value: 4 } },
                { name: { name: "stride" } },
                { name: { name: "padding" }, value: { kind: "StringLit", value: "same" } },
              ],
            },
          },
          { kind: "LayerCall", bare: true, call: { kind: "Call", callee: { name: "batch_norm" }, args: [] } },
          { kind: "LayerCall", bare: false, call: { args: [{ value: { kind: "NumberLit", value: 0.2 } }] } },
        ],
      },
      { kind: "LayerCall", bare: true, call: { callee: { name: "flatten" } } },
      { kind: "LayerCall", call: { callee: { name: "dense" }, args: [{ value: { kind: "Binary" } }] } },
    ]);
  });

  it("reads `relu()` as not bare and annotated layers", () => {
    const { program } = parseOk("network n(x: Real[?]) -> Real[?] {\n  relu()\n  @allow(discontinuous)\n  step\n}\n");
    expect((program.items[0] as NetworkDecl).body).toMatchObject([
      { bare: false, call: { args: [] } },
      { bare: true, annotations: [{ name: { name: "allow" } }] },
    ]);
  });
});

describe("model", () => {
  const model = (): ModelDecl => parseOk(SMOKE).program.items[3] as ModelDecl;

  it("has every kind of item", () => {
    expect(model().items).toMatchObject([
      { kind: "DataItem", name: { name: "x" }, type: { kind: "TensorType", dims: [{ value: 28 }, { value: 28 }, { value: 1 }] }, source: { kind: "Call", callee: { name: "mnist" } } },
      { kind: "EncoderItem", name: { name: "q" }, latent: { name: "y" }, given: { name: "x" }, network: { kind: "Call", args: [{ name: { name: "filters" }, value: { kind: "ListLit" } }, { name: { name: "latent" } }] } },
      { kind: "IntermediaryItem", name: { name: "y" }, type: { kind: "TensorType" }, prior: { kind: "Call", args: [{ value: { value: 0 } }, { value: { kind: "Name", name: "I" } }] } },
      { kind: "MappingItem", name: { name: "z" }, value: { kind: "Call", callee: { name: "sparse" } } },
      { kind: "DecoderItem", name: { name: "p" }, output: { name: "x" }, given: { name: "z" }, likelihood: { kind: "Name", name: "Bernoulli" }, network: { kind: "Call" } },
      { kind: "ObjectiveItem", value: { kind: "Call", callee: { name: "elbo" } } },
      {
        kind: "TrainItem",
        entries: [
          { kind: "Entry", key: { name: "optimizer" }, value: { kind: "Call", args: [{ value: { raw: "1e-3", value: 0.001, isInt: false } }] } },
          { key: { name: "batch" }, value: { value: 100 } },
          { key: { name: "epochs" } },
          { key: { name: "early_stop" } },
          { key: { name: "seed" } },
        ],
      },
      { kind: "EvaluateItem", metrics: [{ callee: { name: "hoyer" } }, { callee: { name: "iwae_nll" } }, { callee: { name: "fewshot" } }] },
    ]);
  });

  it("reads data without a type, multi-line train blocks with trailing commas and empty blocks", () => {
    const { program } = parseOk(
      "model m {\n  data x ~ mnist()\n  train {\n    batch: 100,\n    epochs: 3\n\n    seed: 1,\n  }\n  evaluate { }\n  evaluate {\n  }\n}\nmodel empty {}\n",
    );
    const m = program.items[0] as ModelDecl;
    expect(m.items[0]).not.toHaveProperty("type");
    expect(m.items).toMatchObject([
      { kind: "DataItem" },
      { kind: "TrainItem", entries: [{ key: { name: "batch" } }, { key: { name: "epochs" } }, { key: { name: "seed" } }] },
      { kind: "EvaluateItem", metrics: [] },
      { kind: "EvaluateItem", metrics: [] },
    ]);
    expect(program.items[1]).toMatchObject({ kind: "ModelDecl", items: [] });
  });
});

describe("types", () => {
  const typeOf = (t: string): unknown => {
    const { program } = parseOk(`bias b(y: ${t}) -> Real {\n  return y\n}\n`);
    return (program.items[0] as BiasDecl).params[0]!.type;
  };

  it("reads scalar, list and tensor types of each element type", () => {
    expect(typeOf("Real")).toMatchObject({ kind: "ScalarType", name: "Real" });
    expect(typeOf("Bool")).toMatchObject({ kind: "ScalarType", name: "Bool" });
    expect(typeOf("String")).toMatchObject({ kind: "ScalarType", name: "String" });
    expect(typeOf("Int[]")).toMatchObject({ kind: "ListType", elem: "Int" });
    expect(typeOf("Real[?]")).toMatchObject({ kind: "TensorType", dims: [{ kind: "DimInfer" }] });
  });

  it("reads dimension arithmetic with precedence and parentheses", () => {
    expect(typeOf("Real[D * 2 + 1]")).toMatchObject({
      dims: [{ kind: "DimBinary", op: "+", left: { kind: "DimBinary", op: "*", left: { kind: "DimVar", name: "D" }, right: { kind: "DimNum", value: 2 } }, right: { value: 1 } }],
    });
    expect(typeOf("Real[(D + 1) / 2, N - 1 - 1]")).toMatchObject({
      dims: [
        { op: "/", left: { op: "+" }, right: { value: 2 } },
        { op: "-", left: { op: "-", left: { name: "N" } }, right: { value: 1 } },
      ],
    });
  });
});

describe("expressions", () => {
  it("reads literals", () => {
    expect(expr("12")).toMatchObject({ kind: "NumberLit", value: 12, raw: "12", isInt: true });
    expect(expr("2.5E+4")).toMatchObject({ kind: "NumberLit", value: 25000, raw: "2.5E+4", isInt: false });
    expect(expr("1e-3")).toMatchObject({ value: 0.001, raw: "1e-3" });
    expect(expr("true")).toMatchObject({ kind: "BoolLit", value: true });
    expect(expr("false")).toMatchObject({ kind: "BoolLit", value: false });
    expect(expr('"a\\"b\\\\c\\nd\\te"')).toMatchObject({ kind: "StringLit", value: 'a"b\\c\nd\te' });
    expect(expr('""')).toMatchObject({ kind: "StringLit", value: "" });
  });

  it("reads lists, with a trailing comma and empty", () => {
    expect(expr("[1, 2, 3]")).toMatchObject({ kind: "ListLit", elements: [{ value: 1 }, { value: 2 }, { value: 3 }] });
    expect(expr("[1, 2,]")).toMatchObject({ kind: "ListLit", elements: [{ value: 1 }, { value: 2 }] });
    expect(expr("[]")).toMatchObject({ kind: "ListLit", elements: [] });
  });

  it("reads names, calls, trailing commas in calls and wrapped argument lists", () => {
    expect(expr("I")).toMatchObject({ kind: "Name", name: "I" });
    expect(expr("f()")).toMatchObject({ kind: "Call", callee: { kind: "Ident", name: "f" }, args: [] });
    expect(expr("f(1, k: 2,)")).toMatchObject({ kind: "Call", args: [{ kind: "Arg", value: { value: 1 } }, { name: { name: "k" } }] });
    expect(expr("f(\n  1,\n  k: [1,\n 2]\n)")).toMatchObject({ kind: "Call", args: [{}, { value: { kind: "ListLit" } }] });
  });

  it("reads indexing and slices", () => {
    expect(expr("y[0]")).toMatchObject({ kind: "Index", target: { name: "y" }, indices: [{ kind: "NumberLit", value: 0 }] });
    expect(expr("y[:, 1:3]")).toMatchObject({
      kind: "Index",
      indices: [
        { kind: "Slice", span: { col: 13, end: expect.any(Number) } },
        { kind: "Slice", start: { value: 1 }, end: { value: 3 } },
      ],
    });
    const open = expr("y[1:, :2]") as { indices: object[] };
    expect(open.indices[0]).toMatchObject({ kind: "Slice", start: { value: 1 } });
    expect(open.indices[0]).not.toHaveProperty("end");
    expect(open.indices[1]).toMatchObject({ kind: "Slice", end: { value: 2 } });
    expect(open.indices[1]).not.toHaveProperty("start");
    expect(expr("y[0][1]")).toMatchObject({ kind: "Index", target: { kind: "Index", target: { name: "y" } } });
    expect(expr("f(x)[0]")).toMatchObject({ kind: "Index", target: { kind: "Call" } });
  });

  it("keeps parentheses", () => {
    expect(expr("(1 - floor)")).toMatchObject({ kind: "Paren", inner: { kind: "Binary", op: "-" } });
    expect(expr("((x))")).toMatchObject({ kind: "Paren", inner: { kind: "Paren", inner: { kind: "Name" } } });
  });
});
