// Functions of bias expressions (`let`, `penalty`, `return`, parameter defaults, layer arguments),
// and the built-in mappings the language cannot express (hierarchy, flows, clusters on several planes).
//
// Conventions, which every doc line below assumes:
//  - A bias sees ONE datapoint: `y : Real[D]`. The batch axis is implicit and never addressable;
//    the runtime vectorises every function over it. `entropy_spread` is the one exception (batch-level).
//  - `axis` counts the datapoint's own axes: 0 is the first, -1 the last.
//  - Elementwise functions broadcast like NumPy; a scalar broadcasts against any tensor.
//    "tensor" arguments accept scalars; Bool tensors come from comparisons (`y > 0`).
//  - Reductions drop the reduced axis unless `keepdims: true`; `norm` keeps it by default so that
//    `y / (norm(y) + eps)` broadcasts.
//
// Besides the name-stage signature, each entry carries what later stages need: the shape rule (types),
// continuity, the argument domain and the result range (bias validation's interval analysis).
import type { OpName } from "../ir/types";
import { interval, maker, opt, req, type Interval } from "./define";
import type { Builtin, BuiltinParam } from "./types";

export type ShapeRule =
  | "elementwise" // the broadcast shape of the tensor arguments
  | "reduce" //      removes `axis` (every axis when null) unless `keepdims`
  | "same" //        the first argument's shape
  | "concat" //      joins along the last axis
  | "stack" //       a new last axis
  | "reshape" //     the shape d0..d3 (one of them may be -1)
  | "matmul" //      [.., n, k] x [k, m] -> [.., n, m]; a vector [k] acts as a row
  | "transpose" //   swaps the last two axes
  | "dot" //         sums the product over the last axis, which it drops
  | "gather" //      x[.., indices] along the last axis: the indices' shape replaces it
  | "static" //      a compile-time Int (len)
  | "mapping"; //    a whole mapping y -> z; its doc states the output shape

export type Continuity = "smooth" | "kink" | "discontinuous";

/**
 * How a call lowers to mapping nodes (compiler/lower/calls.ts reads it). `op`: the node's own op;
 * absent, a `builtin` node with attrs.fn = the function's name (runtime/mapping/builtins.ts).
 *  - elementwise: one tensor argument x; `fold` computes it on constants where that is exact;
 *  - binary: the first two parameters, folded on constants;
 *  - reduce: x, with attrs axis (null = every axis) and keepdims;
 *  - node: the tensor parameters as inputs, the compile-time values of `attrs` (by parameter name,
 *    Bools as Bools) as attrs;
 *  - variadic: every positional argument, joined along the last axis (attrs.axis = -1);
 *  - special: a rule of its own in calls.ts (constant folding of a branch, optional attrs);
 *  - mapping: a library mapping (compiler/lower/mappings.ts).
 */
export type FunctionLowerRule =
  | { kind: "elementwise"; op?: OpName; fold?: (x: number) => number }
  | { kind: "binary"; op: OpName; fold: (a: number, b: number) => number }
  | { kind: "reduce"; op?: OpName }
  | { kind: "node"; op?: OpName; attrs?: readonly string[] }
  | { kind: "variadic"; op: OpName }
  | { kind: "special" }
  | { kind: "mapping" };

export interface FunctionBuiltin extends Builtin {
  context: "function";
  shape: ShapeRule;
  /** "kink": continuous, not differentiable at isolated points (abs, relu, min) */
  continuity: Continuity;
  /** where the first argument must lie for a finite value AND a finite gradient */
  domain?: Interval;
  /** the set the result lies in */
  range?: Interval;
  /** the gradient is zero almost everywhere (floor, sign, round, stop_gradient) */
  zeroGradient?: true;
  /** reads the whole minibatch: legal only in `penalty` */
  batch?: true;
  /** owns learnable parameters ψ (built-in mappings); its first argument is y */
  learnable?: true;
  lower: FunctionLowerRule;
}

