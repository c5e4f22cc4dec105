// .npy output: the header NumPy writes (format 1.0, '<f4', C order, 64-byte aligned), read back
// by the data loader's own parser; `intel encode/sample -o F.npy` write it, CSV only for .csv.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEncodeCommand, makeSampleCommand } from "../../cli/inference-commands";
import { bufferIo } from "../../cli/io";
import { makeTrainCommand } from "../../cli/train-command";
import { selectBackend } from "../../runtime/backend/select";
import { readNpy } from "../../runtime/data/files";
import { encodeNpy } from "../../runtime/run/npy";
import { fakeDeps } from "../cli/fake-deps";
import { fakeIR } from "../runtime/train/fake-model";
import { cleanupTmp, tmp } from "../runtime/train/helpers";

beforeAll(async () => {
  await selectBackend("cpu");
});
afterAll(cleanupTmp);

function header(bytes: Buffer): { text: string; dataStart: number } {
  expect([...bytes.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]); // \x93NUMPY, version 1.0
  const len = bytes.readUInt16LE(8);
  return { text: bytes.toString("latin1", 10, 10 + len), dataStart: 10 + len };
}

describe("encodeNpy", () => {
  it.each([
    [[3, 2], "(3, 2)"],
    [[5], "(5,)"],
    [[2, 2, 3], "(2, 2, 3)"],
  ])("shape %j: NumPy's header, little-endian float32 values the loader reads back", (shape, dims) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = Float32Array.from({ length: n }, (_, i) => (i - 2.5) * 0.1 + 1e-7 * i);
    const bytes = encodeNpy(values, shape);
    const { text, dataStart } = header(bytes);
    expect(text).toMatch(new RegExp(`^\\{'descr': '<f4', 'fortran_order': False, 'shape': \\${dims.replace(")", "\\)")}, \\} *\\n$`));
    expect(dataStart % 64).toBe(0);
    expect(bytes.length).toBe(dataStart + 4 * n);
    expect(bytes.readFloatLE(dataStart + 4)).toBe(values[1]);
    const f = join(tmp(), "a.npy");
    writeFileSync(f, bytes);
    const back = readNpy(f);
    expect(back.shape).toEqual(shape);
    expect(back.dtype).toBe("f32");
    expect(Array.from(back.values)).toEqual(Array.from(values));
  });

  it("int32 labels as '<i4'", () => {
    const bytes = encodeNpy(Int32Array.from([0, 1, -7]), [3]);
    expect(header(bytes).text).toContain("'descr': '<i4'");
    const f = join(tmp(), "l.npy");
    writeFileSync(f, bytes);
    expect(Array.from(readNpy(f).values)).toEqual([0, 1, -7]);
  });

  it("refuses a shape that does not hold the values", () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 2])).toThrow(/holds 4 values, got 5/);
  });
});

describe("intel encode / sample -o F.npy", () => {
  let run = "";
  const ir = fakeIR({ data: { source: "two_gaussians", args: { n: 96 } } }); // labelled 2-D points
  beforeAll(async () => {
    run = join(tmp(), "run");
    const spec = join(tmp(), "fake.intel");
    writeFileSync(spec, "model fake {}\n");
    const io = bufferIo();
    expect(await makeTrainCommand(fakeDeps(ir))([spec, "--out", run, "--backend", "cpu"], io), io.stderr()).toBe(0);
  });

  it("encode writes z as [n, Dz] float32 and the labels as F.labels.npy, the same numbers as the CSV", async () => {
    const npy = join(tmp(), "z.npy");
    const csv = join(tmp(), "z.csv");
    const io = bufferIo();
    expect(await makeEncodeCommand(fakeDeps(ir))([run, "--data", "validation", "-o", npy, "--backend", "cpu"], io), io.stderr()).toBe(0);
    expect(io.stdout()).toContain("z.labels.npy");
    expect(await makeEncodeCommand(fakeDeps(ir))([run, "--data", "validation", "-o", csv, "--backend", "cpu"], bufferIo())).toBe(0);
    const z = readNpy(npy);
    const rows = readFileSync(csv, "utf8").trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
    expect(z.shape).toEqual([rows.length, 2]);
    expect(Array.from(z.values)).toEqual(rows.flatMap((r) => r.slice(0, 2)));
    expect(Array.from(readNpy(npy.replace(".npy", ".labels.npy")).values)).toEqual(rows.map((r) => r[2]));
  });

  it("sample writes [n, ...data shape]", async () => {
    const out = join(tmp(), "s.npy");
    const io = bufferIo();
    expect(await makeSampleCommand(fakeDeps(ir))([run, "-n", "7", "-o", out, "--backend", "cpu"], io), io.stderr()).toBe(0);
    const s = readNpy(out);
    expect(s.shape).toEqual([7, 2]);
    expect(s.values.every(Number.isFinite)).toBe(true);
  });

  it("another extension is a usage error before any work", async () => {
    await expect(makeEncodeCommand(fakeDeps(ir))([run, "-o", join(tmp(), "z.txt"), "--backend", "cpu"], bufferIo())).rejects.toThrow(/\.npy or \.csv/);
  });
});
