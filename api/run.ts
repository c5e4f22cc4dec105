// The API's trained model: a run directory loaded for inference. A thin layer over
// runtime/run/inference.ts (what `intel eval`, `sample`, `encode` compute), on tensors or rows.
import * as tf from "@tensorflow/tfjs";
import type { ModelIR } from "../compiler/ir/types";
import { makeDataset } from "../runtime/data/dataset";
import { selectBackend, type BackendInfo, type BackendName } from "../runtime/backend/select";
import { buildModel } from "../runtime/model/build";
import type { CompiledModel } from "../runtime/model/compiled";
import { likelihoodMean } from "../runtime/objectives/likelihood";
import { deriveSeed } from "../runtime/random/seeds";
import { drawSamples, loadTrainedRun, pointEstimate, readerWarnings, type LoadedRun } from "../runtime/run/inference";
import type { RunConfig } from "../runtime/run/run-dir";
import { exportInfo, writeExplorePage } from "../runtime/export/explore";
import { writeExport } from "../runtime/export/tfjs-export";
import { evaluateTerms } from "../runtime/train/terms";
import { toRows, toTensor, withBatch, type Batch, type Out } from "./arrays";

export interface LoadRunOptions {
  /** "best" (default; falls back to "last"), "last", or a checkpoint file */
  checkpoint?: "best" | "last" | string;
  /** default "auto" */
  backend?: BackendName;
}

export interface Elbo {
  /** per datapoint, averaged over the batch: −(recon + kl), β = 1, no penalties */
  elbo: number;
  recon: number;
  kl: number;
}

export interface TrainedModel {
  readonly dir: string;
  readonly ir: ModelIR;
  readonly config: RunConfig;
  readonly backend: BackendInfo;
  /** the checkpoint loaded, with the epoch and step it was saved at */
  readonly checkpoint: { path: string; epoch: number; step: number };
  /** what `intel eval` warns about: damaged checkpoints passed over, a run still being trained (its pid) */
  readonly warnings: string[];
  /** the shape of one datapoint, of y and of z */
  readonly dataShape: number[];
  readonly yDim: number;
  readonly zShape: number[];
  /** representations z = g(ŷ(x)) with ŷ = μ(x) (spike-and-slab: γ ⊙ μ), or ŷ itself with `space: "y"` */
  encode<B extends Batch>(x: B, options?: { space?: "y" | "z" }): Out<B>;
  /** z = g(y) */
  map<B extends Batch>(y: B): Out<B>;
  /** the decoder's mean of p(x | z) (Bernoulli: sigmoid of the logits), [n, ...data shape] */
  decode<B extends Batch>(z: B): Out<B>;
  /** decode(encode(x)): the mean of p(x | g(ŷ(x))) */
  reconstruct<B extends Batch>(x: B): Out<B>;
  /** n draws y ~ p(y) → z = g(y) → decoder mean; the seed defaults to the one `intel sample` uses */
  sample(n: number, seed?: number): number[][];
  sampleTensor(n: number, seed?: number): tf.Tensor;
  /** the ELBO's terms on x, evaluation mode (one draw of y per datapoint, from `seed`) */
  elbo(x: Batch, options?: { seed?: number; batch?: number }): Elbo;
  /** log p(x) per datapoint, estimated with k importance samples: [n] (a tensor for a tensor) */
  iwae<B extends Batch>(x: B, k: number, seed?: number): B extends tf.Tensor ? tf.Tensor1D : number[];
  /** `intel export`: model.json (tf.io weights manifest, decoder and mapping IR) and .bin shards in `dir`; the files written */
  export(dir: string): Promise<string[]>;
  /** `intel explore`: the browser page and its files in `dir`; the page's path */
  explore(dir: string): Promise<string>;
  /** the underlying runtime model (runtime/model/compiled.ts), for what this layer does not cover */
  readonly model: CompiledModel;
  /** frees the model's tensors */
  dispose(): void;
}

/** Loads a trained run (RUN/ir.json and a checkpoint) for inference. */
export async function loadRun(dir: string, options: LoadRunOptions = {}): Promise<TrainedModel> {
  const backend = await selectBackend(options.backend ?? "auto");
  return wrap(await loadTrainedRun(dir, buildModel, options.checkpoint ?? "best"), backend);
}

function wrap(run: LoadedRun, backend: BackendInfo): TrainedModel {
  const { model, ir } = run;
  const dataShape = ir.data.shape;
  const zShape = ir.mapping.nodes[ir.mapping.output]!.shape;
  const yShape = [model.latentDim];
  const runSeed = run.config.train.seed;
  const info = exportInfo(run);
  const map = (y: tf.Tensor) => model.map(y as tf.Tensor2D, false).z;
  const decode = (z: tf.Tensor) => likelihoodMean(ir.likelihood, model.decode(z, false), model.variables).reshape([z.shape[0]!, ...dataShape]);
  const represent = (x: tf.Tensor) => model.map(pointEstimate(model, x), false, undefined, x).z;
  return {
    dir: run.dir,
    ir,
    config: run.config,
    backend,
    checkpoint: { path: run.checkpointPath, epoch: run.checkpoint.state.epoch, step: run.checkpoint.state.step },
    warnings: readerWarnings(run),
    dataShape,
    yDim: model.latentDim,
    zShape,
    model,
    encode: (x, o = {}) => withBatch(x, dataShape, "encode(x)", (t) => (o.space === "y" ? pointEstimate(model, t) : represent(t))),
    map: (y) => withBatch(y, yShape, "map(y)", map),
    decode: (z) => withBatch(z, zShape, "decode(z)", decode),
    reconstruct: (x) => withBatch(x, dataShape, "reconstruct(x)", (t) => decode(represent(t))),
    sampleTensor: (n, seed = deriveSeed(runSeed, "sample", 0)) => tf.tensor(drawSamples(model, n, seed), [n, ...dataShape]),
    sample(n, seed) {
      const t = this.sampleTensor(n, seed);
      try {
        return toRows(t);
      } finally {
        t.dispose();
      }
    },
    elbo(x, o = {}) {
      const t = toTensor(x, dataShape, "elbo(x)");
      const n = t.shape[0]!;
      const ds = makeDataset(t.dataSync() as Float32Array, dataShape, null);
      t.dispose();
      const seed = o.seed ?? deriveSeed(runSeed, "eval", 0);
      const terms = evaluateTerms(model, ds, o.batch ?? Math.max(1, Math.min(n, run.config.train.batch)), (b) => deriveSeed(seed, "eval", b));
      return { elbo: -(terms.recon + terms.kl), recon: terms.recon, kl: terms.kl };
    },
    iwae(x, k, seed = deriveSeed(runSeed, "eval", 1)) {
      const t = toTensor(x, dataShape, "iwae(x)");
      try {
        const lp = model.iwae(t, k, seed);
        if (x instanceof tf.Tensor) return lp as never;
        const out = Array.from(lp.dataSync());
        lp.dispose();
        return out as never;
      } finally {
        t.dispose();
      }
    },
    export: (out) => writeExport(model, out, info),
    explore: (out) => writeExplorePage(model, out, info),
    dispose: () => model.dispose(),
  };
}