interface Meta {
  lower?: FunctionLowerRule;
  shape?: ShapeRule;
  continuity?: Continuity;
  domain?: string;
  range?: string;
  zeroGradient?: true;
  batch?: true;
  learnable?: true;
  sparsity?: true;
  variadic?: true;
}

const make = maker("function");
function fn(name: string, params: BuiltinParam[], doc: string, meta: Meta = {}): FunctionBuiltin {
  const b = make(name, params, doc, { variadic: meta.variadic }) as FunctionBuiltin;
  b.shape = meta.shape ?? "elementwise";
  const lower = meta.lower ?? (b.shape === "mapping" ? { kind: "mapping" } : undefined);
  if (!lower) throw new Error(`internal error: the function '${name}' has no lowering rule`);
  b.lower = lower;
  b.continuity = meta.continuity ?? "smooth";
  if (meta.domain) b.domain = interval(meta.domain);
  if (meta.range) b.range = interval(meta.range);
  if (meta.zeroGradient) b.zeroGradient = true;
  if (meta.batch) b.batch = true;
  if (meta.learnable) b.learnable = true;
  if (meta.sparsity) b.sparsity = true;
  return b;
}

const softplus = (x: number): number => (x > 30 ? x : Math.log1p(Math.exp(x)));
/** lowering rules, one per entry (FunctionLowerRule) */
const own = (op: OpName, fold?: (x: number) => number): FunctionLowerRule => ({ kind: "elementwise", op, fold });
const viaBuiltin = (fold?: (x: number) => number): FunctionLowerRule => ({ kind: "elementwise", fold });
const binary = (op: OpName, fold: (a: number, b: number) => number): FunctionLowerRule => ({ kind: "binary", op, fold });
const reduce = (op?: OpName): FunctionLowerRule => ({ kind: "reduce", op });
const node = (op?: OpName, ...attrs: string[]): FunctionLowerRule => ({ kind: "node", op, attrs });

const X = [req("x", "tensor")];
const unary = (name: string, doc: string, meta: Meta = {}) => fn(name, X, doc, meta);
const axis = (def: number | null, doc?: string) => opt("axis", "Int", def, doc ?? (def === null ? "none = every axis" : undefined));
const keepdims = (def = false) => opt("keepdims", "Bool", def, "keep the reduced axis with size 1");

