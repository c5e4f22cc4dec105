// intel export: the tf.io weights format read back with tfjs's own decoders equals the run's
// weights, and plain-model.js (the decoder and mapping rebuilt from the export in plain tfjs)
// computes what the runtime computes, on the example and paper specs' mappings.
import * as tf from "@tensorflow/tfjs";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main";
import { bufferIo } from "../../cli/io";
import { compileFile, compileSource } from "../../compiler/compile";
import { selectBackend } from "../../runtime/backend/select";
import { buildModel } from "../../runtime/model/build";
import type { CompiledModel } from "../../runtime/model/compiled";
import { likelihoodMean } from "../../runtime/objectives/likelihood";
import { plainModel } from "../../runtime/export/plain-model.js";
import { encodeExport, readExport, type ExportModelJson } from "../../runtime/export/tfjs-export";
import { loadRun } from "../../index";
import { cleanupTmp, tmp } from "../runtime/train/helpers";
import { RING_SMALL, tinySpec } from "../tiny-spec";

beforeAll(async () => {
  await selectBackend("wasm");
});
afterAll(cleanupTmp);

/** the runtime's z = g(y) and decoder mean, as arrays */
function runtimeOutputs(model: CompiledModel, y: tf.Tensor2D): { z: Float32Array; x: Float32Array } {
  return tf.tidy(() => {
    const z = model.map(y, false).z;
    return { z: z.dataSync() as Float32Array, x: likelihoodMean(model.ir.likelihood, model.decode(z, false), model.variables).dataSync() as Float32Array };
  });
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** The export's tensors decoded from the bytes alone, as a tfjs user would. */
async function decodedExport(model: CompiledModel): Promise<{ json: ExportModelJson; weights: tf.NamedTensorMap }> {
  const { json, shards } = await encodeExport(model);
  const bytes = Buffer.concat([...shards.values()]);
  const weights = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), json.weightsManifest.flatMap((g) => g.weights));
  return { json: JSON.parse(JSON.stringify(json)) as ExportModelJson, weights };
}

describe("plain-model.js against the runtime", () => {
  const supported = ["specs/examples/quickstart.intel", "specs/examples/circle.intel", "specs/examples/annulus.intel", "specs/paper/infinity-intel.intel", "specs/paper/mnist01-proportions-20.intel", "specs/paper/fashion-vanilla-lsp.intel"];
  it.each(supported)("%s: the same z and decoder mean from the exported weights", async (spec) => {
    const ir = compileFile(spec).ir!;
    const model = await buildModel(ir, 7);
    try {
      const { json, weights } = await decodedExport(model);
      const plain = plainModel(tf, json.modelTopology, weights);
      expect(plain.unsupported).toEqual([]);
      // y away from 0 (the circle mapping's kink) and across the prior's range
      const y = tf.tensor2d(Array.from({ length: 6 * ir.latent.dim }, (_, i) => 2.5 * Math.sin(1.7 * i + 0.3)), [6, ir.latent.dim]);
      const want = runtimeOutputs(model, y);
      const z = plain.map(y);
      const x = plain.decode(z);
      expect(maxDiff(z.dataSync(), want.z)).toBeLessThan(1e-5);
      expect(maxDiff(x.dataSync(), want.x)).toBeLessThan(1e-5);
      tf.dispose([y, z, x, ...Object.values(weights)]);
    } finally {
      model.dispose();
    }
  });

  it.each([
    ["specs/paper/two-gaussians-clusters.intel", /mapping node \d+: op 'builtin' \(square\)/],
    ["specs/paper/hierarchy.intel", /op 'builtin' \(hierarchy\)/],
    ["specs/examples/mnist-sparse.intel", /decoder: layer 'conv2d_transpose'/],
  ])("%s: what it cannot run is listed, not guessed", async (spec, why) => {
    const model = await buildModel(compileFile(spec).ir!, 7);
    try {
      const { json, weights } = await decodedExport(model);
      const plain = plainModel(tf, json.modelTopology, weights);
      expect(plain.unsupported.join("\n")).toMatch(why);
      tf.dispose(Object.values(weights));
    } finally {
      model.dispose();
    }
  });
});

describe("intel export RUN", () => {
  it("writes model.json + shards that tf.io reads back as the run's weights; decode from the export equals loadRun's", async () => {
    const spec = join(tmp(), "tiny.intel");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(spec, tinySpec({ data: RING_SMALL, mapping: "circle(y)", train: "batch: 25, epochs: 1, seed: 3" }));
    const run = join(tmp(), "run");
    const io = bufferIo();
    expect(await main(["train", spec, "--out", run, "--backend", "wasm"], io), io.stderr()).toBe(0);
    const out = join(tmp(), "export");
    const eio = bufferIo();
    expect(await main(["export", run, "-o", out, "--backend", "wasm"], eio), eio.stderr()).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["group1-shard1of1.bin", "model.json"]);

    const json = JSON.parse(readFileSync(join(out, "model.json"), "utf8")) as ExportModelJson;
    expect(json.format).toBe("intel-vae/export");
    expect(json.weightsManifest[0]!.paths).toEqual(["group1-shard1of1.bin"]);
    const bin = readFileSync(join(out, "group1-shard1of1.bin"));
    const decoded = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), json.weightsManifest[0]!.weights);

    const m = await loadRun(run, { backend: "wasm" });
    try {
      expect(Object.keys(decoded)).toEqual(m.ir.params.map((p) => p.id));
      for (const [id, v] of m.model.variables) {
        expect(decoded[id]!.shape, id).toEqual(v.shape);
        expect(Array.from(decoded[id]!.dataSync()), id).toEqual(Array.from(v.dataSync())); // bit for bit
      }
      // the same again through tf.io's weights loader (readExport), then decoded in plain tfjs
      const back = await readExport(out);
      const plain = plainModel(tf, back.json.modelTopology, back.weights);
      const ys = [[0.3, -1.1], [1.9, 0.4], [-2.2, -0.7]];
      const y = tf.tensor2d(ys);
      const fromExport = plain.decode(plain.map(y)).arraySync() as number[][];
      const fromRun = m.decode(m.map(ys));
      expect(maxDiff(fromExport.flat(), fromRun.flat())).toBeLessThan(1e-5);
      tf.dispose([y, ...Object.values(decoded), ...Object.values(back.weights)]);
    } finally {
      m.dispose();
    }
  });

  it("splits the weights into 4 MiB shards that concatenate to the whole", async () => {
    // 784·1400 + … float32 values: more than 4 MiB
    const ir = compileSource(tinySpec({ data: `x : Real[784] ~ mnist(split: "train", limit: 10, flatten: true)`, hidden: 1400 })).ir!;
    const model = await buildModel(ir, 1);
    try {
      const { json, shards } = await encodeExport(model);
      const sizes = [...shards.values()].map((s) => s.length);
      expect(sizes.length).toBeGreaterThan(1);
      expect(sizes.slice(0, -1).every((s) => s === 4 * 1024 * 1024)).toBe(true);
      expect(json.weightsManifest[0]!.paths).toEqual([...shards.keys()]);
      const total = json.weightsManifest[0]!.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
    } finally {
      model.dispose();
    }
  });
});
