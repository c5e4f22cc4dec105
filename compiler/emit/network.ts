// Emits the networks: one function per encoder/decoder/applied network, its layers written out in
// order as calls to the runtime's layer functions (runtime/support), grouped exactly as
// runtime/model/network.ts runNetwork groups them (a run of dense layers on vectors is one
// denseChainLayer call), so both compute the same ops.
import type { LayerIR, NetworkIR } from "../ir/types";
import { arr, at, EmitError, eq, num, str, type Emitter } from "./common";

function activationExpr(e: Emitter, x: string, fn: string, alpha?: number): string {
  switch (fn) {
    case "relu":
      return `tf.relu(${x})`;
    case "leaky_relu":
      return `tf.leakyRelu(${x}, ${num(alpha ?? 0.2)})`;
    case "sigmoid":
      return `tf.sigmoid(${x})`;
    case "tanh":
      return `tf.tanh(${x})`;
    case "softplus":
      return `tf.softplus(${x})`;
    case "elu":
      if (alpha === undefined || alpha === 1) return `tf.elu(${x})`;
      e.imports.add("elu");
      return `elu(${x}, ${num(alpha)})`;
    case "linear":
      return x;
    default:
      throw new EmitError(`unknown activation '${fn}'`);
  }
}

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
  const toShape = (target: number[]): void => {
    if (eq(shape, target)) return;
    L.line(`x = tf.reshape(x, [x.shape[0]!${target.map((d) => `, ${d}`).join("")}]);`);
    shape = target;
  };
  L.line("let x = input;");
  toShape(net.input);
  // the first weighted layer skips the input gradient when the input is data (runNetwork's rule)
  let first = true;
  const inputGrad = (): string => (first ? "!c.inputIsData" : "true");
  const layers = net.layers;
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    toShape(l.in);
    const where = at(l.at);
    const reluAfter = (j: number) => layers[j + 1]?.kind === "activation" && (layers[j + 1] as Extract<LayerIR, { kind: "activation" }>).fn === "relu";
    switch (l.kind) {
      case "dense": {
        if (l.in.length === 1) {
          // a run of dense layers on vectors, each with an optional ReLU: one call
          const run: string[] = [];
          let j = i;
          let last = l;
          for (;;) {
            const d = layers[j];
            if (d?.kind !== "dense" || d.in.length !== 1) break;
            last = d;
            const relu = reluAfter(j);
            L.comment(`${at(d.at)} dense ${d.units}${relu ? " + relu" : ""}`);
            run.push(`{ w: ${weight(d.kernel, "2D")}, b: ${biasOf(d.bias)}, activation: ${str(relu ? "relu" : "linear")} }`);
            j += relu ? 2 : 1;
          }
          e.imports.add("denseChainLayer");
          L.line(`x = denseChainLayer(x as tf.Tensor2D, [`);
          for (const r of run) L.line(`${r},`);
          L.line(`], ${inputGrad()});`);
          shape = [last.units];
          toShape(layers[j - 1]!.out);
          i = j - 1;
        } else {
          const relu = reluAfter(i);
          e.imports.add("denseLayer");
          L.comment(`${where} dense ${l.units}${relu ? " + relu" : ""}`);
          L.line(`x = denseLayer(tf.reshape(x, [-1, ${l.in[l.in.length - 1]}]) as tf.Tensor2D, ${weight(l.kernel, "2D")}, ${biasOf(l.bias)}, ${relu}, ${inputGrad()});`);
          shape = null;
          toShape(l.out);
          if (relu) i++;
        }
        first = false;
        break;
      }
      case "conv2d":
      case "conv2d_transpose": {
        const w = weight(l.weights, "4D");
        const b = biasOf(l.bias);
        L.comment(`${where} ${l.kind} ${l.filters} filters ${l.kernel.join("×")}, stride ${l.stride.join("×")}, padding ${l.padding}`);
        if (l.kind === "conv2d") {
          e.imports.add("conv2dLayer");
          L.line(`x = conv2dLayer(x as tf.Tensor4D, ${w}, ${b}, ${arr(l.stride)}, ${str(l.padding)});`);
        } else {
          e.imports.add("conv2dTransposeLayer");
          L.line(`x = conv2dTransposeLayer(x as tf.Tensor4D, ${w}, ${b}, ${arr(l.out)}, ${arr(l.stride)}, ${str(l.padding)});`);
        }
        shape = l.out;
        first = false;
        break;
      }
      case "batch_norm": {
        e.imports.add("batchNormLayer");
        L.comment(`${where} batch_norm`);
        L.line(
          `x = batchNormLayer(x, param(c.params, ${str(l.gamma)}), param(c.params, ${str(l.beta)}), param(c.state, ${str(l.movingMean)}), param(c.state, ${str(l.movingVar)}), c.training, ${num(l.momentum)}, ${num(l.epsilon)});`,
        );
        break;
      }
      case "activation": {
        if (l.fn !== "linear") L.line(`x = ${activationExpr(e, "x", l.fn, l.alpha)}; // ${where} ${l.fn}`);
        break;
      }
      case "reshape":
      case "flatten":
        L.comment(`${where} ${l.kind}`);
        toShape(l.out);
        break;
      case "dropout":
        L.comment(`${where} dropout ${l.rate}`);
        if (l.rate > 0) L.line(`if (c.training) x = tf.dropout(x, ${num(l.rate)}, undefined, deriveSeed(c.seed, ${i}));`);
        break;
      case "max_pool2d":
        e.imports.add("maxPoolLayer");
        L.line(`x = maxPoolLayer(x as tf.Tensor4D, ${arr(l.size)}, ${arr(l.stride)}, ${str(l.padding)}); // ${where} max_pool2d`);
        shape = l.out;
        break;
      case "upsample2d":
        e.imports.add("upsampleLayer");
        L.line(`x = upsampleLayer(x as tf.Tensor4D, ${arr(l.factor)}); // ${where} upsample2d`);
        shape = l.out;
        break;
      case "layer_norm":
        e.imports.add("layerNormLayer");
        L.line(`x = layerNormLayer(x, ${weight(l.gamma, "1D")}, ${weight(l.beta, "1D")}, ${num(l.epsilon)}); // ${where} layer_norm`);
        break;
      case "softmax":
        e.imports.add("softmaxLayer");
        L.line(`x = softmaxLayer(x, ${l.axis}); // ${where} softmax`);
        break;
      default: {
        const bad: never = l;
        throw new EmitError(`unknown layer ${JSON.stringify((bad as LayerIR).kind)}`, (bad as LayerIR).at);
      }
    }
  }
  toShape(net.output);
  L.line("return x;");
  L.line("}");
  L.line();
}