const ELEMENTWISE: FunctionBuiltin[] = [
  unary("abs", "|x|; a kink at 0 (subgradient 0)", { lower: own("abs", Math.abs), continuity: "kink", range: "[0, inf)" }),
  unary("sqrt", "√x, the same as x ** 0.5; needs x ≥ 0, and its slope is infinite at 0 (a warning, like x ** 0.5): write sqrt(x + eps) or sqrt(abs(x) + eps)", { lower: own("sqrt", Math.sqrt), domain: "[0, inf)", range: "[0, inf)" }),
  unary("square", "x², elementwise", { lower: viaBuiltin((x) => x * x), range: "[0, inf)" }),
  unary("log", "natural logarithm; needs x > 0: write log(x + eps) for x ≥ 0", { lower: own("log", Math.log), domain: "(0, inf)", range: "(-inf, inf)" }),
  unary("log1p", "log(1 + x), accurate for small x; needs x > -1", { lower: viaBuiltin(Math.log1p), domain: "(-1, inf)" }),
  unary("exp", "eˣ", { lower: own("exp", Math.exp), range: "(0, inf)" }),
  unary("expm1", "eˣ − 1, accurate for small x", { lower: viaBuiltin(Math.expm1), range: "(-1, inf)" }),
  unary("sin", "sine (radians)", { lower: own("sin", Math.sin), range: "[-1, 1]" }),
  unary("cos", "cosine (radians)", { lower: own("cos", Math.cos), range: "[-1, 1]" }),
  unary("tan", "tangent (radians); infinite at π/2 + kπ", { lower: own("tan", Math.tan) }),
  unary("asin", "arcsine in [−π/2, π/2]; needs −1 < x < 1 (infinite slope at ±1)", { lower: own("asin", Math.asin), domain: "(-1, 1)", range: "[-pi/2, pi/2]" }),
  unary("acos", "arccosine in [0, π]; needs −1 < x < 1 (infinite slope at ±1)", { lower: own("acos", Math.acos), domain: "(-1, 1)", range: "[0, pi]" }),
  unary("atan", "arctangent in (−π/2, π/2)", { lower: own("atan", Math.atan), range: "(-pi/2, pi/2)" }),
  fn("atan2", [req("y", "tensor"), req("x", "tensor")], "the angle of the point (x, y) in (−π, π]; its gradient is undefined at (0, 0): guard the origin, e.g. atan2(v, where(u*u + v*v > 0, u, 1))", { lower: binary("atan2", Math.atan2), range: "[-pi, pi]" }),
  unary("sinh", "hyperbolic sine", { lower: viaBuiltin(Math.sinh) }),
  unary("cosh", "hyperbolic cosine", { lower: viaBuiltin(Math.cosh), range: "[1, inf)" }),
  unary("tanh", "hyperbolic tangent", { lower: own("tanh", Math.tanh), range: "(-1, 1)" }),
  unary("sigmoid", "logistic 1 / (1 + e⁻ˣ)", { lower: own("sigmoid", (x) => 1 / (1 + Math.exp(-x))), range: "(0, 1)" }),
  unary("softplus", "log(1 + eˣ), a smooth relu", { lower: own("softplus", softplus), range: "(0, inf)" }),
  unary("relu", "max(x, 0)", { lower: own("relu", (x) => Math.max(x, 0)), continuity: "kink", range: "[0, inf)" }),
  fn("leaky_relu", [req("x", "tensor"), opt("alpha", "Real", 0.2)], "x for x ≥ 0, alpha·x below", { lower: { kind: "special" }, continuity: "kink" }),
  fn("elu", [req("x", "tensor"), opt("alpha", "Real", 1)], "x for x ≥ 0, alpha·(eˣ − 1) below", { lower: { kind: "special" }, continuity: "kink", range: "(-inf, inf)" }),
  unary("normal_cdf", "Φ(x), the standard normal CDF", { lower: own("normal_cdf"), range: "(0, 1)" }),
  unary("normal_log_cdf", "log Φ(x), accurate in the left tail", { lower: viaBuiltin(), range: "(-inf, 0)" }),
  unary("sign", "−1, 0 or 1; discontinuous at 0, zero gradient", { lower: own("sign", Math.sign), continuity: "discontinuous", range: "[-1, 1]", zeroGradient: true }),
  unary("floor", "largest integer ≤ x; discontinuous, zero gradient", { lower: own("floor", Math.floor), continuity: "discontinuous", zeroGradient: true }),
  unary("ceil", "smallest integer ≥ x; discontinuous, zero gradient", { lower: viaBuiltin(Math.ceil), continuity: "discontinuous", zeroGradient: true }),
  unary("round", "nearest integer (halves to even); discontinuous, zero gradient", { lower: own("round"), continuity: "discontinuous", zeroGradient: true }),
  unary("stop_gradient", "x in the forward pass, no gradient backwards (ψ behind it does not learn through this path)", { lower: viaBuiltin((x) => x), zeroGradient: true }),
  fn("pow", [req("x", "tensor"), req("p", "tensor")], "xᵖ, the same as x ** p; a non-integer p needs x > 0 (x ≥ 0 has an infinite slope at 0 when p < 1)", { lower: binary("pow", (a, b) => a ** b) }),
  fn("min", [req("a", "tensor"), req("b", "tensor")], "elementwise minimum of a and b (amin reduces)", { lower: binary("min", Math.min), continuity: "kink" }),
  fn("max", [req("a", "tensor"), req("b", "tensor")], "elementwise maximum of a and b (amax reduces)", { lower: binary("max", Math.max), continuity: "kink" }),
  fn("mod", [req("x", "tensor"), req("m", "Real")], "x − m·floor(x / m), in [0, m) for m > 0; discontinuous where x is a multiple of m", { lower: { kind: "special" }, continuity: "discontinuous" }),
  fn("clip", [req("x", "tensor"), req("lo", "Real"), req("hi", "Real")], "min(max(x, lo), hi); result in [lo, hi]", { lower: { kind: "special" }, continuity: "kink" }),
  fn("where", [req("cond", "any", "a Bool or Bool tensor (a comparison)"), req("a", "tensor"), req("b", "tensor")], "a where cond holds, else b, elementwise; discontinuous in y when cond depends on y; gradients flow only into the chosen branch", { lower: { kind: "special" }, continuity: "discontinuous" }),
];

