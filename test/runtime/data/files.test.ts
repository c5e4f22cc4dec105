// File sources: fashion_mnist, idx, csv, npy — good files load, bad files give a DataError that
// names the file and the problem.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import type { DataIR } from "../../../compiler/ir/types";
import { DataError } from "../../../runtime/data/dataset";
import { checkDataset, loadSource, loadTrainingData } from "../../../runtime/data/load";
import { FASHION_MNIST_DIR, loadCsvSource, loadFashionMnist, loadIdxSource, loadNpySource } from "../../../runtime/data/sources";

const dir = mkdtempSync(join(tmpdir(), "intel-data-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, data: Buffer | string) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const at = { file: "spec.intel", line: 3, col: 3 };
const dataIR = (source: string, args: DataIR["args"], shape: number[], range: [number, number] | null = null): DataIR => ({ name: "x", source, args, shape, range, at });

/** An IDX buffer: type code, shape, raw element bytes. */
function idx(type: number, shape: number[], body: Buffer): Buffer {
  const h = Buffer.alloc(4 + 4 * shape.length);
  h[2] = type;
  h[3] = shape.length;
  shape.forEach((d, i) => h.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([h, body]);
}
const u8 = (n: number, f: (i: number) => number) => Buffer.from(Array.from({ length: n }, (_, i) => f(i)));

/** A .npy v1 buffer. */
function npy(descr: string, shape: number[], body: Buffer, fortran = false): Buffer {
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? "True" : "False"}, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  let header = dict;
  while ((10 + header.length + 1) % 64 !== 0) header += " ";
  header += "\n";
  const pre = Buffer.alloc(10);
  pre[0] = 0x93;
  pre.write("NUMPY", 1, "latin1");
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  return Buffer.concat([pre, Buffer.from(header, "latin1"), body]);
}
const f32 = (v: number[]) => Buffer.from(Float32Array.from(v).buffer);
const f64 = (v: number[]) => Buffer.from(Float64Array.from(v).buffer);

const fails = (f: () => unknown, re: RegExp) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    expect((e as Error).message).toMatch(re);
    return;
  }
  throw new Error(`expected a DataError matching ${re}`);
};

