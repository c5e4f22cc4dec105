// The formatter: idempotent, meaning-preserving, comment-preserving; plus exact layouts.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { format } from "../../grammar/format";
import { parse } from "../../grammar/parse";
import { intelFilesUnder } from "../golden";

/** The AST without positions or comments: what formatting must not change. */
function strip(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(strip);
  if (x && typeof x === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) if (k !== "span" && k !== "comments") out[k] = strip(v);
    return out;
  }
  return x;
}

const FILE = "t.intel";

function fmt(src: string): string {
  const { program, problems } = parse(src, FILE);
  expect(problems, "input must parse").toEqual([]);
  return format(program, src);
}

/** All three properties for one source text; returns the formatted text. */
function checkFormat(src: string, file = FILE): string {
  const a = parse(src, file);
  const out = format(a.program, src);
  const b = parse(out, file);
  expect(b.problems, `formatted output must parse:\n${out}`).toEqual([]);
  expect(strip(b.program), "meaning preserved").toEqual(strip(a.program));
  const texts = (p: typeof a.program) => p.comments.map((c) => c.text);
  expect(texts(b.program), "comments kept, in order").toEqual(texts(a.program));
  expect([...texts(b.program)].sort()).toEqual([...texts(a.program)].sort());
  expect(format(b.program, out), "idempotent").toBe(out);
  return out;
}

const everyFile = ["specs", "test/golden"].filter((d) => existsSync(d)).flatMap((d) => intelFilesUnder(d));
const corpus = everyFile.filter((f) => parse(readFileSync(f, "utf8"), f).problems.length === 0);

describe("format on the corpus (specs/, test/golden/)", () => {
  it.each(corpus)("%s", (f) => {
    checkFormat(readFileSync(f, "utf8"), f);
  });
});

// Every construct of the EBNF, written messily.
const KITCHEN = `
# leading comment

intel   0.1
import   "prelude"   # the library
import "./other.intel"


@allow( discontinuous , infinite_slope )
@allow
bias   sparse < D , K > ( y : Real[ D ] , gamma : Real = 30 , k : Int = -1 , w : Real[D*2, (D+1)*K, ?, D-(K-1)] , ) -> Real[ D ] {
  param   ds = mlp( D , [ 10 , 10 , ] , D )   # learnable
  param w2 : Real[D] = zeros(D)
  let s : Real[D] = softmax( ds( y ) )
  let t = y[ 0 ] + y[ : , 1 : 3 ] - y[ 2: ] * y[ :D ]
  let u = -x ** 2 / (a - -b) ** -c
  let v = (a == b) != (c < d) + (e <= f)
  let q = a >= b
  let r = a > (b)
  let str = "say \\"hi\\"\\n\\tback\\\\slash"
  @allow(infinite_slope)
  penalty   gamma * entropy_spread( s )
  penalty sparsity = 1e-3 * sum(abs(y)) + 2.5E+4 + 0.50
  return y * s
}

network   enc ( x : Real[784] , hidden : Int[] = [512, 256] ) -> Real[100] {
  dense( 512 )
  relu
  relu()
  for   h in hidden {
    dense(h)
    for f in [32, 64] { conv2d( f , kernel : 4 , stride : 2 ) }
  }
  batch_norm(momentum: 0.9, center: true, scale: false)
}

network empty( b : Bool = false , s : String = "a" ) -> Real {
}

model   m {
  data   x : Real[28, 28, 1] ~ mnist( split : "train" )
  data raw ~ csv("x.csv")
  encoder   q( y|x ) = enc( hidden : [512 , 256] )
  intermediary   y:Real[50] ~ Normal( 0 , I )
  mapping z=sparse( y , gamma : 30 )
  decoder p( x|z ) :Bernoulli= mlp_decoder( hidden: [256, 512] )
  objective elbo( beta : 1 )
  train { optimizer : adam( lr : 1e-3 ) , batch : 100 ,
     epochs: 10
  }
  evaluate {
    hoyer(z)
    iwae_nll(k: 500),
  }
  train {}
  evaluate { }
}
`;

