// The IR's zod schema: what the runtime checks every ir.json against before it trusts it (a stale or
// foreign file is refused with the field named, never a crash), and what the compiler checks its own
// output against. Its types must equal compiler/ir/types.ts (checked at the bottom, at compile time);
// prior, likelihood and layer nodes come from their descriptors. Mapping nodes' attrs are checked per op.
import { z } from "zod";
import { lookupBuiltin } from "../builtins";
import { LAYER_IR } from "../builtins/layers";
import { LIKELIHOOD_IR } from "../builtins/likelihoods";
import { OBJECTIVE_IR } from "../builtins/objectives";
import { PRIOR_IR } from "../builtins/priors";
import { SCHEME_IR } from "../builtins/schemes";
import { at, count, id, int, num, shape } from "./parts";
import { IR_VERSION, type ModelIR, type NetworkIR, type NodeIR, type OpName, type TypedNodeIR, type Value } from "./types";

const value: z.ZodType<Value> = z.lazy(() => z.union([num, z.string(), z.boolean(), z.null(), z.array(value)]));

const network: z.ZodType<NetworkIR> = z.object({ name: z.string(), input: shape, output: shape, layers: z.array(LAYER_IR) });

const OPS = [
  "input", "data", "const", "param", "apply",
  "add", "sub", "mul", "div", "pow", "neg",
  "abs", "sqrt", "log", "exp", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "tanh",
  "sigmoid", "softplus", "relu", "leaky_relu", "sign", "floor", "round", "min", "max", "clip",
  "where", "normal_cdf", "eq", "ne", "lt", "le", "gt", "ge",
  "sum", "mean", "norm", "softmax", "matmul", "concat", "slice", "index", "reshape", "stack",
  "entropy_spread", "builtin",
] as const satisfies readonly OpName[];

/** The attrs each op needs (others it may carry pass: builtins' settings, bias bookkeeping); their
 *  inferred types are OpAttrs, which TypedNodeIR (types.ts) gives each op's node. */
const axis = int.nullable();
export const OP_ATTRS = {
  const: z.looseObject({ value }),
  param: z.looseObject({ id }),
  apply: z.looseObject({ network }),
  sum: z.looseObject({ axis, keepdims: z.boolean() }),
  mean: z.looseObject({ axis: axis.optional(), keepdims: z.boolean().optional() }),
  norm: z.looseObject({ ord: num, axis: int, keepdims: z.boolean() }),
  softmax: z.looseObject({ axis: int }),
  slice: z.looseObject({ axis: int, start: int.nullable().optional(), stop: int.nullable().optional() }),
  index: z.looseObject({ axis: int, index: z.union([int, z.array(int)]) }),
  entropy_spread: z.looseObject({ eps: num }),
  builtin: z.looseObject({ fn: z.string().min(1) }),
} satisfies Partial<Record<OpName, z.ZodType>>;

/** Each schema-checked op's attrs, as validateIR guarantees them. */
export type OpAttrs = { [O in keyof typeof OP_ATTRS]: z.infer<(typeof OP_ATTRS)[O]> };

const node = z
  .object({ op: z.enum(OPS), inputs: z.array(z.int().min(0)), attrs: z.record(z.string(), z.union([value, network])).optional(), shape, at, bias: z.string().optional() })
  .superRefine((n, ctx) => {
    const schema = (OP_ATTRS as Partial<Record<OpName, z.ZodType>>)[n.op];
    if (!schema) return;
    const r = schema.safeParse(n.attrs ?? {});
    if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: ["attrs", ...issue.path] } as never);
  });

const init = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("glorot_uniform"), fanIn: num, fanOut: num }),
  z.object({ kind: z.literal("he_normal"), fanIn: num }),
  z.object({ kind: z.literal("zeros") }),
  z.object({ kind: z.literal("ones") }),
  z.object({ kind: z.literal("constant"), value: num }),
  z.object({ kind: z.literal("normal"), mean: num, std: num }),
  z.object({ kind: z.literal("uniform"), low: num, high: num }),
]);
const param = z.object({ id, shape, init, at });