const REDUCTIONS: FunctionBuiltin[] = [
  fn("sum", [req("x", "tensor"), axis(null), keepdims()], "sum over `axis`", { lower: reduce("sum"), shape: "reduce" }),
  fn("mean", [req("x", "tensor"), axis(null), keepdims()], "mean over `axis`", { lower: reduce("mean"), shape: "reduce" }),
  fn("prod", [req("x", "tensor"), axis(null), keepdims()], "product over `axis`", { lower: reduce(), shape: "reduce" }),
  fn("amin", [req("x", "tensor"), axis(null), keepdims()], "minimum over `axis`", { lower: reduce(), shape: "reduce", continuity: "kink" }),
  fn("amax", [req("x", "tensor"), axis(null), keepdims()], "maximum over `axis`", { lower: reduce(), shape: "reduce", continuity: "kink" }),
  fn("logsumexp", [req("x", "tensor"), axis(null), keepdims()], "log Σ eˣ over `axis`, computed stably", { lower: reduce(), shape: "reduce" }),
  fn(
    "norm",
    [req("x", "tensor"), opt("ord", "Real", 2, "p ≥ 1 of the Lp norm"), axis(-1), keepdims(true)],
    "Lp norm (L2 by default) over the last axis, KEEPING it with size 1: for y : Real[D], norm(y) : Real[1], so y / (norm(y) + eps) broadcasts. Can be 0: divide by norm(y) + eps. Kink at 0, where the runtime's gradient is 0",
    { lower: node("norm", "ord", "axis", "keepdims"), shape: "reduce", continuity: "kink", range: "[0, inf)" },
  ),
  fn("softmax", [req("x", "tensor"), axis(-1)], "e^xᵢ / Σⱼ e^xⱼ over `axis`; positive, sums to 1", { lower: node("softmax", "axis"), shape: "same", range: "(0, 1)" }),
  fn("log_softmax", [req("x", "tensor"), axis(-1)], "log softmax(x), computed stably", { lower: node(undefined, "axis"), shape: "same", range: "(-inf, 0)" }),
  fn("cumsum", [req("x", "tensor"), axis(-1)], "running sum along `axis`: [x₀, x₀+x₁, …]", { lower: node(undefined, "axis"), shape: "same" }),
  fn("dot", [req("a", "tensor"), req("b", "tensor")], "Σ aᵢ·bᵢ over the last axis, which it drops", { lower: node(), shape: "dot" }),
  fn(
    "entropy_spread",
    [req("s", "tensor", "positive scores, one Real[D] per datapoint"), opt("eps", "Real", 1e-8, "inside the logarithms")],
    "the sparsity penalty L_sp = meanᵢ H(pᵢ) − H(meanᵢ pᵢ) with pᵢ = sᵢ / Σ sᵢ and H(p) = −Σ p·log(p + eps), i over the MINIBATCH (batch-level: use it in `penalty`). ≤ 0; lower = each point uses few dimensions while the batch uses them all",
    { lower: node("entropy_spread", "eps"), shape: "reduce", batch: true, range: "(-inf, 0]", sparsity: true },
  ),
];

