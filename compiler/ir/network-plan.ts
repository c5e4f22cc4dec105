// How a NetworkIR's layers are grouped into calls, shared by the interpreter (runtime/model/network.ts)
// and the emitter (compiler/emit/network.ts) so that both compute the same ops:
//  - a run of dense layers on vectors, each optionally followed by a ReLU, is one step (one fused op
//    on wasm while training, runtime/ops/dense.ts denseChain);
//  - a dense layer on a higher-rank input computes the ReLU after it too (`relu`);
//  - every other layer is a step of its own, implemented per kind.
// `inputGrad` is false on the first weighted step (a dense or conv layer): when the network's input
// is data, that op may skip its input's gradient.
import type { LayerIR } from "./types";

type Dense = Extract<LayerIR, { kind: "dense" }>;

export type NetworkStep =
  | { kind: "dense_run"; run: { layer: Dense; relu: boolean }[]; out: number[]; first: boolean }
  | { kind: "layer"; layer: LayerIR; index: number; relu: boolean; first: boolean };

/** Kinds whose op can skip its input's gradient (the first of them sees the network's input). */
const WEIGHTED = new Set<LayerIR["kind"]>(["dense", "conv2d", "conv2d_transpose"]);

const reluAt = (layers: readonly LayerIR[], j: number): boolean => {
  const a = layers[j];
  return a?.kind === "activation" && a.fn === "relu";
};

export function planNetwork(layers: readonly LayerIR[]): NetworkStep[] {
  const steps: NetworkStep[] = [];
  let first = true;
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    const isFirst = first && WEIGHTED.has(l.kind);
    if (WEIGHTED.has(l.kind)) first = false;
    if (l.kind === "dense" && l.in.length === 1) {
      const run: { layer: Dense; relu: boolean }[] = [];
      let j = i;
      for (;;) {
        const d = layers[j];
        if (d?.kind !== "dense" || d.in.length !== 1) break;
        const relu = reluAt(layers, j + 1);
        run.push({ layer: d, relu });
        j += relu ? 2 : 1;
      }
      steps.push({ kind: "dense_run", run, out: layers[j - 1]!.out, first: isFirst });
      i = j - 1;
      continue;
    }
    const relu = l.kind === "dense" && reluAt(layers, i + 1);
    steps.push({ kind: "layer", layer: l, index: i, relu, first: isFirst });
    if (relu) i++;
  }
  return steps;
}
