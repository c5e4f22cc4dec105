// The built-in tables: well-formed entries, typed defaults, lookups and "did you mean" hints.
import { describe, expect, it } from "vitest";
import { contains, interval } from "../../compiler/builtins/define";
import { functionInfo, FUNCTIONS } from "../../compiler/builtins/functions";
import { BUILTIN_CONTEXTS, builtinsIn, editDistance, lookupBuiltin, suggest, TRAIN_SETTINGS } from "../../compiler/builtins/index";
import type { ArgType, BuiltinParam } from "../../compiler/builtins/types";

const ARG_TYPES: readonly ArgType[] = ["Real", "Int", "Bool", "String", "Int[]", "Real[]", "tensor", "name", "network", "any"];
// docs/language.md, "Lexical structure": none of these can be written as a named argument
const KEYWORDS = new Set(
  "intel import bias network model param let penalty return for in data encoder intermediary mapping decoder objective train evaluate true false Real Int Bool String".split(
    " ",
  ),
);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Does a default value have the parameter's declared type? (null = "none", allowed everywhere) */
function defaultFits(type: ArgType, v: BuiltinParam["default"]): boolean {
  if (v === null || v === undefined) return true;
  const num = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
  switch (type) {
    case "Int":
      return num(v) && Number.isInteger(v);
    case "Real":
      return num(v);
    case "Bool":
      return typeof v === "boolean";
    case "String":
    case "name":
      return typeof v === "string";
    case "Int[]":
      return Array.isArray(v) && v.every((x) => num(x) && Number.isInteger(x));
    case "Real[]":
      return Array.isArray(v) && v.every(num);
    case "tensor":
      return num(v) || (Array.isArray(v) && v.every(num));
    case "any":
      return true;
    case "network":
      return false; // a network has no literal default: null (none) only
  }
}

describe.each(BUILTIN_CONTEXTS)("built-in %ss", (context) => {
  const all = builtinsIn(context);

  it("exist, with unique names that can be written", () => {
    expect(all.length).toBeGreaterThan(0);
    const names = all.map((b) => b.name);
    expect(new Set(names).size, `duplicates: ${names.filter((n, i) => names.indexOf(n) !== i)}`).toBe(names.length);
    for (const n of names) {
      expect(n).toMatch(IDENT);
      expect(KEYWORDS.has(n), n).toBe(false);
    }
  });

  it("are found by lookupBuiltin, in their own context only when the name is theirs", () => {
    for (const b of all) {
      expect(lookupBuiltin(context, b.name)).toBe(b);
      expect(b.context).toBe(context);
    }
    expect(lookupBuiltin(context, "no_such_builtin")).toBeUndefined();
  });

  it("have one-line docs", () => {
    for (const b of all) {
      expect(b.doc.trim().length, b.name).toBeGreaterThan(1);
      expect(b.doc, b.name).not.toContain("\n");
      for (const p of b.params) if (p.doc !== undefined) expect(p.doc, `${b.name}.${p.name}`).not.toContain("\n");
    }
  });

  it("have well-formed parameters: known types, typed defaults, writable unique names, required first", () => {
    for (const b of all) {
      const names = b.params.map((p) => p.name);
      expect(new Set(names).size, b.name).toBe(names.length);
      let seenOptional = false;
      for (const p of b.params) {
        const where = `${b.name}(${p.name})`;
        expect(ARG_TYPES, where).toContain(p.type);
        expect(p.name, where).toMatch(IDENT);
        expect(KEYWORDS.has(p.name), `${where} is a keyword`).toBe(false);
        expect(defaultFits(p.type, p.default), `${where}: default ${JSON.stringify(p.default)} is not ${p.type}`).toBe(true);
        if (p.default !== undefined) seenOptional = true;
        else expect(seenOptional, `${where}: required after optional`).toBe(false);
      }
      if (b.variadic) expect(b.params.length, `${b.name} is variadic without parameters`).toBeGreaterThan(0);
    }
  });
});

describe("training settings", () => {
  it("are unique, typed, and all have defaults", () => {
    const names = TRAIN_SETTINGS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const s of TRAIN_SETTINGS) {
      expect(ARG_TYPES).toContain(s.type);
      expect(s.default, s.name).not.toBeUndefined();
      expect(defaultFits(s.type, s.default), s.name).toBe(true);
      expect(KEYWORDS.has(s.name)).toBe(false);
    }
  });

  it("cover what a trainer needs", () => {
    const names = TRAIN_SETTINGS.map((s) => s.name);
    for (const n of ["optimizer", "batch", "epochs", "early_stop", "seed", "validation_every", "checkpoint_every", "clip_norm"]) {
      expect(names).toContain(n);
    }
  });
});

