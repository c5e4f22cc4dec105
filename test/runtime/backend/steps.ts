// A few training steps of a spec's model, as `intel train` takes them (the IR interpreter, the fused
// Adam, trainStep), on fixed random binary data: for comparing kernel routes and backends.
import * as tf from "@tensorflow/tfjs";
import { compileSource } from "../../../compiler/compile";
import type { ModelIR } from "../../../compiler/ir/types";
import { buildModel } from "../../../runtime/model/build";
import { trainStep } from "../../../runtime/train/loop";
import { makeOptimizer } from "../../../runtime/train/optimizer";

/**
 * An MLP VAE (784 → 32 → 16 → (2·8), mirror) or a small conv VAE on MNIST's shapes, with the sparse
 * mapping. The conv nets have no batch norm: a bias right before batch norm has a gradient that is
 * zero but for rounding, which Adam turns into ±lr steps of arbitrary sign, so two routes' weights
 * would differ there by ~lr however exact the routes are.
 */
export function routeSpec(arch: "mlp" | "conv", batch = 8): string {
  const mlp = arch === "mlp";
  const convNets = `
network small_conv_encoder<H, W, C>(x: Real[H, W, C]) -> Real[?] {
  conv2d(4, kernel: 4, stride: 2, padding: "same")
  leaky_relu(0.2)
  conv2d(8, kernel: 3, stride: 2, padding: "valid")
  relu
  flatten
}
network small_conv_decoder<D>(z: Real[D]) -> Real[28, 28, 1] {
  dense(7 * 7 * 8)
  relu
  reshape(7, 7, 8)
  conv2d_transpose(4, kernel: 4, stride: 2, padding: "same")
  relu
  conv2d_transpose(1, kernel: 3, stride: 2, padding: "same")
}
`;
  return `intel 0.1
import "prelude"
${mlp ? "" : convNets}
model routes_${arch} {
  data x ~ mnist(split: "train"${mlp ? ", flatten: true" : ""})
  encoder q(y | x) = ${mlp ? "mlp_encoder(hidden: [32, 16])" : "small_conv_encoder()"}
  intermediary y : Real[8] ~ Normal(0, I)
  mapping z = sparse(y, gamma: 10)
  decoder p(x | z) : Bernoulli = ${mlp ? "mlp_decoder(hidden: [16, 32])" : "small_conv_decoder()"}
  objective elbo(beta: 1)
  train { optimizer: adam(lr: 1e-2), batch: ${batch}, epochs: 1, seed: 3 }
}
`;
}

export function specIR(text: string): ModelIR {
  const { ir, check } = compileSource(text, { file: "routes.intel" });
  if (!ir) throw new Error(`spec did not compile: ${check.diagnostics.map((d) => d.message).join("; ")}`);
  return ir;
}

export interface StepTrace {
  losses: number[];
  /** every variable after the last step, by name */
  weights: Map<string, Float32Array>;
}

/** `steps` optimizer steps on the active backend; each step a fresh batch of 0/1 pixels. */
export function trainSteps(ir: ModelIR, steps: number): StepTrace {
  const model = buildModel(ir, ir.train.seed);
  const opt = makeOptimizer(ir.train.optimizer);
  const named = [...model.variables.entries()];
  const vars = named.map(([, v]) => v);
  const losses: number[] = [];
  try {
    for (let s = 0; s < steps; s++) {
      const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([ir.train.batch, ...ir.data.shape], 0, 1, "float32", 100 + s), 0.5), "float32"));
      losses.push(trainStep(model, opt, vars, x, 1000 + s, {}).loss);
      x.dispose();
    }
    return { losses, weights: new Map(named.map(([id, v]) => [id, Float32Array.from(v.dataSync() as Float32Array)])) };
  } finally {
    opt.dispose();
    model.dispose();
  }
}
