// Encoder flows (ObjectiveIR.qFlow): q(y|x) is y = f(y₀), y₀ = μ + σ·ε ~ N(μ(x), σ²(x)), with f a
// stack of planar or Sylvester layers, so
//   log q(y|x) = log N(y₀; μ, σ²) − log|det ∂f/∂y₀|.
// The KL is then Monte Carlo, log q(y|x) − log p(y) on the sampled y; the same log-ratio makes the
// IWAE weights. A global flow's layers are the mapping library's (runtime/mapping/planar.ts,
// sylvester.ts), with parameters of the model; an amortised flow's parameters are the encoder's extra
// outputs per datapoint (Posterior.flow, q-flow-amortised.ts).
import * as tf from "@tensorflow/tfjs";
import type { QFlowIR } from "../../compiler/ir/types";
import { planarFlow, planarLayers } from "../mapping/planar";
import { sylvesterFlow, type SylvesterLayer } from "../mapping/sylvester";
import { amortisedFlow } from "./q-flow-amortised";
import { repeatRows } from "../ops/layout";
import type { Posterior } from "../priors/prior";
import { logPriorMinusLogQ } from "./likelihood";

export interface QFlow {
  readonly kind: QFlowIR["kind"];
  /** encoder outputs per datapoint that an amortised flow reads after (μ, log σ²); 0 for a global flow */
  readonly units: number;
  /** y = f(y₀) and log|det ∂f/∂y₀| per row; `params`: an amortised flow's rows of parameters (Posterior.flow) */
  forward(y0: tf.Tensor2D, params?: tf.Tensor2D): { y: tf.Tensor2D; logDet: tf.Tensor1D };
  /** y = f(y₀) alone (representations f(μ(x))) */
  apply(y0: tf.Tensor2D, params?: tf.Tensor2D): tf.Tensor2D;
}

type FlowFn = (y: tf.Tensor2D, withLogDet: boolean, params?: tf.Tensor2D) => { z: tf.Tensor2D; logDet: tf.Tensor1D | null };

/** A QFlow from a layer stack's function, which gives the log-det only when asked. */
function qFlowOf(kind: QFlowIR["kind"], run: FlowFn, units = 0): QFlow {
  return {
    kind,
    units,
    forward: (y0, params) => {
      const r = run(y0, true, params);
      return { y: r.z, logDet: r.logDet! };
    },
    apply: (y0, params) => run(y0, false, params).z,
  };
}

/** The encoder flow of an objective, reading its layers from the model's variables; null for none. */
export function makeQFlow(ir: QFlowIR | undefined, params: Map<string, tf.Variable>): QFlow | null {
  if (!ir) return null;
  if (ir.kind === "amortised_planar" || ir.kind === "amortised_sylvester") {
    return qFlowOf(
      ir.kind,
      (y, withLogDet, a) => {
        if (!a) throw new Error(`internal error: the amortised ${ir.kind} flow was given no parameters from the encoder`);
        return amortisedFlow(ir, y, a, withLogDet);
      },
      ir.units,
    );
  }
  if (ir.kind === "planar") {
    const layers = planarLayers(ir.params, ir.layers, params);
    return qFlowOf(ir.kind, (y, withLogDet) => planarFlow(y, layers, withLogDet));
  }
  if (ir.kind === "sylvester") {
    const get = (id: string | undefined): tf.Variable => {
      const v = id === undefined ? undefined : params.get(id);
      if (!v) throw new Error(`internal error: the encoder flow's parameter ${JSON.stringify(id)} is not declared in the IR`);
      return v;
    };
    const p = ir.params;
    // Householder Q of rank M = D ("orthogonal" kind): compiler/lower/slots.ts lowerQFlow
    const layers: SylvesterLayer[] = Array.from({ length: ir.layers }, (_, l) => ({ q: get(p.q[l]), r1: get(p.r1[l]), r2: get(p.r2[l]), b: get(p.b[l]) }));
    return qFlowOf(ir.kind, (y, withLogDet) => sylvesterFlow(y, layers, withLogDet));
  }
  const bad: never = ir;
  throw new Error(`internal error: unknown encoder flow ${JSON.stringify(bad)}`);
}

/** What the Monte Carlo KL needs of a prior: its log-density (absent prior = N(0, I)). */
export interface DensityPrior {
  readonly kind: string;
  logDensity?(y: tf.Tensor2D): tf.Tensor1D;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * y = f(μ + σ·ε) (f = id without a flow) and log p(y) − log q(y|x) per row, with q's rows aligned
 * with eps (tile q for several samples per datapoint). log N(y₀; μ, σ²) is written with ε (exact, no
 * division by σ); for N(0, I) the 2π terms cancel (likelihood.ts logPriorMinusLogQ).
 */
export function sampleLogRatio(q: Posterior, eps: tf.Tensor2D, flow: QFlow | null, prior: DensityPrior | null | undefined): { y: tf.Tensor2D; logRatio: tf.Tensor1D } {
  const y0 = tf.add(q.mean, tf.mul(tf.exp(tf.mul(q.logvar, 0.5)), eps)) as tf.Tensor2D;
  const { y, logDet } = flow ? flow.forward(y0, q.flow) : { y: y0, logDet: null };
  let ratio: tf.Tensor1D;
  if (!prior) ratio = logPriorMinusLogQ(y, eps, q.logvar);
  else {
    if (!prior.logDensity) throw new Error(`the ${prior.kind} prior has no density, so its KL cannot be taken by Monte Carlo (the compiler should have refused this model)`);
    const logQ0 = tf.sub(tf.mul(tf.sum(tf.add(tf.square(eps), q.logvar), -1), -0.5), HALF_LOG_2PI * eps.shape[1]);
    ratio = tf.sub(prior.logDensity(y), logQ0) as tf.Tensor1D;
  }
  return { y, logRatio: logDet ? (tf.add(ratio, logDet) as tf.Tensor1D) : ratio };
}

/** q's rows repeated k times, sample-major (row c·B + b is datapoint b), like the noise's rows. */
export function tilePosterior(q: Posterior, k: number): Posterior {
  if (k === 1) return q;
  const tile = (t: tf.Tensor2D): tf.Tensor2D => repeatRows(t, k);
  return { mean: tile(q.mean), logvar: tile(q.logvar), ...(q.logits ? { logits: tile(q.logits) } : {}), ...(q.flow ? { flow: tile(q.flow) } : {}) };
}