describe("idx", () => {
  const images = idx(0x08, [6, 2, 3], u8(36, (i) => (i * 7) % 256));
  const labels = idx(0x08, [6], u8(6, (i) => i % 3));

  it("reads 3-D u8 images (plain and .gz) scaled by 1/255, with labels", () => {
    const p = file("img.idx3-ubyte", images);
    const l = file("lab.idx1-ubyte", labels);
    const gz = file("img.idx3-ubyte.gz", gzipSync(images));
    const a = loadIdxSource({ path: p, labels: l, limit: null }, 1);
    expect(a.n).toBe(6);
    expect(a.shape).toEqual([2, 3, 1]);
    const b = loadIdxSource({ path: gz, labels: l }, 1);
    expect(b.x).toEqual(a.x);
    expect(b.labels).toEqual(a.labels);
    expect(Math.max(...a.x)).toBeLessThanOrEqual(1);
    // each row i holds (7·(6i + j)) mod 256: its label is i mod 3 after any shuffle
    for (let r = 0; r < a.n; r++) {
      const i = Math.round((a.x[r * 6]! * 255) / 42);
      expect(a.labels![r]).toBe(i % 3);
    }
    expect(loadIdxSource({ path: p, flatten: true, limit: 4 }, 1).shape).toEqual([6]);
    expect(loadIdxSource({ path: p, flatten: true, limit: 4 }, 1).n).toBe(4);
    expect(loadIdxSource({ path: p, scale: 1 }, 1).x.some((v) => v > 1)).toBe(true);
  });

  it("2-D float files give vectors; through loadSource and checkDataset", () => {
    const p = file("vec.idx", idx(0x0d, [3, 2], Buffer.concat([0.5, 1, 2, 3, 4, 5].map((v) => { const b = Buffer.alloc(4); b.writeFloatBE(v); return b; }))));
    const d = dataIR("idx", { path: p }, [2]);
    const ds = loadSource(d, 1, "train");
    expect(ds.shape).toEqual([2]);
    expect(Array.from(ds.x).sort()).toEqual([0.5, 1, 2, 3, 4, 5]);
    expect(() => checkDataset(ds, d)).not.toThrow();
    fails(() => loadTrainingData(dataIR("idx", { path: p }, [3]), 1, 0), /shape \[2\] but the spec declares Real\[3\]/);
  });

  it("bad files: wrong magic, unknown type, truncated, trailing bytes, label mismatch, NaN, missing", () => {
    fails(() => loadIdxSource({ path: file("magic.idx", Buffer.concat([Buffer.from([1, 2]), images.subarray(2)])) }, 1), /magic\.idx: not an IDX file: wrong magic number 0x0102/);
    const t = Buffer.from(images);
    t[2] = 0x07;
    fails(() => loadIdxSource({ path: file("type.idx", t) }, 1), /type\.idx: unknown IDX element type 0x7/);
    fails(() => loadIdxSource({ path: file("trunc.idx", images.subarray(0, 30)) }, 1), /trunc\.idx: truncated: the header says \[6, 2, 3\] u8 = 36 bytes of data, but the file has 14/);
    fails(() => loadIdxSource({ path: file("trunc.idx.gz", gzipSync(images.subarray(0, 30))) }, 1), /trunc\.idx\.gz: truncated.*gunzipped file has 14/);
    fails(() => loadIdxSource({ path: file("badgz.idx.gz", gzipSync(images).subarray(0, 20)) }, 1), /badgz\.idx\.gz: not a valid gzip file/);
    fails(() => loadIdxSource({ path: file("head.idx", images.subarray(0, 9)) }, 1), /head\.idx: truncated: the file ends inside the header/);
    fails(() => loadIdxSource({ path: file("extra.idx", Buffer.concat([images, Buffer.alloc(5)])) }, 1), /extra\.idx: 5 bytes after/);
    const p = file("ok.idx", images);
    fails(() => loadIdxSource({ path: p, labels: file("few.idx", idx(0x08, [5], u8(5, () => 0))) }, 1), /few\.idx: 5 labels for the 6 datapoints/);
    fails(() => loadIdxSource({ path: p, labels: file("lab2d.idx", idx(0x08, [6, 1], u8(6, () => 0))) }, 1), /lab2d\.idx: a labels file must be 1-D/);
    const nan = Buffer.alloc(4 * 4);
    nan.writeFloatBE(NaN, 8);
    fails(() => loadIdxSource({ path: file("nan.idx", idx(0x0d, [2, 2], nan)) }, 1), /nan\.idx: value NaN at datapoint 1/);
    fails(() => loadIdxSource({ path: join(dir, "nope.idx") }, 1), /nope\.idx: no such file/);
    fails(() => loadIdxSource({ path: file("1d.idx", idx(0x08, [4], u8(4, () => 1))) }, 1), /1d\.idx: an IDX file of shape \[4\]/);
  });
});

