// `intel export`: a trained model in TensorFlow.js's own weights format (what tf.io reads and the
// tfjs converter writes): model.json with a weightsManifest, the weights in .bin shards of at most
// 4 MiB, and in modelTopology the IR's networks and mapping graph, enough to rebuild the decoder and
// the mapping in plain tfjs (plain-model.js).
import * as tf from "@tensorflow/tfjs";
import { readFileSync, writeFileSync } from "node:fs";
import { makeDirs } from "../fs/write-file";
import { join } from "node:path";
import type { DataIR, GraphIR, LatentIR, LikelihoodIR, ModelIR, NetworkIR } from "../../compiler/ir/types";
import type { CompiledModel } from "../model/compiled";
import { intelVaeVersion } from "../run/run-dir";

export const EXPORT_FORMAT = "intel-vae/export";
export const MODEL_JSON = "model.json";
/** the tfjs converter's shard size */
const SHARD_BYTES = 4 * 1024 * 1024;

export interface ExportTopology {
  name: string;
  irVersion: string;
  data: Pick<DataIR, "name" | "source" | "shape" | "range">;
  latent: Pick<LatentIR, "name" | "dim"> & { prior: string };
  likelihood: LikelihoodIR;
  encoder: NetworkIR;
  mapping: GraphIR;
  decoder: NetworkIR;
}

/** model.json: tf.io's ModelJSON with our topology (not a Layers or Graph model: tfjs cannot load it as one). */
export interface ExportModelJson {
  format: typeof EXPORT_FORMAT;
  generatedBy: string;
  convertedBy: null;
  modelTopology: ExportTopology;
  weightsManifest: tf.io.WeightsManifestConfig;
  userDefinedMetadata: Record<string, unknown>;
}

export function exportTopology(ir: ModelIR): ExportTopology {
  const { name, source, shape, range } = ir.data;
  return {
    name: ir.name,
    irVersion: ir.irVersion,
    data: { name, source, shape, range },
    latent: { name: ir.latent.name, dim: ir.latent.dim, prior: ir.latent.prior.kind },
    likelihood: ir.likelihood,
    encoder: ir.encoder,
    mapping: ir.mapping,
    decoder: ir.decoder,
  };
}

/** Every parameter and state tensor of the model, by IR id, in the IR's order. */
export function modelTensors(model: CompiledModel): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  for (const p of model.ir.params) out[p.id] = model.variables.get(p.id)!;
  for (const s of model.ir.state) out[s.id] = model.state.get(s.id)!;
  return out;
}

/** The model.json and the shards' bytes (by file name) of a model. */
export async function encodeExport(model: CompiledModel, metadata: object = {}): Promise<{ json: ExportModelJson; shards: Map<string, Uint8Array> }> {
  const { data, specs } = await tf.io.encodeWeights(modelTensors(model));
  const bytes = new Uint8Array(data);
  const count = Math.max(1, Math.ceil(bytes.length / SHARD_BYTES));
  const shards = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) shards.set(`group1-shard${i + 1}of${count}.bin`, bytes.subarray(i * SHARD_BYTES, (i + 1) * SHARD_BYTES));
  const json: ExportModelJson = {
    format: EXPORT_FORMAT,
    generatedBy: `intel-vae ${intelVaeVersion()}`,
    convertedBy: null,
    modelTopology: exportTopology(model.ir),
    weightsManifest: [{ paths: [...shards.keys()], weights: specs }],
    userDefinedMetadata: { ...metadata },
  };
  return { json, shards };
}

/** Writes DIR/model.json and its shards; returns the files written. */
export async function writeExport(model: CompiledModel, dir: string, metadata: object = {}): Promise<string[]> {
  const { json, shards } = await encodeExport(model, metadata);
  makeDirs(dir); // Node's recursive mkdir spins forever under /proc
  const files = [join(dir, MODEL_JSON)];
  writeFileSync(files[0]!, JSON.stringify(json) + "\n");
  for (const [name, bytes] of shards) {
    writeFileSync(join(dir, name), bytes);
    files.push(join(dir, name));
  }
  return files;
}

/** Reads an export back with tf.io's own weights loader: the topology and the tensors by id. */
export async function readExport(dir: string): Promise<{ json: ExportModelJson; weights: tf.NamedTensorMap }> {
  const json = JSON.parse(readFileSync(join(dir, MODEL_JSON), "utf8")) as ExportModelJson;
  if (json.format !== EXPORT_FORMAT) throw new Error(`${join(dir, MODEL_JSON)} is not an intel-vae export (format ${JSON.stringify(json.format)})`);
  const load = tf.io.weightsLoaderFactory(async (paths) => paths.map((p) => {
    const b = readFileSync(p);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }));
  return { json, weights: await load(json.weightsManifest, dir + "/") };
}
