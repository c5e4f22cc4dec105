// What a prior on the intermediary is, in one place: its signature (ranges, defaults, docs), its
// flags (analytic KL, encoder heads, sparsity), the shape of its IR node (a zod schema, which the
// runtime validates ir.json against) and its lowering to that node. The checker, the range checks,
// the lowering, `intel check --verbose`, docs/builtins.md and the IR schema all read these
// descriptors; the runtime implements each IR kind once (runtime/priors/index.ts). See
// docs/architecture.md, "How to add a prior".
import type { z } from "zod";
import type { Span } from "../../../grammar/ast";
import type { Code } from "../../diagnostics/catalog";
import type { InitIR, NetworkIR, Value } from "../../ir/types";
import type { Builtin } from "../types";

/** What a prior's lowering may read and create. Arguments have their defaults filled in. */
export interface PriorLowering {
  args: Record<string, Value>;
  /** a number argument (the model rules range-checked it) */
  num(name: string): number;
  /** D, the size of y (flat: G·K for a `OneHot[G, K]` latent) */
  dim: number;
  /** y's shape as declared: [D], [K] or [G, K] */
  shape: number[];
  /** the data shape, without the batch axis */
  data: number[];
  /** a learnable tensor; returns its param id */
  param(id: string, shape: number[], init: InitIR): string;
  /** a non-learnable tensor (ModelIR.state: saved in checkpoints, moved by no optimizer); returns its id */
  state(id: string, shape: number[], init: InitIR): string;
  /** the built-in calls of a parameter declared with `calls` (a flow prior's layers), in order, arguments as written */
  calls(name: string): { name: string; args: Record<string, Value> }[];
  /** the network the spec gave for a network-typed argument, lowered with its parameters under `path`; undefined: none given */
  network(arg: string, path: string): NetworkIR | undefined;
  /** an MLP Real[inputs] → Real[outputs] (dense + ReLU per hidden size), its parameters under `path` */
  mlp(path: string, inputs: number, hidden: number[], outputs: number): NetworkIR;
}

/** Every prior IR node has a `kind`. */
export type PriorSchema = z.ZodObject<{ kind: z.ZodLiteral<string> } & z.core.$ZodLooseShape>;

export interface PriorDescriptor<S extends PriorSchema = PriorSchema> extends Builtin {
  context: "prior";
  /** the IR node's `kind` */
  kind: z.infer<S>["kind"];
  /** for people: "a mixture of Gaussians" */
  title: string;
  /** the IR node's schema */
  ir: S;
  /** the KL against a Gaussian q has a closed form (else the ELBO uses log q − log p on a sample) */
  analyticKl: boolean;
  /** how a non-analytic KL is estimated, when not by plain Monte Carlo on log p(y) (IV5001's message) */
  klEstimate?: string;
  /** why a Monte Carlo KL (kl: "mc", an encoder flow) is impossible, if it is */
  noMonteCarloKl?: { why: string; hint: string };
  /** encoder values per coordinate of y: 2 (μ, log σ²), 3 with spike logits, 1 (logits) for a categorical */
  heads: 1 | 2 | 3;
  /** the encoder head's size when it is not heads·D (arguments with defaults, y's shape) */
  encoderUnits?(args: Record<string, Value>, shape: number[]): number | null;
  /** encourages sparse representations (the report then shows the sparsity section) */
  sparse: boolean;
  /**
   * The shapes its network-typed arguments must have, from its number arguments (undefined when not
   * literal) and D: the type checker instantiates each given network on `input` and expects `output`
   * (IV3060), and the lowering hands the instance to `PriorLowering.network`.
   */
  networks?(num: (name: string) => number | undefined, dim: number): Record<string, { input: number[]; output: number[]; what: string }>;
  /** checks of literal arguments beyond `range`/`choices` (a list's entries): the model rules report them */
  checkArgs?(arg: (name: string) => { value: unknown; span: Span } | undefined): { code: Code; span: Span; message: string }[];
  lower(l: PriorLowering): z.infer<S>;
  /** `intel check --verbose`, after "y : Real[D] ~ title": the settings and how the KL is computed */
  describe(ir: z.infer<S>, y: string): string;
}

/** A prior's descriptor, its IR type inferred from its schema: `definePrior(schema)({ … })` (curried
 *  so that the lowering's literals are typed by the schema). */
export function definePrior<S extends PriorSchema>(ir: S) {
  return (d: Omit<PriorDescriptor<S>, "context" | "ir">): PriorDescriptor<S> => ({ ...d, ir, context: "prior" });
}
