// What the compiler knows about a built-in name: where it may be used and which arguments it takes.
// The name checker uses `params` for arity and named arguments; later stages add type rules.

/** The namespaces a built-in lives in; the same word may mean different things in different places. */
export type BuiltinContext =
  | "function" //     bias expressions: sigmoid(x), norm(y), entropy_spread(s)
  | "initializer" //  right-hand side of `param`: normal(D, D, std: 0.01), zeros(D) (networks are allowed there too)
  | "layer" //        network bodies: dense(512), relu, conv2d(32, kernel: 4, stride: 2)
  | "network" //      built-in networks usable as encoder/decoder or as a `param`: mlp(D, [10, 10], D)
  | "data" //         `data x ~ mnist(...)`
  | "prior" //        `intermediary y : Real[50] ~ Normal(0, I)`
  | "flow_layer" //   the layers of a flow prior: `Flow(layers: [actnorm(), affine_coupling(hidden: [64])])`
  | "likelihood" //   `decoder p(x | z) : Bernoulli = ...`
  | "objective" //    `objective elbo(beta: 1)`
  | "q_flow" //       an objective's encoder flow: `elbo(q_flow: sylvester(amortised: true))`
  | "optimizer" //    `train { optimizer: adam(lr: 1e-3) }`
  | "scheme" //       `train { scheme: soft_intro(beta_neg: 256) }`
  | "metric" //       `evaluate { hoyer(z) }`
  | "constant"; //    `I`, `pi`

/** A loose type for argument checking at the name stage; shapes are checked later. */
export type ArgType = "Real" | "Int" | "Bool" | "String" | "Int[]" | "Real[]" | "tensor" | "name" | "network" | "any";

export interface BuiltinParam {
  name: string;
  type: ArgType;
  /** absent = required */
  default?: number | string | boolean | number[] | null;
  doc?: string;
  /** valid values of a number, interval notation with "int" for whole numbers: "int [1, inf)", "(0, 1)" (IV5004) */
  range?: string;
  /** the closed set of values of a String (IV5004) */
  choices?: readonly string[];
  /** the argument is a built-in call of this context, or a list of them (`Flow(layers: [actnorm(), …])`):
   *  names resolve there, and the lowering reads the calls (PriorLowering.calls), not a literal */
  calls?: BuiltinContext;
}

export interface Builtin {
  name: string;
  context: BuiltinContext;
  params: BuiltinParam[];
  /** accepts any number of extra positional arguments of the last param's type (e.g. concat(a, b, c)) */
  variadic?: boolean;
  doc: string;
  /** encourages or measures sparse representations (a penalty using it, or the metric, makes
   *  ModelIR.sparse true, and the report shows its sparsity section) */
  sparsity?: true;
  /** a metric or training scheme that decodes samples of the prior (y ~ p(y), z = g(y)): impossible
   *  when the mapping reads x (IV5091) */
  drawsPrior?: true;
  /** a data source's value range, known before loading (IV5003 checks the likelihood's support against it) */
  values?: readonly [number, number];
  /** a data source's datapoint shape, known before loading: fixed, `flat` when `flatten: true`, or
   *  [its `dim` argument]; absent: only the file knows (idx, csv, npy) */
  point?: { readonly shape: readonly number[]; readonly flat?: readonly number[] } | { readonly dimArg: string };
}
