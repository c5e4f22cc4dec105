// One training epoch of the MLP InteL-VAE with the sparse mapping on Fashion-MNIST (60 000 images,
// batch 100: 600 steps), as `intel train` runs it: the spec compiled by the front end, the model
// built by the IR interpreter, the data loaded by the runtime (Debian's dataset-fashion-mnist),
// a shuffled epoch of runtime/train/loop.ts trainStep with the loop's optimizer. The PyTorch
// reference of the same epoch is bench/torch-fashion-epoch.py. One backend per process.
//
//   npx tsx bench/fashion-epoch.ts --backend wasm --threads 1 [--steps 600] [--matmul openblas]   JSON out
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compileSource } from "../compiler/compile";
import type { MatmulName } from "../runtime/backend/native-blas";
import { selectBackend } from "../runtime/backend/select";
import { loadTrainingData } from "../runtime/data/load";
import { buildModel } from "../runtime/model/build";
import { deriveSeed, shuffledIndices } from "../runtime/random/seeds";
import { trainStep } from "../runtime/train/loop";
import { makeOptimizer } from "../runtime/train/optimizer";
import { batchTensor } from "../runtime/train/terms";

export const FASHION_SPEC = `intel 0.1
import "prelude"
model fashion_epoch {
  data x : Real[784] ~ fashion_mnist(split: "train", validation: 0, flatten: true)
  encoder q(y | x) = mlp_encoder(hidden: [512, 256])
  intermediary y : Real[50] ~ Normal(0, I)
  mapping z = sparse(y, gamma: 30)
  decoder p(x | z) : Bernoulli = mlp_decoder(hidden: [256, 512])
  objective elbo(beta: 1)
  train { optimizer: adam(lr: 1e-3), batch: 100, epochs: 1, seed: 1 }
}
`;

export async function runFashionEpoch(backend: "wasm" | "cpu", threads: number, maxSteps = Infinity, matmul?: MatmulName): Promise<Record<string, unknown>> {
  const info = await selectBackend(backend, { wasmThreads: threads, matmul });
  const { ir, check } = compileSource(FASHION_SPEC, { file: "fashion-epoch.intel" });
  if (!ir) throw new Error(`spec did not compile: ${JSON.stringify(check.diagnostics.map((d) => d.message))}`);
  const { train } = loadTrainingData(ir.data, ir.train.seed, 0);
  const model = buildModel(ir, ir.train.seed);
  const optimizer = makeOptimizer(ir.train.optimizer);
  const vars = [...model.variables.values()];
  const batch = ir.train.batch;
  const order = shuffledIndices(train.n, deriveSeed(ir.train.seed, "shuffle", 0));
  const steps = Math.min(maxSteps, Math.floor(train.n / batch));
  let loss = NaN;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) {
    const x = batchTensor(train, order, s * batch, (s + 1) * batch);
    loss = trainStep(model, optimizer, vars, x, deriveSeed(ir.train.seed, "noise", s), {}).loss;
    x.dispose();
  }
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  model.dispose();
  optimizer.dispose();
  return { framework: "tfjs", backend: info.name, threads, detail: info.detail, n: train.n, steps, samples: steps * batch,
    wall_s: Math.round(wall * 1000) / 1000, cpu_s: Math.round((c.user + c.system) / 1000) / 1000, samples_per_s: Math.round((steps * batch) / wall), final_loss: Math.round(loss * 100) / 100 };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const a = process.argv.slice(2);
  const flag = (n: string, d: string) => (a.includes(n) ? a[a.indexOf(n) + 1]! : d);
  const res = await runFashionEpoch(flag("--backend", "wasm") as "wasm" | "cpu", Number(flag("--threads", "1")), Number(flag("--steps", "Infinity")), flag("--matmul", "xnnpack") as MatmulName);
  process.stdout.write(JSON.stringify(res) + "\n");
}