const KITCHEN_OUT = `# leading comment

intel 0.1
import "prelude"  # the library
import "./other.intel"

@allow(discontinuous, infinite_slope)
@allow
bias sparse<D, K>(
  y: Real[D],
  gamma: Real = 30,
  k: Int = -1,
  w: Real[D * 2, (D + 1) * K, ?, D - (K - 1)],
) -> Real[D] {
  param ds = mlp(D, [10, 10], D)  # learnable
  param w2: Real[D] = zeros(D)
  let s: Real[D] = softmax(ds(y))
  let t = y[0] + y[:, 1:3] - y[2:] * y[:D]
  let u = -x ** 2 / (a - -b) ** -c
  let v = (a == b) != (c < d) + (e <= f)
  let q = a >= b
  let r = a > (b)
  let str = "say \\"hi\\"\\n\\tback\\\\slash"
  @allow(infinite_slope)
  penalty gamma * entropy_spread(s)
  penalty sparsity = 1e-3 * sum(abs(y)) + 2.5E+4 + 0.50
  return y * s
}

network enc(x: Real[784], hidden: Int[] = [512, 256]) -> Real[100] {
  dense(512)
  relu
  relu()
  for h in hidden {
    dense(h)
    for f in [32, 64] {
      conv2d(f, kernel: 4, stride: 2)
    }
  }
  batch_norm(momentum: 0.9, center: true, scale: false)
}

network empty(b: Bool = false, s: String = "a") -> Real {
}

model m {
  data x : Real[28, 28, 1] ~ mnist(split: "train")
  data raw ~ csv("x.csv")
  encoder q(y | x) = enc(hidden: [512, 256])
  intermediary y : Real[50] ~ Normal(0, I)
  mapping z = sparse(y, gamma: 30)
  decoder p(x | z) : Bernoulli = mlp_decoder(hidden: [256, 512])
  objective elbo(beta: 1)
  train { optimizer: adam(lr: 1e-3), batch: 100, epochs: 10 }
  evaluate { hoyer(z), iwae_nll(k: 500) }
  train {}
  evaluate {}
}
`;

describe("format: every construct", () => {
  it("kitchen sink: exact canonical output, and all properties", () => {
    const out = checkFormat(KITCHEN);
    expect(out).toBe(KITCHEN_OUT);
  });
});

describe("format: exact outputs for small inputs", () => {
  const cases: [string, string, string][] = [
    ["spacing", "model  m{\n  mapping   z=a+b*c\n}\n", "model m {\n  mapping z = a + b * c\n}\n"],
    ["parens kept", "model m {\n  mapping z = ((a + b)) * (c)\n}\n", "model m {\n  mapping z = ((a + b)) * (c)\n}\n"],
    ["numbers raw", "model m {\n  objective elbo(beta: 1.0, lr: 1E-3, n: 007)\n}\n", "model m {\n  objective elbo(beta: 1.0, lr: 1E-3, n: 007)\n}\n"],
    ["blank lines collapse to one", "import \"a\"\n\n\n\nimport \"b\"\nimport \"c\"\n", 'import "a"\n\nimport "b"\nimport "c"\n'],
    ["no blank after { or before }", "model m {\n\n  objective e\n\n}\n", "model m {\n  objective e\n}\n"],
    ["no trailing newline in input", "model m {\n  objective e\n}", "model m {\n  objective e\n}\n"],
    ["empty file", "", ""],
    ["comment-only file", "# just this\n", "# just this\n"],
  ];
  it.each(cases)("%s", (_name, input, expected) => {
    expect(fmt(input)).toBe(expected);
    checkFormat(input);
  });
});

describe("format: comments", () => {
  const cases: [string, string, string][] = [
    [
      "own-line and trailing, end of block",
      "model m { # opens\n# before data\n    data x ~ d   # after data\n      # end of block\n} # closes\n# eof\n",
      "model m {  # opens\n  # before data\n  data x ~ d  # after data\n  # end of block\n}  # closes\n# eof\n",
    ],
    [
      "inside a call forces one argument per line",
      "model m {\n  objective elbo(beta: 1, # the weight\n    k: 2)\n}\n",
      "model m {\n  objective elbo(\n    beta: 1,  # the weight\n    k: 2,\n  )\n}\n",
    ],
    [
      "inside train forces one entry per line",
      "model m {\n  train { lr: 1, # fast\n batch: 2 }\n}\n",
      "model m {\n  train {\n    lr: 1  # fast\n    batch: 2\n  }\n}\n",
    ],
    [
      "two trailing comments on one line: the second on its own line after it",
      "model m {\n  mapping z = (a + # one\n b) # two\n  objective e\n}\n",
      "model m {\n  mapping z = (a + b)  # one\n  # two\n  objective e\n}\n",
    ],
    [
      "own-line comment inside an expression goes after the earlier trailing one",
      "model m {\n  mapping z = (a + # one\n # two\n b)\n}\n",
      "model m {\n  mapping z = (a + b)  # one\n  # two\n}\n",
    ],
    [
      "between annotation and declaration",
      "@allow(discontinuous)\n# about f\nbias f(y: Real) -> Real {\n  return y\n}\n",
      "@allow(discontinuous)\n# about f\nbias f(y: Real) -> Real {\n  return y\n}\n",
    ],
    [
      "in an empty body",
      "network n() -> Real {\n  # nothing yet\n}\n",
      "network n() -> Real {\n  # nothing yet\n}\n",
    ],
    [
      "in a header's parameters",
      "bias f(y: Real, # input\n g: Real) -> Real {\n  return y\n}\n",
      "bias f(\n  y: Real,  # input\n  g: Real,\n) -> Real {\n  return y\n}\n",
    ],
    [
      "inside dims, annotation arguments, an encoder's head and an index: trailing",
      "model m {\n  data x : Real[D, # dims\n 2] ~ d\n  encoder q(y | # e\n x) = n\n}\n@allow(a, # ann\n b)\nbias g<D>(y: Real[D]) -> Real[D] { # open\n  let a = y[0, # idx\n 1]\n  return y\n} # close\n",
      "model m {\n  data x : Real[D, 2] ~ d  # dims\n  encoder q(y | x) = n  # e\n}\n@allow(a, b)  # ann\nbias g<D>(y: Real[D]) -> Real[D] {  # open\n  let a = y[0, 1]  # idx\n  return y\n}  # close\n",
    ],
    ["hash inside a string is not a comment", 'import "a#b"  # real\n', 'import "a#b"  # real\n'],
    ["blank line kept before a comment", "model m {\n  objective e\n\n  # later\n  train {}\n}\n", "model m {\n  objective e\n\n  # later\n  train {}\n}\n"],
  ];
  it.each(cases)("%s", (_name, input, expected) => {
    expect(fmt(input)).toBe(expected);
    checkFormat(input);
  });
});

