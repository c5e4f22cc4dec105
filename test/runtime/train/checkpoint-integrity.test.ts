// Every single-bit flip of a real (tiny) checkpoint is refused by the decoder, and a run whose
// last.ckpt is so damaged falls back to its newest intact checkpoint, saying which it skipped:
// none loads silently, none crashes with anything but a CheckpointError.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../runtime/backend/select";
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, readCheckpoint } from "../../../runtime/run/checkpoint";
import { chooseCheckpoint } from "../../../runtime/run/checkpoint-choice";
import { checkpointPath } from "../../../runtime/run/run-dir";
import { cleanupTmp, metricsOf, resumeFake, startFake, tmp, weightsOf } from "./helpers";

afterAll(cleanupTmp);

let run = "";
let good: Buffer;
beforeAll(async () => {
  await selectBackend("cpu");
  run = tmp();
  // 3 epochs, a periodic checkpoint each: last = epoch 3, epoch-0002/0003, best
  await startFake(run, { latent: 1, train: { epochs: 3, batch: 32, settings: { keep_checkpoints: 2 } } });
  good = readFileSync(checkpointPath(run, "last"));
});

describe("checkpoint integrity", () => {
  it("every single-bit flip anywhere in the file (header included) is detected", () => {
    const reasons = new Map<string, number>();
    let loaded = 0;
    const bytes = Buffer.from(good);
    for (let i = 0; i < bytes.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        bytes[i]! ^= 1 << bit;
        try {
          decodeCheckpoint(bytes, "x");
          loaded++;
        } catch (e) {
          if (!(e instanceof CheckpointError)) throw new Error(`flip of bit ${bit} of byte ${i}: ${String(e)}`);
          const why = e.message.replace(/^x: /, "").replace(/\(.*\)/, "(…)");
          reasons.set(why, (reasons.get(why) ?? 0) + 1);
        }
        bytes[i]! ^= 1 << bit;
      }
    }
    expect(loaded).toBe(0);
    expect([...reasons.values()].reduce((a, b) => a + b, 0)).toBe(good.length * 8);
    expect(good.length).toBeGreaterThan(1000); // the header is most of it: a real sweep of the header
    expect(decodeCheckpoint(good).state.epoch).toBe(3);
  });

  it("a run whose last.ckpt has any one bit flipped falls back to the newest intact checkpoint", () => {
    const last = checkpointPath(run, "last");
    // every 7th bit (all bytes are hit, 1 bit in 7: the decoder sweep above takes every bit; this one
    // writes each damaged file and lets the run choose)
    const stride = 7;
    try {
      for (let k = 0; k < good.length * 8; k += stride) {
        const bytes = Buffer.from(good);
        bytes[k >> 3]! ^= 1 << (k & 7);
        writeFileSync(last, bytes);
        const c = chooseCheckpoint(run, "last")!;
        expect(c.path).toBe(checkpointPath(run, 3)); // epoch-0003: the same position as last
        expect(c.skipped.map((s) => s.path)).toEqual([last]);
        expect(c.skipped[0]!.reason).toMatch(/damaged|not an intel-vae checkpoint|truncated/);
      }
    } finally {
      writeFileSync(last, good);
    }
  });

  it("best, when damaged, falls back too, and every damaged file is an error naming them all", () => {
    const dir = tmp();
    for (const f of ["ir.json", "config.json", "metrics.jsonl"]) copyFileSync(join(run, f), join(dir, f));
    const ck = (slot: "last" | "best" | number) => checkpointPath(dir, slot);
    mkdirSync(join(dir, "checkpoints"));
    for (const slot of ["last", "best", 2] as const) copyFileSync(checkpointPath(run, slot), ck(slot));
    const damaged = Buffer.from(good);
    damaged[20]! ^= 4;
    writeFileSync(ck("best"), damaged);
    const c = chooseCheckpoint(dir, "best")!;
    expect(c.path).toBe(ck("last"));
    expect(c.skipped.map((s) => s.path)).toEqual([ck("best")]);
    for (const slot of ["last", 2] as const) writeFileSync(ck(slot), damaged);
    expect(() => chooseCheckpoint(dir, "last")).toThrow(new RegExp(`every checkpoint of .* is damaged .*last\\.ckpt.*epoch-0002\\.ckpt.*best\\.ckpt.*delete`));
    // an explicit path is used or refused as is: no fallback
    expect(() => chooseCheckpoint(dir, ck("last"))).toThrow(CheckpointError);
  });

  it("resume from a damaged last.ckpt continues from the newest intact one, bit for bit", async () => {
    const straight = tmp();
    await startFake(straight, { latent: 1, train: { epochs: 4, batch: 32, settings: { keep_checkpoints: 2 } } });
    const dir = tmp();
    await startFake(dir, { latent: 1, train: { epochs: 3, batch: 32, settings: { keep_checkpoints: 2 } } });
    const damaged = readFileSync(checkpointPath(dir, "last"));
    damaged[damaged.length - 40]! ^= 1; // the payload
    writeFileSync(checkpointPath(dir, "last"), damaged);
    const warnings: string[] = [];
    const r = await resumeFake(dir, { epochs: 4, warn: (w) => warnings.push(w) });
    expect(r.result.status).toBe("completed");
    expect(warnings).toEqual([expect.stringMatching(/^warning: skipped .*last\.ckpt \(damaged or truncated \(checksum mismatch\)\); using .*epoch-0003\.ckpt \(epoch 3, step 9\)$/)]);
    expect(weightsOf(dir)).toEqual(weightsOf(straight));
    expect(metricsOf(dir)).toEqual(metricsOf(straight));
  });

  it("format-1 checkpoints (payload checksum only) still load; another format is a clear message", () => {
    const c = readCheckpoint(checkpointPath(run, "last"));
    const v2 = Buffer.from(encodeCheckpoint(c));
    const hlen = v2.readUInt32LE(8);
    const header = JSON.parse(v2.subarray(12, 12 + hlen).toString("utf8")) as Record<string, unknown>;
    const payload = v2.subarray(12 + hlen, v2.length - 32);
    const json = Buffer.from(JSON.stringify({ ...header, format: 1 }));
    const len = Buffer.alloc(4);
    len.writeUInt32LE(json.length);
    const v1 = Buffer.concat([Buffer.from("INTELCK1"), len, json, payload]);
    expect(decodeCheckpoint(v1)).toEqual(c);
    expect(createHash("sha256").update(payload).digest("hex")).toBe(header.payloadSha256);
    const v3json = Buffer.from(JSON.stringify({ ...header, format: 3 }));
    len.writeUInt32LE(v3json.length);
    const body = Buffer.concat([Buffer.from("INTELCK2"), len, v3json, payload]);
    const v3 = Buffer.concat([body, createHash("sha256").update(body).digest()]);
    expect(() => decodeCheckpoint(v3, "f")).toThrow("f: checkpoint format 3, this intel-vae reads formats 1 and 2");
    // a well-checksummed file with a header that lies about its tensors: refused by the structure check
    const lying = Buffer.from(JSON.stringify({ ...header, tensors: (header.tensors as { bytes: number }[]).map((t, i) => (i === 0 ? { ...t, bytes: t.bytes + 4 } : t)) }));
    len.writeUInt32LE(lying.length);
    const body2 = Buffer.concat([Buffer.from("INTELCK2"), len, lying, payload]);
    expect(() => decodeCheckpoint(Buffer.concat([body2, createHash("sha256").update(body2).digest()]), "f")).toThrow(/f: malformed header \(tensor /);
  });
});