const positive = z.number().positive();
const fraction = z.number().min(0).lt(1);
const optimizer = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("adam"), lr: positive, beta1: fraction, beta2: fraction, epsilon: positive.optional() }),
  z.object({ kind: z.literal("sgd"), lr: positive, momentum: fraction, nesterov: z.union([z.literal(0), z.literal(1)]) }),
  z.object({ kind: z.literal("rmsprop"), lr: positive, decay: fraction, momentum: fraction, epsilon: positive.optional() }),
]);

const settings = z.object({
  min_epochs: z.int().min(0),
  monitor: z.enum(["validation_loss", "train_loss"]),
  validation_every: count,
  checkpoint_steps: count.nullable(),
  checkpoint_minutes: z.number().min(0),
  keep_checkpoints: count,
  log_every: count,
  clip_norm: positive.nullable(),
  lr_schedule: z.enum(["constant", "cosine", "exponential"]),
  lr_decay: z.number().gt(0).max(1),
  lr_warmup: z.int().min(0),
  shuffle: z.boolean(),
  max_steps: count.nullable(),
  backend: z.string(),
});


export const MODEL_IR_SCHEMA = z.object({
  irVersion: z.literal(IR_VERSION),
  name: z.string(),
  source: z.object({ file: z.string(), sha256: z.string() }),
  kind: z.enum(["intel-vae", "baseline"]),
  sparse: z.boolean(),
  data: z.object({ name: z.string(), source: z.string(), args: z.record(z.string(), value), shape, range: z.tuple([num, num]).nullable(), at }),
  encoder: network,
  latent: z.object({ name: z.string(), dim: count, prior: PRIOR_IR, at }),
  mapping: z.object({
    input: z.object({ name: z.string(), shape }),
    nodes: z.array(node),
    output: z.int().min(0),
    penalties: z.array(z.object({ name: z.string(), node: z.int().min(0), at })),
  }),
  decoder: network,
  likelihood: LIKELIHOOD_IR,
  objective: OBJECTIVE_IR,
  train: z.object({
    optimizer,
    groups: z.array(z.object({ name: z.string().min(1), optimizer, params: z.array(id), player: z.enum(["encoder", "decoder"]) })).nullable(),
    scheme: SCHEME_IR.nullable(),
    batch: count, epochs: count, earlyStop: z.int().min(0), seed: z.int().min(0), validation: z.int().min(0), checkpointEvery: z.int().min(0), settings }),
  evaluate: z.array(z.object({ name: z.string(), args: z.record(z.string(), value), at })),
  params: z.array(param),
  state: z.array(param),
});

/** A node's typed view: its attrs as its op's schema checked them (an absent bag is empty), so that
 *  readers need no casts. The one cast is here, where the schema (validateIR, which the compiler
 *  applies to its output and the runtime to every ir.json) stands behind it. */
export function typedNode(n: NodeIR): TypedNodeIR {
  return { ...n, attrs: n.attrs ?? {} } as TypedNodeIR;
}

/** One problem of an IR: the field's path ("latent.prior.k") and what is wrong there. */
export interface IRIssue {
  path: string;
  message: string;
}

/** The IR if `json` is one this version reads, else its problems (the version first: a stale file's other fields are noise). */
export function validateIR(json: unknown): { ir: ModelIR; issues?: undefined } | { ir?: undefined; issues: IRIssue[] } {
  const version = (json as { irVersion?: unknown } | null)?.irVersion;
  if (version !== IR_VERSION) {
    return { issues: [{ path: "irVersion", message: `is ${JSON.stringify(version)}, this intel-vae reads IR ${IR_VERSION}` }] };
  }
  const r = MODEL_IR_SCHEMA.safeParse(json);
  if (r.success) return { ir: withMetricDefaults(r.data as ModelIR) };
  return { issues: r.error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(the file)", message: i.message })) };
}

/** An ir.json written before a metric gained a parameter lacks it: the table's default fills it in,
 *  so the runtime, which reads every argument without a fallback, sees what a fresh lowering writes. */
function withMetricDefaults(ir: ModelIR): ModelIR {
  for (const m of ir.evaluate) {
    for (const p of lookupBuiltin("metric", m.name)?.params ?? []) if (!(p.name in m.args)) m.args[p.name] = (p.default ?? null) as Value;
  }
  return ir;
}

// The schema and the TypeScript types describe the same JSON (a compile-time check).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape: Same<Omit<z.infer<typeof MODEL_IR_SCHEMA>, "mapping">, Omit<ModelIR, "mapping">> = true;
void sameShape;