const SHAPES: FunctionBuiltin[] = [
  fn("concat", [req("x", "tensor")], "joins its arguments along the last axis: concat(y[0:2], y[2:]) = y", { lower: { kind: "variadic", op: "concat" }, shape: "concat", variadic: true }),
  fn("stack", [req("x", "tensor")], "stacks same-shaped arguments along a new last axis", { lower: { kind: "variadic", op: "stack" }, shape: "stack", variadic: true }),
  fn("reshape", [req("x", "tensor"), req("d0", "Int"), opt("d1", "Int", null), opt("d2", "Int", null), opt("d3", "Int", null)], "the same values in shape [d0, d1, …] (row-major); one dimension may be -1 (inferred)", { lower: node("reshape"), shape: "reshape" }),
  fn("transpose", X, "swaps the last two axes", { lower: node(), shape: "transpose" }),
  fn("matmul", [req("a", "tensor"), req("b", "tensor")], "matrix product; y : Real[D] times M : Real[D, E] is y·M : Real[E]", { lower: node("matmul"), shape: "matmul" }),
  fn("gather", [req("x", "tensor"), req("indices", "tensor", "Int-valued; Real values are truncated")], "x at `indices` along the last axis; no gradient to the indices", { lower: { kind: "special" }, shape: "gather" }),
  fn("len", [req("list", "Int[]")], "the number of elements of a list (a compile-time Int, e.g. for layer sizes)", { lower: { kind: "special" }, shape: "static" }),
];

const MAPPINGS: FunctionBuiltin[] = [
  fn(
    "hierarchy",
    [req("y", "tensor"), req("splits", "Int[]", "sizes s₀…s_N, summing to D"), opt("activation", "String", "relu")],
    "the paper's hierarchical mapping (built in because the language has no variable number of networks): y = [y₀…y_N] by `splits`, z₀ = y₀, zᵢ = act(Wᵢ·[z_{i−1}, yᵢ] + bᵢ) of size sᵢ, z = concat(z₀…z_N) : Real[D]",
    { shape: "mapping", learnable: true, continuity: "kink" },
  ),
  fn(
    "clusters_product",
    [req("y", "tensor"), req("ks", "Int[]", "sectors per plane; K = ∏ ks"), opt("c1", "Real", 5), opt("c2", "Real", 0.2), opt("eps", "Real", 1e-6)],
    "K = ∏ kᵢ clusters with one plane per factor: the prelude's `clusters(k: kᵢ)` applied to dims (2i, 2i+1) in turn (built in because the number of planes varies); Real[D] → Real[D], D ≥ 2·len(ks)",
    { shape: "mapping", continuity: "kink" },
  ),
  fn("planar_flow", [req("y", "tensor"), opt("layers", "Int", 4)], "planar flow (Rezende & Mohamed 2015): `layers` maps y + u·tanh(wᵀy + b), with u constrained so that each is invertible; Real[D] → Real[D]", {
    shape: "mapping",
    learnable: true,
  }),
  fn("radial_flow", [req("y", "tensor"), opt("layers", "Int", 4)], "radial flow: `layers` maps y + β·h(α, r)·(y − y₀), r = ‖y − y₀‖, β ≥ −α for invertibility; Real[D] → Real[D]", {
    shape: "mapping",
    learnable: true,
  }),
  fn(
    "sylvester_flow",
    [req("y", "tensor"), opt("layers", "Int", 4), opt("rank", "Int", null, "M ≤ D; none = D"), opt("kind", "String", "orthogonal", '"orthogonal", "householder" or "triangular"')],
    "Sylvester flow (van den Berg et al. 2018): `layers` maps y + A·tanh(B·y + b) with A = Q·R, B = R̃·Qᵀ; Real[D] → Real[D]",
    { shape: "mapping", learnable: true },
  ),
];

export const FUNCTIONS: readonly FunctionBuiltin[] = [...ELEMENTWISE, ...REDUCTIONS, ...SHAPES, ...MAPPINGS];

const BY_NAME = new Map(FUNCTIONS.map((f) => [f.name, f]));

/** The function entry with its shape, continuity, domain and range (bias validation reads these). */
export function functionInfo(name: string): FunctionBuiltin | undefined {
  return BY_NAME.get(name);
}
