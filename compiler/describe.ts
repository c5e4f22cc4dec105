// `intel check --verbose`: what the compiler decided about a model, read off its IR: InteL-VAE or
// baseline, an encoder flow, the prior and how its KL is computed (analytic or Monte Carlo: an encoder
// flow or kl: "mc" makes it Monte Carlo whatever the prior), the mapping's size and penalties, the
// objective, the likelihood and the parameter count.
import { likelihoodByKind } from "./builtins/likelihoods";
import { objectiveByKind } from "./builtins/objectives";
import { priorByKind } from "./builtins/priors";
import { mappingReadsData, type ModelIR } from "./ir/types";

/** Why the KL is Monte Carlo whatever the prior: an encoder flow, or `kl: "mc"`; null otherwise. */
function forcedMonteCarlo(ir: ModelIR): string | null {
  const o = ir.objective;
  const per = o.kind === "elbo" && (o.samples ?? 1) > 1 ? `${o.samples} samples` : "one sample";
  if (o.qFlow) return `KL by Monte Carlo (log q(${ir.latent.name}|x) − log p(${ir.latent.name}) on ${per} per datapoint: the encoder flow makes q non-Gaussian)`;
  if (o.kind === "elbo" && o.kl === "mc") return `KL by Monte Carlo (log q(${ir.latent.name}|x) − log p(${ir.latent.name}) on ${per} per datapoint, as kl: "mc" asks)`;
  return null;
}

function priorLine(ir: ModelIR): string {
  const p = ir.latent.prior;
  // a discrete latent is written as declared: OneHot[K] or OneHot[G, K] (the mapping's input shape)
  const type = p.kind === "categorical" ? `OneHot[${ir.mapping.input.shape.join(", ")}]` : `Real[${ir.latent.dim}]`;
  const y = `${ir.latent.name} : ${type} ~ ${priorByKind(p.kind)?.title ?? p.kind}`;
  const mc = forcedMonteCarlo(ir);
  if (mc) return `${y}; ${mc}`;
  const d = priorByKind(p.kind);
  if (!d) return `${ir.latent.name} : Real[${ir.latent.dim}] ~ ${p.kind}`;
  return `${y}${d.describe(p as never, ir.latent.name)}`;
}

function objectiveLine(ir: ModelIR): string {
  const o = ir.objective;
  return objectiveByKind(o.kind)?.describe(o as never, ir.latent.name) ?? o.kind;
}

const FLOW_NAMES = {
  planar: "planar",
  sylvester: "Sylvester (orthogonal Q, rank D)",
  amortised_planar: "planar",
  amortised_sylvester: "Householder-Sylvester",
} as const;

/** "sylvester(amortised: true)" or "sylvester": how the spec names the flow */
function flowName(f: NonNullable<ModelIR["objective"]["qFlow"]>): string {
  return f.kind === "amortised_planar" ? "planar(amortised: true)" : f.kind === "amortised_sylvester" ? "sylvester(amortised: true)" : f.kind;
}

/** The encoder flow, when there is one (the planar and Sylvester baselines). */
function encoderLine(ir: ModelIR): string[] {
  const f = ir.objective.qFlow;
  if (!f) return [];
  const y = ir.latent.name;
  const layers = `${f.layers} ${FLOW_NAMES[f.kind]} flow layer${f.layers === 1 ? "" : "s"}`;
  const params =
    f.kind === "amortised_planar" || f.kind === "amortised_sylvester"
      ? `, amortised: parameters per datapoint, ${f.units} more encoder outputs after (μ, log σ²)${f.kind === "amortised_sylvester" ? `, Q from ${f.reflections} Householder reflection${f.reflections === 1 ? "" : "s"}` : ""}`
      : " with global (non-amortised) parameters";
  return [`  encoder     q(${y}|x): ${y} = f(${y}₀), ${y}₀ ~ N(μ(x), σ²(x)), f = ${layers}${params}; log q subtracts log|det ∂f/∂${y}₀|; representations g(f(μ(x)))`];
}

function likelihoodLine(ir: ModelIR): string {
  const d = likelihoodByKind(ir.likelihood.kind);
  return d ? d.describe(ir.likelihood as never) : ir.likelihood.kind;
}

function kindLine(ir: ModelIR): string {
  if (mappingReadsData(ir.mapping)) return `not a generative model: the mapping reads the data ${ir.data.name} (IV5090), so there is no p(z) and no sample`;
  const f = ir.objective.qFlow;
  const flow = f ? `an encoder flow (q_flow: ${f.kind.startsWith("amortised_") ? flowName(f) : `"${f.kind}"`})` : null;
  if (ir.kind !== "intel-vae") return `a baseline (its prior is not N(0, I))${flow ? `, with ${flow}` : ""}`;
  return flow ? `a baseline: ${flow} makes q(${ir.latent.name}|x) non-Gaussian; the prior is N(0, I) and the mapping applies as usual` : "an InteL-VAE";
}

/** One model's summary, a line per aspect, for people. */
export function describeModel(ir: ModelIR): string[] {
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const count = ir.params.reduce((a, p) => a + size(p.shape), 0);
  const ops = ir.mapping.nodes.filter((n) => n.op !== "input").length;
  const penalties = ir.mapping.penalties.map((p) => p.name);
  const z = ir.mapping.nodes[ir.mapping.output]?.shape ?? [];
  return [
    `model ${ir.name}: ${kindLine(ir)}`,
    `  data        ${ir.data.name} : Real[${ir.data.shape.join(", ")}] from ${ir.data.source}`,
    ...encoderLine(ir),
    `  prior       ${priorLine(ir)}`,
    `  mapping     ${ops === 0 ? "identity" : `${ops} op${ops === 1 ? "" : "s"}`} → z : Real[${z.join(", ")}]; penalties: ${penalties.length ? penalties.join(", ") : "none"}`,
    `  likelihood  ${likelihoodLine(ir)}`,
    `  objective   ${objectiveLine(ir)}`,
    `  parameters  ${count.toLocaleString("en-US")} in ${ir.params.length} tensors`,
  ];
}
