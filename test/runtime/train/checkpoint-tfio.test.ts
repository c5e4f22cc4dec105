// A checkpoint's tensors are stored in TensorFlow.js's own weight encoding: the payload is what
// tf.io.encodeWeights writes, and the header's `tensors` are tf.io weight specs (name, shape,
// dtype), so tfjs's own reader (tf.io.decodeWeights) recovers every tensor the runtime loads.
// The folder format (model.json + .bin shards) is `intel export`'s (test/export/).
import * as tf from "@tensorflow/tfjs";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../runtime/backend/select";
import { readCheckpoint } from "../../../runtime/run/checkpoint";
import { checkpointPath } from "../../../runtime/run/run-dir";
import { cleanupTmp, startFake, tmp } from "./helpers";

afterAll(cleanupTmp);

let run = "";
beforeAll(async () => {
  await selectBackend("cpu");
  run = tmp();
  await startFake(run, { latent: 2, train: { epochs: 1, batch: 32 } });
});

describe("checkpoints in tf.io's weight encoding", () => {
  it("tf.io.decodeWeights reads the payload with the header's specs: the same tensors readCheckpoint loads", async () => {
    const file = readFileSync(checkpointPath(run, "last"));
    const hlen = file.readUInt32LE(8);
    const header = JSON.parse(file.subarray(12, 12 + hlen).toString("utf8")) as { tensors: { group: string; name: string; shape: number[]; dtype: "float32" | "int32" }[] };
    const payload = file.subarray(12 + hlen, file.length - 32); // minus the sha256 trailer
    const specs = header.tensors.map((t) => ({ name: `${t.group}/${t.name}`, shape: t.shape, dtype: t.dtype }));
    const decoded = tf.io.decodeWeights(new Uint8Array(payload).buffer, specs);
    const c = readCheckpoint(checkpointPath(run, "last"));
    const saved = [...c.params.map((t) => ["param", t] as const), ...c.modelState.map((t) => ["state", t] as const), ...c.optimizer.map((t) => ["optimizer", t] as const)];
    expect(saved.length).toBeGreaterThan(4);
    expect(Object.keys(decoded).sort()).toEqual(saved.map(([g, t]) => `${g}/${t.name}`).sort());
    for (const [g, t] of saved) {
      const d = decoded[`${g}/${t.name}`]!;
      expect(d.shape, t.name).toEqual(t.shape);
      expect(Array.from(await d.data()), t.name).toEqual(Array.from(t.data));
    }
    tf.dispose(Object.values(decoded));
  });
});
