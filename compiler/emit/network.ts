// Emits the networks: one function per encoder/decoder/applied network, its layers written out in
// order (dense, conv, batch norm, activations, reshapes, dropout), as runtime/model/build.ts runs them.
import type { LayerIR, NetworkIR } from "../ir/types";
import { arr, at, EmitError, eq, num, str, type Emitter } from "./common";

// ---------- networks ----------

type Layer<K extends LayerIR["kind"]> = Extract<LayerIR, { kind: K }>;

function activationExpr(x: string, fn: string, alpha?: number): string {
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
      return alpha === undefined || alpha === 1 ? `tf.elu(${x})` : `elu(${x}, ${num(alpha)})`;
    case "linear":
      return x;
    default:
      throw new EmitError(`unknown activation '${fn}'`);
  }
}

/**
 * One function per network: x [B, ...] → [B, ...net.output], the layers written out in order.
 * `inputShape`: the incoming datapoint shape when known statically (reshapes are emitted only where
 * the runtime's asShape would reshape).
 */
export function emitNetwork(e: Emitter, fnName: string, net: NetworkIR, inputIsData: boolean, inputShape: number[] | null, doc: string): void {
  const L = e.lines;
  L.line(`/** ${doc}: [B, ${net.input.join(", ")}] → [B, ${net.output.join(", ")}] */`);
  L.line(`function ${fnName}(input: tf.Tensor, c: NetContext): tf.Tensor {`);
  let shape = inputShape;
  const toShape = (target: number[], v = "x"): void => {
    if (eq(shape, target)) return;
    L.line(`${v} = tf.reshape(${v}, [${v}.shape[0]!${target.map((d) => `, ${d}`).join("")}]);`);
    shape = target;
  };
  L.line("let x = input;");
  toShape(net.input);
  let dataInput = inputIsData;
  const layers = net.layers;
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    toShape(l.in);
    const where = at(l.at);
    switch (l.kind) {
      case "dense": {
        const next = layers[i + 1];
        const relu = next?.kind === "activation" && next.fn === "relu";
        L.comment(`${where} dense ${l.units}${relu ? " + relu" : ""}`);
        const flat = l.in.length === 1 ? "x as tf.Tensor2D" : `tf.reshape(x, [-1, ${l.in[l.in.length - 1]}]) as tf.Tensor2D`;
        L.line(
          `x = dense(${flat}, param(c.params, ${str(l.kernel)}) as tf.Tensor2D, param(c.params, ${str(l.bias ?? "")}) as tf.Tensor1D, { activation: ${str(relu ? "relu" : "linear")}, inputGrad: ${!dataInput} });`,
        );
        shape = l.in.length === 1 ? [l.units] : null;
        toShape(l.out);
        if (relu) i++;
        dataInput = false;
        break;
      }
      case "conv2d":
      case "conv2d_transpose": {
        const w = `param(c.params, ${str(l.weights)}) as tf.Tensor4D`;
        const b = `param(c.params, ${str(l.bias ?? "")})`;
        L.comment(`${where} ${l.kind} ${l.filters} filters ${l.kernel.join("×")}, stride ${l.stride.join("×")}, padding ${l.padding}`);
        if (l.kind === "conv2d") L.line(`x = tf.add(conv2d(x as tf.Tensor4D, ${w}, ${arr(l.stride)}, ${str(l.padding)}), ${b});`);
        else L.line(`x = tf.add(conv2dTranspose(x as tf.Tensor4D, ${w}, ${arr([l.out[0]!, l.out[1]!])}, ${arr(l.stride)}, ${str(l.padding)}), ${b});`);
        shape = l.out;
        dataInput = false;
        break;
      }
      case "batch_norm": {
        e.helpers.add("batchNorm");
        const bn = l as Layer<"batch_norm">;
        L.comment(`${where} batch_norm`);
        L.line(`x = batchNorm(x, c, ${str(bn.gamma)}, ${str(bn.beta)}, ${str(bn.movingMean)}, ${str(bn.movingVar)}, ${num(bn.momentum)}, ${num(bn.epsilon)});`);
        break;
      }
      case "activation": {
        if (l.fn === "elu" && l.alpha !== undefined && l.alpha !== 1) e.helpers.add("elu");
        if (l.fn !== "linear") L.line(`x = ${activationExpr("x", l.fn, l.alpha)}; // ${where} ${l.fn}`);
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
    }
  }
  toShape(net.output);
  L.line("return x;");
  L.line("}");
  L.line();
}
