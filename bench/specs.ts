// The benchmark's models as .intel specs, compiled by the real front end (compileSource → lower),
// so the step benchmark times exactly what `intel train` builds. Same architectures as
// ../shared/reference/torch_vae.py: the MLP 784-512-256-(2·50) and its mirror, and the paper's
// conv nets from the prelude; Bernoulli likelihood, identity mapping, ELBO, Adam 1e-3, batch 128.
import { compileSource } from "../compiler/compile";
import type { ModelIR } from "../compiler/ir/types";

export type Arch = "mlp" | "conv";

export type BenchMapping = "identity" | "sparse";

export function benchSpec(arch: Arch, batch = 128, latent = 50, mapping: BenchMapping = "identity"): string {
  const mlp = arch === "mlp";
  return `intel 0.1
import "prelude"
model bench_${arch} {
  data x ~ mnist(split: "train"${mlp ? ", flatten: true" : ""})
  encoder q(y | x) = ${mlp ? "mlp_encoder(hidden: [512, 256])" : "conv_encoder(filters: [32, 64, 128])"}
  intermediary y : Real[${latent}] ~ Normal(0, I)
  mapping z = ${mapping === "sparse" ? "sparse(y, gamma: 30)" : "identity(y)"}
  decoder p(x | z) : Bernoulli = ${mlp ? "mlp_decoder(hidden: [256, 512])" : "conv_decoder(filters: [128, 64, 32])"}
  objective elbo(beta: 1)
  train { optimizer: adam(lr: 1e-3), batch: ${batch}, epochs: 1, seed: 1 }
}
`;
}

/** The IR of the benchmark model; throws with the diagnostics if the spec does not compile. */
export function benchIR(arch: Arch, batch = 128, latent = 50, mapping: BenchMapping = "identity"): ModelIR {
  const { ir, check } = compileSource(benchSpec(arch, batch, latent, mapping), { file: `bench_${arch}.intel` });
  if (!ir) throw new Error(`bench spec did not compile: ${JSON.stringify(check.diagnostics.map((d) => d.message))}`);
  return ir;
}
