import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeStaleTemps, writeFileAtomic } from "../../../runtime/run/atomic";
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, readCheckpoint, writeCheckpoint, type Checkpoint } from "../../../runtime/run/checkpoint";
import { initialState } from "../../../runtime/train/loop";
import { cleanupTmp, tmp } from "./helpers";

afterAll(cleanupTmp);

const checkpoint = (value: number): Checkpoint => ({
  model: { name: "m", irVersion: "0.1", sourceSha256: "ab" },
  createdAt: "2024-01-01T00:00:00.000Z",
  state: { ...initialState(), epoch: 3, step: 30, sums: { n: 5, loss: 1.5, recon: 1, kl: 0.5, penalties: { s: 0.25 } } },
  metricsLines: 33,
  optimizerKind: "adam",
  params: [{ name: "w", shape: [2, 3], dtype: "float32", data: Float32Array.from([1, 2, 3, 4, 5, value]) }],
  modelState: [{ name: "bn/mean", shape: [1], dtype: "float32", data: Float32Array.from([0.5]) }],
  optimizer: [
    { name: "iter", shape: [], dtype: "int32", data: Int32Array.from([30]) },
    { name: "w/m", shape: [2, 3], dtype: "float32", data: new Float32Array(6).fill(-1e-30) },
  ],
});

describe("checkpoint format", () => {
  it("round-trips every field and tensor exactly", () => {
    const c = checkpoint(Math.PI);
    expect(decodeCheckpoint(encodeCheckpoint(c))).toEqual(c);
  });

  it("refuses a truncated, corrupted or foreign file", () => {
    const bytes = encodeCheckpoint(checkpoint(6));
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 3))).toThrow(/damaged or truncated/);
    const flipped = Uint8Array.from(bytes);
    flipped[flipped.length - 1]! ^= 1;
    expect(() => decodeCheckpoint(flipped)).toThrow(CheckpointError);
    expect(() => decodeCheckpoint(Buffer.from("PK\u0003\u0004 not ours at all"))).toThrow(/not an intel-vae checkpoint/);
    expect(() => readCheckpoint("/nonexistent/last.ckpt")).toThrow(/cannot read/);
  });
});

describe("atomic writes", () => {
  it("a crash between the temp write and the rename leaves the old checkpoint intact", () => {
    const dir = tmp();
    const path = join(dir, "last.ckpt");
    writeCheckpoint(path, checkpoint(1));
    const before = readFileSync(path);
    let temp = "";
    expect(() =>
      writeCheckpoint(path, checkpoint(2), {
        beforeRename: (t) => {
          temp = t;
          // The new bytes are fully on disk under the temp name at this point.
          expect(decodeCheckpoint(readFileSync(t)).params[0]!.data[5]).toBe(2);
          throw new Error("simulated crash");
        },
      }),
    ).toThrow("simulated crash");
    expect(readFileSync(path)).toEqual(before);
    expect(readCheckpoint(path).params[0]!.data[5]).toBe(1);
    expect(existsSync(temp)).toBe(false);
  });

  it("replaces the file on success, and stale temp files from a killed process are cleaned up", () => {
    const dir = tmp();
    const path = join(dir, "a.json");
    writeFileAtomic(path, "one");
    writeFileAtomic(path, "two");
    expect(readFileSync(path, "utf8")).toBe("two");
    writeFileSync(join(dir, ".a.json.tmp-123-4"), "half");
    removeStaleTemps(dir);
    expect(readdirSync(dir)).toEqual(["a.json"]);
  });
});
