// Emits the networks: one function per encoder/decoder/applied network, its layers written out in
// order as calls to the runtime's layer functions (runtime/support), grouped exactly as the
// interpreter groups them (compiler/ir/network-plan.ts: a run of dense layers on vectors is one
// denseChainLayer call), so both compute the same ops. Each other layer kind is written by its
// descriptor (compiler/builtins/layers/, LAYER_KINDS).
import { LAYER_KINDS, type LayerEmit } from "../builtins/layers";
import { planNetwork } from "../ir/network-plan";
import type { LayerIR, NetworkIR } from "../ir/types";
import { arr, at, EmitError, eq, num, str, type Emitter } from "./common";

const weight = (id: string, as: string) => `param(c.params, ${str(id)}) as tf.Tensor${as}`;
/** A weighted layer's bias, `null` for `use_bias: false` (the layer functions take null as "none"). */
const biasOf = (id: string | undefined) => (id === undefined ? "null" : weight(id, "1D"));

/**
 * One function per network: x [B, ...] → [B, ...net.output], the layers written out in order.
 * `inputShape`: the incoming datapoint shape when known statically (reshapes are emitted only where
 * the runtime's asShape would reshape).
 */
export function emitNetwork(e: Emitter, fnName: string, net: NetworkIR, inputShape: number[] | null, doc: string): void {
  const L = e.lines;
  L.line(`/** ${doc}: [B, ${net.input.join(", ")}] → [B, ${net.output.join(", ")}] */`);
  L.line(`function ${fnName}(input: tf.Tensor, c: NetContext): tf.Tensor {`);
  let shape = inputShape;
  const toShape = (target: readonly number[]): void => {
    if (eq(shape, target)) return;
    L.line(`x = tf.reshape(x, [x.shape[0]!${target.map((d) => `, ${d}`).join("")}]);`);
    shape = [...target];
  };
  L.line("let x = input;");
  toShape(net.input);
  // the first weighted layer skips the input gradient when the input is data (runNetwork's rule)
  const inputGrad = (first: boolean): string => (first ? "!c.inputIsData" : "true");
  for (const step of planNetwork(net.layers)) {
    if (step.kind === "dense_run") {
      toShape(step.run[0]!.layer.in);
      e.imports.add("denseChainLayer");
      for (const { layer: d, relu } of step.run) L.comment(`${at(d.at)} dense ${d.units}${relu ? " + relu" : ""}`);
      L.line(`x = denseChainLayer(x as tf.Tensor2D, [`);
      for (const { layer: d, relu } of step.run) L.line(`{ w: ${weight(d.kernel, "2D")}, b: ${biasOf(d.bias)}, activation: ${str(relu ? "relu" : "linear")} },`);
      L.line(`], ${inputGrad(step.first)});`);
      shape = [step.run[step.run.length - 1]!.layer.units];
      toShape(step.out);
      continue;
    }
    const l = step.layer;
    toShape(l.in);
    const kind = LAYER_KINDS[l.kind] as { emit(l: LayerIR, e: LayerEmit): void } | undefined;
    if (!kind) throw new EmitError(`unknown layer ${JSON.stringify((l as LayerIR).kind)}`, (l as LayerIR).at);
    kind.emit(l, {
      line: (s) => L.line(s),
      comment: (s) => L.comment(s),
      use: (name) => (e.imports.add(name), name),
      weight,
      bias: biasOf,
      param: (id) => `param(c.params, ${str(id)})`,
      state: (id) => `param(c.state, ${str(id)})`,
      shaped: (s) => (shape = s === null ? null : [...s]),
      reshape: toShape,
      num,
      arr,
      str,
      where: at(l.at),
      index: step.index,
      inputGrad: inputGrad(step.first),
      relu: step.relu,
    });
  }
  toShape(net.output);
  L.line("return x;");
  L.line("}");
  L.line();
}
