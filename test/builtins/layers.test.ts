// The layer descriptors (compiler/builtins/layers/): each IR kind's entry carries that kind's
// schema, the emitter and the interpreter cover the same kinds, and the network plan groups layers
// as both expect.
import { describe, expect, it } from "vitest";
import { LAYER_IR, LAYER_KINDS, LAYERS } from "../../compiler/builtins/layers";
import { planNetwork } from "../../compiler/ir/network-plan";
import type { LayerIR } from "../../compiler/ir/types";
import { LAYER_IMPLS } from "../../runtime/model/layer-registry";

const AT = { file: "t", line: 1, col: 1 };

describe("layer descriptors", () => {
  it("LAYER_KINDS is keyed by each schema's own kind, and the runtime registry has the same kinds", () => {
    const kinds = LAYER_IR.options.map((o) => o.shape.kind.value).sort();
    expect(Object.keys(LAYER_KINDS).sort()).toEqual(kinds);
    for (const [k, v] of Object.entries(LAYER_KINDS)) expect((v.ir as (typeof LAYER_IR.options)[number]).shape.kind.value).toBe(k);
    expect(Object.keys(LAYER_IMPLS).sort()).toEqual(kinds);
  });

  it("names are unique and every layer has a doc line", () => {
    expect(new Set(LAYERS.map((l) => l.name)).size).toBe(LAYERS.length);
    for (const l of LAYERS) expect(l.doc.length, l.name).toBeGreaterThan(10);
  });

  it("the plan fuses runs of dense layers on vectors with their ReLUs, and marks the first weighted step", () => {
    const dense = (n: number, m: number): LayerIR => ({ kind: "dense", units: m, kernel: `k${n}`, in: [n], out: [m], at: AT });
    const act = (fn: "relu" | "tanh", n: number): LayerIR => ({ kind: "activation", fn, in: [n], out: [n], at: AT });
    const layers: LayerIR[] = [{ kind: "dropout", rate: 0.1, in: [4], out: [4], at: AT }, dense(4, 8), act("relu", 8), dense(8, 6), act("tanh", 6), dense(6, 2)];
    const steps = planNetwork(layers);
    expect(steps.map((s) => (s.kind === "dense_run" ? `run:${s.run.map((r) => `${r.layer.kernel}${r.relu ? "+relu" : ""}`).join(",")}` : s.layer.kind))).toEqual([
      "dropout",
      "run:k4+relu,k8",
      "activation",
      "run:k6",
    ]);
    expect(steps.map((s) => s.first)).toEqual([false, true, false, false]);
  });
});
