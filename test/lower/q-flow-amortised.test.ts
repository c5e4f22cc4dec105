// The encoder flow's call form, compiler side: `q_flow: sylvester(amortised: true)` lowers to an
// amortised QFlowIR whose units widen the encoder's head (and no q_flow/ parameters); the old string
// form and `sylvester()` lower to the same global flow; the options' errors (IV5006 with the call
// form); `intel check --verbose` says amortised or global; a spec trains 3 Adam steps with a finite
// loss and the head's flow columns learn. The type errors (IV3070–IV3072) are the golden case
// test/golden/types/q-flow-amortised.intel.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile";
import { describeModel } from "../../compiler/describe";
import type { ModelIR } from "../../compiler/ir/types";
import { buildModel } from "../../runtime/model/build";
import { useTestBackend } from "../runtime/model/gradcheck";
import { RING_SMALL as RING, tinySpec } from "../tiny-spec";

beforeAll(useTestBackend);

const spec = (objective: string, d = 2) =>
  tinySpec({ name: "amortised", d, objective, data: RING, hidden: 8, sigma: 0.3, train: "optimizer: adam(lr: 1e-2), batch: 10, epochs: 1, seed: 3" });

function compiled(objective: string, d?: number): ModelIR {
  const r = compileSource(spec(objective, d), { file: "test/lower/q-flow-amortised.intel" });
  expect(r.check.diagnostics.filter((x) => x.severity !== "info")).toEqual([]);
  return r.ir!;
}

const errors = (objective: string) =>
  compileSource(spec(objective), { file: "test/lower/q-flow-amortised.intel" })
    .check.diagnostics.filter((x) => x.severity === "error")
    .map((x) => `${x.code} ${x.message}`);

describe("lowering the call form", () => {
  it('the old string form, sylvester() and sylvester(amortised: false) are one global flow', () => {
    const old = compiled('elbo(q_flow: "sylvester", q_flow_layers: 2)');
    for (const o of ["elbo(q_flow: sylvester(), q_flow_layers: 2)", "elbo(q_flow: sylvester(amortised: false), q_flow_layers: 2)", "elbo(q_flow: sylvester, q_flow_layers: 2)"]) {
      const ir = compiled(o);
      expect(ir.objective).toEqual(old.objective);
      expect(ir.params).toEqual(old.params);
    }
    expect(compiled("iwae(q_flow: planar())").objective.qFlow?.kind).toBe("planar");
  });

  it("amortised Sylvester: no q_flow/ parameters; the head gives 2·D + L·(H·D + D² + 3D) values; reflections default to D", () => {
    const plain = compiled("elbo()", 3);
    const ir = compiled("elbo(q_flow: sylvester(amortised: true), q_flow_layers: 2)", 3);
    expect(ir.objective.qFlow).toEqual({ kind: "amortised_sylvester", layers: 2, reflections: 3, units: 2 * (9 + 9 + 9) });
    expect(ir.encoder.output).toEqual([6 + 54]);
    expect(ir.params.filter((p) => p.id.startsWith("q_flow/"))).toEqual([]);
    const headKernel = (m: ModelIR) => m.params.find((p) => p.id === "encoder/head/kernel")!;
    expect(headKernel(ir).shape).toEqual([8, 60]);
    expect(headKernel(plain).shape).toEqual([8, 6]);
    // everything but the head is the plain model's
    const rest = (m: ModelIR) => m.params.filter((p) => !p.id.startsWith("encoder/head/"));
    expect(rest(ir)).toEqual(rest(plain));
    expect(compiled("iwae(k: 2, q_flow: sylvester(amortised: true, reflections: 1), q_flow_layers: 3)", 3).objective.qFlow).toEqual({ kind: "amortised_sylvester", layers: 3, reflections: 1, units: 3 * (3 + 9 + 9) });
    expect(compiled("elbo(q_flow: planar(amortised: true))").objective.qFlow).toEqual({ kind: "amortised_planar", layers: 4, units: 4 * 5 });
  });

  it('kl: "analytic" with an amortised flow is IV5006, as with a global one', () => {
    expect(errors('elbo(kl: "analytic", q_flow: sylvester(amortised: true))')).toEqual([expect.stringMatching(/^IV5006 kl: "analytic" is impossible with an encoder flow/)]);
    expect(errors("elbo(q_flow: sylvester(amortised: 1))")).toEqual([expect.stringMatching(/^IV3002 'amortised' of sylvester must be a Bool/)]);
  });
});

describe("intel check --verbose", () => {
  it("says amortised, with the head's extra outputs, or global", () => {
    const a = describeModel(compiled("elbo(q_flow: sylvester(amortised: true), q_flow_layers: 2)")).join("\n");
    expect(a).toMatch(/^model amortised: a baseline: an encoder flow \(q_flow: sylvester\(amortised: true\)\)/);
    expect(a).toMatch(/encoder\s+q\(y\|x\): y = f\(y₀\), .*f = 2 Householder-Sylvester flow layers, amortised: parameters per datapoint, 28 more encoder outputs after \(μ, log σ²\), Q from 2 Householder reflections/);
    const g = describeModel(compiled("elbo(q_flow: sylvester(), q_flow_layers: 2)")).join("\n");
    expect(g).toMatch(/2 Sylvester .* flow layers with global \(non-amortised\) parameters/);
    expect(describeModel(compiled("elbo(q_flow: planar(amortised: true))")).join("\n")).toMatch(/4 planar flow layers, amortised: parameters per datapoint, 20 more encoder outputs/);
  });
});

describe("a spec with an amortised Sylvester flow runs", () => {
  it("trains 3 Adam steps with a finite loss; the head's flow columns learn, but for the diagonal of each layer's full A, unused (as in the paper's code)", () => {
    const ir = compiled("elbo(q_flow: sylvester(amortised: true), q_flow_layers: 2)");
    const m = buildModel(ir, 1);
    const x = tf.mul(tf.randomNormal([10, 2], 0, 1, "float32", 5), 2);
    const kernel = m.variables.get("encoder/head/kernel")!;
    const flowCols = (): number[][] => (kernel.arraySync() as number[][]).map((row) => row.slice(4));
    const before = flowCols();
    const opt = tf.train.adam(1e-2);
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) {
      const cost = opt.minimize(() => m.loss(x, step + 1, true).loss, true, [...m.variables.values()]);
      losses.push(cost!.dataSync()[0]!);
      cost!.dispose();
    }
    expect(losses.every(Number.isFinite), losses.join(", ")).toBe(true);
    const after = flowCols();
    // per layer (D = H = 2): reflections [4], A [2, 2] (its diagonal a₀₀, a₁₁ is unused), diagonals of R and R̃ [2 + 2], b [2]
    const unused = [4, 7, 14 + 4, 14 + 7];
    const moved = [...new Set(after.flatMap((row, r) => row.flatMap((v, c) => (v !== before[r]![c] ? [c] : []))))].sort((a, b) => a - b);
    expect(moved).toEqual(Array.from({ length: 28 }, (_, c) => c).filter((c) => !unused.includes(c)));
    opt.dispose();
    x.dispose();
    m.dispose();
  });
});
