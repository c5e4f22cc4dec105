// Encoder flows and the ELBO's estimator options, compiler side: the options check (IV5004, IV5006),
// lower into ObjectiveIR with parameters under "q_flow/", are described by `intel check --verbose`,
// and `intel compile` writes them out; a spec with a Sylvester q flow builds
// and trains a few steps with a finite loss.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile";
import { describeModel } from "../../compiler/describe";
import { emitModel } from "../../compiler/emit/emit";
import type { ModelIR } from "../../compiler/ir/types";
import { buildModel } from "../../runtime/model/build";
import { useTestBackend } from "../runtime/model/gradcheck";
import { RING_SMALL as RING, tinySpec } from "../tiny-spec";

beforeAll(useTestBackend);

const spec = (objective: string, prior = "Normal(0, I)") =>
  tinySpec({ name: "flowy", prior, objective, data: RING, hidden: 8, sigma: 0.3, train: "optimizer: adam(lr: 1e-2), batch: 10, epochs: 1, seed: 3" });

function compiled(objective: string, prior?: string): ModelIR {
  const r = compileSource(spec(objective, prior), { file: "test/lower/q-flow.intel" });
  expect(r.check.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
  expect(r.ir).toBeDefined();
  return r.ir!;
}

const codes = (objective: string, prior?: string) =>
  compileSource(spec(objective, prior), { file: "test/lower/q-flow.intel" })
    .check.diagnostics.filter((d) => d.severity === "error")
    .map((d) => `${d.code} ${d.message}`);

describe("checking the objective's options", () => {
  it("a bad q_flow, q_flow_layers or kl is IV5004", () => {
    expect(codes('elbo(q_flow: "radial")')).toEqual(['IV5004 \'q_flow\' of elbo must be "none", "planar" or "sylvester", got "radial"']);
    expect(codes('iwae(q_flow: "Sylvester")')).toEqual(['IV5004 \'q_flow\' of iwae must be "none", "planar" or "sylvester", got "Sylvester"']);
    expect(codes('elbo(q_flow: "planar", q_flow_layers: 0)')).toEqual(["IV5004 'q_flow_layers' of elbo must be a whole number ≥ 1, got 0"]);
    expect(codes('elbo(kl: "exact")')).toEqual(['IV5004 \'kl\' of elbo must be "auto", "analytic" or "mc", got "exact"']);
    expect(codes("elbo(samples: 0)")).toEqual(["IV5004 'samples' of elbo must be a whole number ≥ 1, got 0"]);
  });

  it('kl: "analytic" without a closed form, and Monte Carlo KLs with spike-and-slab, are IV5006', () => {
    expect(codes('elbo(kl: "analytic", q_flow: "planar")')).toEqual([expect.stringMatching(/^IV5006 kl: "analytic" is impossible with an encoder flow/)]);
    expect(codes('elbo(kl: "analytic")', "MixtureOfGaussians(k: 2)")).toEqual([expect.stringMatching(/^IV5006 kl: "analytic" is impossible with the MixtureOfGaussians prior/)]);
    expect(codes('elbo(kl: "mc")', "SpikeAndSlab(alpha: 0.5)")).toEqual([expect.stringMatching(/^IV5006 kl: "mc" needs a Gaussian q and a prior density/)]);
    expect(codes('iwae(q_flow: "sylvester")', "SpikeAndSlab(alpha: 0.5)")).toEqual([expect.stringMatching(/^IV5006 an encoder flow \(q_flow: "sylvester"\)/)]);
    // what is fine
    expect(codes('elbo(kl: "analytic")')).toEqual([]);
    expect(codes('elbo(kl: "analytic")', "SpikeAndSlab(alpha: 0.5)")).toEqual([]);
    expect(codes('elbo(kl: "mc", samples: 3)', "Laplace(scale: 1)")).toEqual([]);
    expect(codes('elbo(q_flow: "planar")', "VampPrior(k: 4)")).toEqual([]);
  });
});

describe("lowering", () => {
  it("the defaults lower as before: no qFlow, one sample, kl auto; iwae has no qFlow", () => {
    expect(compiled("elbo(beta: 2)").objective).toEqual({ kind: "elbo", beta: 2, warmup: 0, samples: 1, kl: "auto" });
    expect(compiled("iwae(k: 3)").objective).toEqual({ kind: "iwae", k: 3, warmup: 0 });
    expect(compiled('elbo(kl: "mc", samples: 4)').objective).toEqual({ kind: "elbo", beta: 1, warmup: 0, samples: 4, kl: "mc" });
  });

  it("a Sylvester q flow: ids under q_flow/, after every other parameter, Householder Q of rank D", () => {
    const ir = compiled('elbo(q_flow: "sylvester", q_flow_layers: 2)');
    const o = ir.objective;
    expect(o.qFlow).toEqual({
      kind: "sylvester",
      layers: 2,
      params: {
        q: ["q_flow/layer_0/q", "q_flow/layer_1/q"],
        r1: ["q_flow/layer_0/r1", "q_flow/layer_1/r1"],
        r2: ["q_flow/layer_0/r2", "q_flow/layer_1/r2"],
        b: ["q_flow/layer_0/b", "q_flow/layer_1/b"],
      },
    });
    const flow = ir.params.filter((p) => p.id.startsWith("q_flow/"));
    expect(ir.params.slice(-8)).toEqual(flow);
    expect(flow.map((p) => `${p.id} [${p.shape}]`)).toEqual(
      [0, 1].flatMap((l) => [`q_flow/layer_${l}/q [2,2]`, `q_flow/layer_${l}/r1 [2,2]`, `q_flow/layer_${l}/r2 [2,2]`, `q_flow/layer_${l}/b [2]`]),
    );
    // the rest of the model is what it is without the flow
    const plain = compiled("elbo()");
    expect(ir.params.slice(0, -8)).toEqual(plain.params);
  });

  it("a planar q flow on iwae: u, w : [D], b : [] per layer, initialised like planar_flow's", () => {
    const ir = compiled('iwae(k: 4, q_flow: "planar", q_flow_layers: 3)');
    expect(ir.objective).toMatchObject({ kind: "iwae", k: 4, qFlow: { kind: "planar", layers: 3 } });
    const flow = ir.params.filter((p) => p.id.startsWith("q_flow/"));
    expect(flow).toHaveLength(9);
    expect(flow.slice(0, 3).map((p) => [p.id, p.shape, p.init])).toEqual([
      ["q_flow/layer_0/u", [2], { kind: "normal", mean: 0, std: 0.01 }],
      ["q_flow/layer_0/w", [2], { kind: "normal", mean: 0, std: 0.01 }],
      ["q_flow/layer_0/b", [], { kind: "zeros" }],
    ]);
  });
});

describe("describe and emit", () => {
  it("intel check --verbose names the flow and the Monte Carlo KL", () => {
    const lines = describeModel(compiled('elbo(q_flow: "sylvester", q_flow_layers: 2)')).join("\n");
    expect(lines).toMatch(/^model flowy: a baseline: an encoder flow \(q_flow: "sylvester"\)/);
    expect(lines).toMatch(/encoder\s+q\(y\|x\): y = f\(y₀\).*2 Sylvester .* flow layers with global \(non-amortised\) parameters/);
    expect(lines).toMatch(/prior\s+y : Real\[2\] ~ N\(0, I\); KL by Monte Carlo/);
    const mc = describeModel(compiled('elbo(kl: "mc", samples: 3)')).join("\n");
    expect(mc).toMatch(/KL by Monte Carlo .* on 3 samples per datapoint, as kl: "mc" asks/);
    expect(mc).toMatch(/objective\s+ELBO, β = 1, 3 samples of y per datapoint/);
    expect(describeModel(compiled("elbo()")).join("\n")).toMatch(/N\(0, I\); KL analytic/);
  });

  it("intel compile writes out a q flow, samples > 1 and kl: \"mc\" (their parity: test/emit/parity.test.ts)", () => {
    for (const o of ['elbo(q_flow: "sylvester")', "elbo(samples: 2)", 'elbo(kl: "mc")']) {
      const ir = compiled(o);
      const text = emitModel(ir);
      expect(text).not.toMatch(/throw new Error\("intel compile/);
      // the objective the runtime assembles around the program's stages is the IR's
      expect(text).toContain(JSON.stringify(JSON.stringify(ir.objective)).slice(1, -1));
    }
  });
});

describe("a spec with a Sylvester q flow runs", () => {
  it("builds and trains 3 Adam steps with a finite loss; the flow's parameters learn", () => {
    const ir = compiled('elbo(q_flow: "sylvester", q_flow_layers: 2)');
    const m = buildModel(ir, 1);
    const x = tf.mul(tf.randomNormal([10, 2], 0, 1, "float32", 5), 2);
    const flow = [...m.variables.entries()].filter(([id]) => id.startsWith("q_flow/"));
    expect(flow).toHaveLength(8);
    const before = flow.map(([, v]) => v.dataSync().slice());
    const opt = tf.train.adam(1e-2);
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) {
      const cost = opt.minimize(() => m.loss(x, step + 1, true).loss, true, [...m.variables.values()]);
      losses.push(cost!.dataSync()[0]!);
      cost!.dispose();
    }
    expect(losses.every(Number.isFinite), losses.join(", ")).toBe(true);
    flow.forEach(([id, v], i) => expect(Array.from(v.dataSync()), id).not.toEqual(Array.from(before[i]!)));
    opt.dispose();
    x.dispose();
    m.dispose();
  });
});