describe("functions", () => {
  it("cover what the prelude and the paper's mappings use", () => {
    const needed = "abs sqrt log exp sin cos tan asin acos atan atan2 tanh sigmoid softplus relu leaky_relu sign floor round min max clip where normal_cdf pow sum mean norm softmax concat reshape matmul entropy_spread cumsum hierarchy".split(
      " ",
    );
    for (const n of needed) expect(lookupBuiltin("function", n), n).toBeDefined();
  });

  it("carry the static facts bias validation needs", () => {
    for (const f of FUNCTIONS) {
      expect(f.shape, f.name).toBeTruthy();
      expect(["smooth", "kink", "discontinuous"]).toContain(f.continuity);
      if (f.domain) expect(f.domain.lo <= f.domain.hi, f.name).toBe(true);
    }
    const log = functionInfo("log")!;
    expect(contains(log.domain!, 0)).toBe(false);
    expect(contains(log.domain!, 1e-9)).toBe(true);
    expect(contains(functionInfo("sigmoid")!.range!, 0)).toBe(false);
    expect(contains(functionInfo("norm")!.range!, 0)).toBe(true); // norm(y) can be 0: divide by norm(y) + eps
    for (const n of ["sign", "floor", "round", "where"]) expect(functionInfo(n)!.continuity, n).toBe("discontinuous");
    for (const n of ["abs", "relu", "min", "max", "clip", "norm"]) expect(functionInfo(n)!.continuity, n).toBe("kink");
    expect(functionInfo("entropy_spread")!.batch).toBe(true);
    expect(functionInfo("hierarchy")!.learnable).toBe(true);
    expect(functionInfo("concat")!.variadic).toBe(true);
    expect(functionInfo("norm")!.params.find((p) => p.name === "keepdims")!.default).toBe(true);
  });

  it("parse interval notation", () => {
    expect(interval("(0, inf)")).toEqual({ lo: 0, hi: Infinity, loOpen: true, hiOpen: true });
    expect(interval("[-1, 1]")).toEqual({ lo: -1, hi: 1, loOpen: false, hiOpen: false });
    expect(interval("[-pi/2, pi/2]").hi).toBeCloseTo(Math.PI / 2);
    expect(() => interval("0, 1")).toThrow();
  });
});

describe("other contexts hold what the design names", () => {
  const has = (ctx: Parameters<typeof lookupBuiltin>[0], names: string) => {
    for (const n of names.split(" ")) expect(lookupBuiltin(ctx, n), `${ctx} ${n}`).toBeDefined();
  };
  it("layers, networks, initializers", () => {
    has("layer", "dense conv2d conv2d_transpose batch_norm layer_norm flatten reshape relu leaky_relu sigmoid tanh softplus elu dropout");
    has("network", "mlp");
    has("initializer", "normal zeros ones uniform glorot eye");
  });
  it("data, priors, likelihoods, objectives, optimizers, metrics, constants", () => {
    has("data", "mnist fashion_mnist idx csv npy ring square star figure_eight two_gaussians gaussian_clusters sparse_vectors");
    has("prior", "Normal MixtureOfGaussians VampPrior Laplace SpikeAndSlab");
    has("likelihood", "Bernoulli Gaussian Laplace");
    has("objective", "elbo iwae");
    has("optimizer", "adam sgd rmsprop");
    has("metric", "hoyer iwae_nll recon_error fewshot cluster_proportions sample_uncertainty fid_small active_dims");
    has("constant", "I pi");
  });
  it("is case-sensitive", () => {
    expect(lookupBuiltin("prior", "normal")).toBeUndefined();
    expect(lookupBuiltin("initializer", "Normal")).toBeUndefined();
  });
});

describe("suggest", () => {
  const functions = builtinsIn("function").map((b) => b.name);
  it("finds the intended name for common typos", () => {
    expect(suggest("sigmod", functions)).toBe("sigmoid");
    expect(suggest("rleu", functions)).toBe("relu"); // a transposition is one edit
    expect(suggest("entropy_sprad", functions)).toBe("entropy_spread");
    expect(suggest("sofmax", functions)).toBe("softmax");
    expect(suggest("conv2", builtinsIn("layer").map((b) => b.name))).toBe("conv2d");
    expect(suggest("early_stp", TRAIN_SETTINGS.map((s) => s.name))).toBe("early_stop");
    expect(suggest("Adam", builtinsIn("optimizer").map((b) => b.name))).toBe("adam");
    expect(suggest("normal", builtinsIn("prior").map((b) => b.name))).toBe("Normal");
    expect(suggest("bernoulli", builtinsIn("likelihood").map((b) => b.name))).toBe("Bernoulli");
  });
  it("stays quiet when nothing is close", () => {
    expect(suggest("transformer", functions)).toBeUndefined();
    expect(suggest("x", ["I", "y"])).toBeUndefined();
    expect(suggest("", functions)).toBeUndefined();
    expect(suggest("relu", [])).toBeUndefined();
    expect(suggest("relu", ["relu"])).toBeUndefined(); // the name itself is no suggestion
  });
  it("prefers the closest candidate", () => {
    expect(suggest("gamm", ["gamma", "game_theory"])).toBe("gamma");
    expect(suggest("lr", ["l1", "lo"])).toBe("l1"); // tie broken by order
  });
  it("counts edits with transpositions", () => {
    expect(editDistance("abc", "abc")).toBe(0);
    expect(editDistance("abc", "acb")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });
});