describe("npy", () => {
  it("float32, float64 and uint8 arrays, C order, with integer labels", () => {
    const a = loadNpySource({ path: file("a.npy", npy("<f4", [3, 2], f32([1, 2, 3, 4, 5, 6]))) }, 1);
    expect(a.shape).toEqual([2]);
    expect(a.n).toBe(3);
    expect(Array.from(a.x).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const b = loadNpySource({ path: file("b.npy", npy("<f8", [2, 2, 2], f64([0, 1, 2, 3, 4, 5, 6, 7]))), scale: 0.5 }, 1);
    expect(b.shape).toEqual([2, 2]);
    expect(Math.max(...b.x)).toBe(3.5);
    const lab = file("l.npy", npy("<i8", [2], Buffer.from(BigInt64Array.from([1n, 0n]).buffer)));
    const c = loadNpySource({ path: file("c.npy", npy("|u1", [2, 3], u8(6, (i) => i))), labels: lab }, 1);
    expect(c.labels!.length).toBe(2);
    for (let r = 0; r < 2; r++) expect(c.labels![r]).toBe(c.x[r * 3] === 0 ? 1 : 0); // row 0 → label 1
    const v = loadNpySource({ path: file("v.npy", npy("<f4", [4], f32([1, 2, 3, 4]))) }, 1);
    expect(v.shape).toEqual([1]);
  });

  it("bad files: magic, dtype, Fortran order, truncated, NaN, float labels, label count", () => {
    fails(() => loadNpySource({ path: file("m.npy", Buffer.from("PK\x03\x04 not numpy at all")) }, 1), /m\.npy: not a \.npy file: wrong magic/);
    fails(() => loadNpySource({ path: file("c8.npy", npy("<c8", [1, 1], Buffer.alloc(8))) }, 1), /c8\.npy: unsupported dtype '<c8'/);
    fails(() => loadNpySource({ path: file("be.npy", npy(">f4", [1, 1], Buffer.alloc(4))) }, 1), /be\.npy: unsupported dtype '>f4'/);
    fails(() => loadNpySource({ path: file("f.npy", npy("<f4", [2, 2], f32([1, 2, 3, 4]), true)) }, 1), /f\.npy: Fortran-order/);
    fails(() => loadNpySource({ path: file("t.npy", npy("<f4", [3, 2], f32([1, 2, 3]))) }, 1), /t\.npy: truncated: shape \(3, 2\) <f4 needs 24 bytes of data, the file has 12/);
    fails(() => loadNpySource({ path: file("x.npy", npy("<f4", [1, 2], f32([1, 2, 3]))) }, 1), /x\.npy: 4 bytes after/);
    fails(() => loadNpySource({ path: file("n.npy", npy("<f8", [2, 2], f64([1, 2, Infinity, 4]))) }, 1), /n\.npy: value Infinity at datapoint 1/);
    const good = file("g.npy", npy("<f4", [2, 1], f32([1, 2])));
    fails(() => loadNpySource({ path: good, labels: file("fl.npy", npy("<f4", [2], f32([0, 1]))) }, 1), /fl\.npy: labels must have an integer dtype/);
    fails(() => loadNpySource({ path: good, labels: file("l3.npy", npy("<i4", [3], Buffer.from(Int32Array.from([0, 1, 2]).buffer))) }, 1), /l3\.npy: 3 labels for 2 datapoints/);
    fails(() => loadNpySource({ path: good, labels: file("neg.npy", npy("<i4", [2], Buffer.from(Int32Array.from([0, -1]).buffer))) }, 1), /neg\.npy: label -1 of datapoint 1 is out of range/);
  });
});

describe("csv", () => {
  it("numbers with a header; the label column (by name or index) becomes labels", () => {
    const p = file("d.csv", "a,b,cls\n1,2,0\n3,4,1\n\n5,6,1\n");
    const a = loadCsvSource({ path: p, label: "cls" }, 1);
    expect(a.shape).toEqual([2]);
    expect(a.n).toBe(3);
    for (let r = 0; r < 3; r++) expect(a.labels![r]).toBe(a.x[2 * r] === 1 ? 0 : 1);
    const b = loadCsvSource({ path: p, label: 2 }, 1);
    expect(b.labels).toEqual(a.labels);
    const c = loadCsvSource({ path: file("h.csv", "1;2\n3;4\n"), header: false, delimiter: ";", scale: 10 }, 1);
    expect(Array.from(c.x).sort((x, y) => x - y)).toEqual([10, 20, 30, 40]);
    expect(c.labels).toBeNull();
  });

  it("bad files: not a number, ragged rows, missing label column, bad labels, empty", () => {
    fails(() => loadCsvSource({ path: file("nn.csv", "a,b\n1,x\n") }, 1), /nn\.csv:2: column 2 \(b\) is "x", not a finite number/);
    fails(() => loadCsvSource({ path: file("nan.csv", "a,b\n1,NaN\n") }, 1), /nan\.csv:2: column 2 \(b\) is "NaN"/);
    fails(() => loadCsvSource({ path: file("r.csv", "a,b\n1,2\n3\n") }, 1), /r\.csv:3: 1 columns, expected 2/);
    fails(() => loadCsvSource({ path: file("l.csv", "a,b\n1,2\n"), label: "y" }, 1), /l\.csv: no label column "y"/);
    fails(() => loadCsvSource({ path: file("bl.csv", "a,y\n1,0.5\n"), label: "y" }, 1), /bl\.csv:2: label 0\.5 is not a class index/);
    fails(() => loadCsvSource({ path: file("e.csv", "\n\n") }, 1), /e\.csv: empty CSV file/);
    fails(() => loadCsvSource({ path: file("o.csv", "a,b\n") }, 1), /o\.csv: no data rows/);
  });
});

describe("fashion_mnist", () => {
  it("a missing install says how to install it", () => {
    fails(() => loadFashionMnist({ path: join(dir, "no-such-dir") }, "train", 1), /apt-get install dataset-fashion-mnist/);
    const empty = mkdtempSync(join(dir, "fm-"));
    fails(() => loadFashionMnist({ path: empty }, "test", 1), /t10k-images-idx3-ubyte\.gz is missing: install it with `apt-get install dataset-fashion-mnist`/);
  });

  it("labels out of range and wrong image sizes are reported", () => {
    const fm = mkdtempSync(join(dir, "fm-"));
    writeFileSync(join(fm, "t10k-images-idx3-ubyte.gz"), gzipSync(idx(0x08, [2, 28, 28], u8(2 * 784, (i) => i % 256))));
    writeFileSync(join(fm, "t10k-labels-idx1-ubyte.gz"), gzipSync(idx(0x08, [2], u8(2, (i) => 9 + i))));
    fails(() => loadFashionMnist({ path: fm }, "test", 1), /t10k-labels-idx1-ubyte\.gz: label 10 of datapoint 1 is out of range \(expected 0-9\)/);
    writeFileSync(join(fm, "t10k-labels-idx1-ubyte.gz"), gzipSync(idx(0x08, [2], u8(2, (i) => i))));
    const ok = loadFashionMnist({ path: fm, binarize: true }, "test", 1);
    expect(ok.n).toBe(2);
    expect(ok.x.every((v) => v === 0 || v === 1)).toBe(true);
    writeFileSync(join(fm, "t10k-images-idx3-ubyte.gz"), gzipSync(idx(0x08, [2, 27, 28], u8(2 * 756, () => 0))));
    fails(() => loadFashionMnist({ path: fm }, "test", 1), /images of shape \[27, 28, 1\], not 28×28/);
  });

  it.runIf(existsSync(join(FASHION_MNIST_DIR, "t10k-images-idx3-ubyte.gz")))("the Debian package's test split, with filters (as mnist)", () => {
    const d = dataIR("fashion_mnist", { split: "train", classes: [0, 7], multipliers: [1, 0.5], limit: null, binarize: false, flatten: true }, [784], [0, 1]);
    const ds = loadSource(d, 3, "test"); // the split the spec does not train on: t10k
    checkDataset(ds, d);
    const counts = [0, 0];
    for (const l of ds.labels!) counts[l === 0 ? 0 : 1]!++;
    expect(counts[0]).toBe(1000); // 1000 per class in t10k
    expect(counts[1]).toBeGreaterThan(400);
    expect(counts[1]).toBeLessThan(600);
    const lim = loadFashionMnist({ limit: 50, binarize: true }, "test", 2);
    expect(lim.n).toBe(50);
    expect(lim.shape).toEqual([28, 28, 1]);
    expect(lim.x.every((v) => v === 0 || v === 1)).toBe(true);
    fails(() => loadFashionMnist({ classes: [10] }, "test", 2), /class 10 does not exist \(labels are 0-9\)/);
  });
});
