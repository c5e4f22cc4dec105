// Flow priors for the flow tests: compiled from a spec (so the layers' IR and parameters are the
// lowering's), built directly on variables, optionally with random parameters so that no layer is the
// identity.
import * as tf from "@tensorflow/tfjs";
import { compileSource } from "../../../compiler/compile";
import type { ModelIR } from "../../../compiler/ir/types";
import { initialValue } from "../../../runtime/model/params";
import { FlowPrior } from "../../../runtime/priors/flow";
import { mulberry32, normalFrom } from "../../../runtime/random/seeds";
import { tinySpec } from "../../tiny-spec";

let made = 0;

export function flowIR(layers: string, d: number): ModelIR {
  const r = compileSource(tinySpec({ name: "f", d, prior: `Flow(Normal(0, I), layers: [${layers}])` }), { file: "test/runtime/flows/f.intel" });
  const errors = r.check.diagnostics.filter((x) => x.severity === "error");
  if (errors.length || !r.ir) throw new Error(`the fixture does not compile: ${errors.map((e) => e.message).join("; ")}`);
  return r.ir;
}

/** The prior and its variables; `randomStd` > 0 replaces every parameter by N(init, randomStd²) noise. */
export function flowPrior(layers: string, d: number, randomStd = 0, seed = 1): { prior: FlowPrior; vars: tf.Variable[]; ir: ModelIR } {
  const ir = flowIR(layers, d);
  const normal = normalFrom(mulberry32(seed));
  const tag = made++;
  const params = new Map<string, tf.Variable>();
  ir.params.forEach((p, i) => {
    if (!p.id.startsWith("prior/")) return;
    const v = tf.tidy(() => {
      const init = initialValue(p.shape, p.init, 1000 + i) as tf.Tensor;
      const noise = tf.tensor(Float32Array.from({ length: init.size }, () => randomStd * normal()), init.shape);
      return tf.add(init, noise);
    });
    params.set(p.id, tf.variable(v, true, `flow-test/${tag}/${p.id}`));
  });
  if (ir.latent.prior.kind !== "flow") throw new Error("not a flow prior");
  return { prior: new FlowPrior(ir.latent.prior, { latentDim: d, params, encode: () => { throw new Error("unused"); } }), vars: [...params.values()], ir };
}

/** log |det| of a square row-major matrix, float64 (LU with partial pivoting) */
export function logAbsDet(m: number[][]): number {
  const a = m.map((r) => [...r]);
  const n = a.length;
  let s = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const piv = a[c]![c]!;
    s += Math.log(Math.abs(piv));
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / piv;
      for (let j = c; j < n; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  return s;
}