describe("format: long lines", () => {
  const long = `model m {\n  mapping z = sparse(y, gamma: 30, temperature: 0.5, width: 1000000, depth: 2000000, scale: 12345678)\n}\n`;
  it("wraps an argument list past 100 columns, one per line with a trailing comma", () => {
    expect(fmt(long)).toBe(
      "model m {\n  mapping z = sparse(\n    y,\n    gamma: 30,\n    temperature: 0.5,\n    width: 1000000,\n    depth: 2000000,\n    scale: 12345678,\n  )\n}\n",
    );
    checkFormat(long);
  });
  it("collapses a wrapped list that fits", () => {
    expect(fmt("model m {\n  mapping z = sparse(\n    y,\n    gamma: 30,\n  )\n}\n")).toBe("model m {\n  mapping z = sparse(y, gamma: 30)\n}\n");
  });
  it("breaks a long train block one entry per line, and inner lists only when needed", () => {
    const src = `model m {\n  train { optimizer: adam(lr: 1e-3, beta1: 0.9, beta2: 0.999), batch: 100, epochs: 50, seed: 1234, schedule: cosine }\n}\n`;
    expect(checkFormat(src)).toBe(
      "model m {\n  train {\n    optimizer: adam(lr: 1e-3, beta1: 0.9, beta2: 0.999)\n    batch: 100\n    epochs: 50\n    seed: 1234\n    schedule: cosine\n  }\n}\n",
    );
  });
  it("breaks a long header's parameters", () => {
    const src = `bias a_rather_long_bias_name<D>(y: Real[D], gamma: Real = 30, temperature: Real = 0.5, k: Int = 3) -> Real[D] {\n  return y\n}\n`;
    expect(checkFormat(src)).toBe(
      "bias a_rather_long_bias_name<D>(\n  y: Real[D],\n  gamma: Real = 30,\n  temperature: Real = 0.5,\n  k: Int = 3,\n) -> Real[D] {\n  return y\n}\n",
    );
  });
  it("nested: breaks the outer list, keeps inner calls flat when they fit", () => {
    const args = Array.from({ length: 8 }, (_, i) => `layer_${i}(width: ${i * 100})`).join(", ");
    const src = `model m {\n  evaluate { all([${args}]) }\n}\n`;
    const out = checkFormat(src);
    for (const l of out.split("\n")) expect(l.length).toBeLessThanOrEqual(100);
  });
});

describe("format: never throws on recovered syntax errors", () => {
  it("on every corpus file, with or without problems", () => {
    for (const f of everyFile) {
      const text = readFileSync(f, "utf8");
      expect(() => format(parse(text, f).program, text), f).not.toThrow();
    }
  });
  const broken = [
    "model m {\n  mapping z = \n}\n",
    "bias f(y: ) -> {\n  return\n}\n",
    "model {\n  data x ~ \n  train { lr: }\n  evaluate { , }\n}\n",
    "network n(x: Real[D) -> Real {\n  dense(\n}\n",
    "@allow(\nmodel m { objective elbo(beta: 1 }\n",
    "intel\nimport\n",
    "model m {\n  mapping z = a + * b # c\n}",
  ];
  it.each(broken)("%j", (src) => {
    const { program, problems } = parse(src, FILE);
    expect(problems.length).toBeGreaterThan(0);
    expect(() => format(program, src)).not.toThrow();
    expect(format(program, src)).not.toMatch(/[ \t]$/m);
  });
});
