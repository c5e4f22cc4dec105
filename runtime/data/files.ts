// Reading data files: IDX (the MNIST format, optionally gzipped), CSV and NumPy .npy. Every problem
// with a file is a DataError naming the file and what is wrong, found before any tensor is made.
//
// Memory: a plain IDX/.npy file is read in 4 MiB chunks straight into the Float32Array of values,
// so the peak is the output plus one chunk. A .gz file is gunzipped with zlib.gunzipSync (the data
// API is synchronous; Node has no synchronous streaming inflate): peak = compressed bytes +
// uncompressed bytes + the Float32Array, and the two byte buffers are dropped once converted.
import { closeSync, existsSync, readSync } from "node:fs";
import { constants as bufferLimits } from "node:buffer";
import { gunzipSync } from "node:zlib";
import { FileError, openRegularFile, READ_LIMITS, READ_LIMITS_ENV, readRegularFile } from "../fs/read-file";
import { DataError } from "./dataset";

const CHUNK = 4 << 20;
/** The most values one Float32Array holds (its bytes must fit one ArrayBuffer) */
export const MAX_VALUES = Math.floor(bufferLimits.MAX_LENGTH / 4);
/** A binary data file (IDX, .npy, .gz) may be as large as its values allow */
const MAX_BINARY = 2 ** 52;
/** gzip files are inflated in memory whole */
const MAX_GZIP = 1 << 30;

export interface NumericArray {
  /** values as float32 */
  values: Float32Array;
  shape: number[];
  /** the element type as the file declares it ("u8", "i8", "i16", "i32", "f32", "f64", "i64") */
  dtype: string;
}

function mustExist(path: string, hint?: string): void {
  if (!existsSync(path)) throw new DataError(`${path}: no such file${hint ? ` (${hint})` : ""}`);
}

/** A regular file's descriptor and size, its problems as DataErrors (a device, a folder, too large). */
function openData(path: string, maxBytes: number, hint?: string): { fd: number; size: number } {
  mustExist(path, hint);
  try {
    return openRegularFile(path, maxBytes, "data file");
  } catch (e) {
    if (e instanceof FileError) throw new DataError(e.message);
    throw e;
  }
}

/** Refuses an array too large for one Float32Array, with its size. */
function checkCount(path: string, shape: readonly number[], count: number): void {
  if (count > MAX_VALUES) {
    throw new DataError(`${path}: [${shape.join(", ")}] is ${count} values, over the ${MAX_VALUES} (${(MAX_VALUES * 4) / 2 ** 30} GiB of float32) one array holds; split the file or take fewer points`);
  }
}

/** A whole file's bytes, gunzipped when it starts with the gzip magic. */
function readMaybeGz(path: string): Buffer {
  let raw: Buffer;
  try {
    raw = readRegularFile(path, MAX_GZIP, "gzip data file");
  } catch (e) {
    if (e instanceof FileError) throw new DataError(e.message);
    throw e;
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw, { maxOutputLength: Math.min(bufferLimits.MAX_LENGTH, 4 * MAX_GZIP) });
    } catch (e) {
      throw new DataError(`${path}: not a valid gzip file (${(e as Error).message}); truncated download?`);
    }
  }
  return raw;
}

/** Reads `bytes` raw bytes from `offset` of a plain file, in chunks, converting each with `put`. */
function readChunks(path: string, offset: number, bytes: number, put: (chunk: Buffer, at: number) => void): void {
  const { fd } = openData(path, MAX_BINARY);
  try {
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(bytes, 1)));
    let done = 0;
    while (done < bytes) {
      const want = Math.min(buf.length, bytes - done);
      const got = readSync(fd, buf, 0, want, offset + done);
      if (got <= 0) throw new DataError(`${path}: truncated: ended after ${offset + done} bytes, expected ${offset + bytes}`);
      put(buf.subarray(0, got), done);
      done += got;
    }
  } finally {
    closeSync(fd);
  }
}

type Reader = (b: Buffer, i: number) => number;
const IDX_TYPES: Record<number, { name: string; size: number; read: Reader }> = {
  0x08: { name: "u8", size: 1, read: (b, i) => b[i]! },
  0x09: { name: "i8", size: 1, read: (b, i) => b.readInt8(i) },
  0x0b: { name: "i16", size: 2, read: (b, i) => b.readInt16BE(i) },
  0x0c: { name: "i32", size: 4, read: (b, i) => b.readInt32BE(i) },
  0x0d: { name: "f32", size: 4, read: (b, i) => b.readFloatBE(i) },
  0x0e: { name: "f64", size: 8, read: (b, i) => b.readDoubleBE(i) },
};

/** Converts element-aligned bytes (possibly split across chunks: carried over) into out[]. */
function converter(out: Float32Array, size: number, read: Reader): (chunk: Buffer) => void {
  let carry = Buffer.alloc(0);
  let k = 0;
  return (chunk) => {
    const b = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const whole = b.length - (b.length % size);
    for (let i = 0; i < whole; i += size) out[k++] = read(b, i);
    carry = Buffer.from(b.subarray(whole));
  };
}

/** An IDX file (http://yann.lecun.com/exdb/mnist/ format), plain or .gz. */
export function readIdx(path: string, hint?: string): NumericArray {
  const gz = (() => {
    const { fd } = openData(path, MAX_BINARY, hint);
    try {
      const b = Buffer.alloc(2);
      readSync(fd, b, 0, 2, 0);
      return b[0] === 0x1f && b[1] === 0x8b;
    } finally {
      closeSync(fd);
    }
  })();
  let head: Buffer;
  let whole: Buffer | null = null;
  let fileBytes: number;
  if (gz) {
    whole = readMaybeGz(path);
    head = whole;
    fileBytes = whole.length;
  } else {
    const opened = openData(path, MAX_BINARY);
    const fd = opened.fd;
    try {
      fileBytes = opened.size;
      head = Buffer.alloc(Math.min(fileBytes, 4 + 4 * 255));
      readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  }
  const what = gz ? "gunzipped file" : "file";
  if (fileBytes < 4) throw new DataError(`${path}: truncated: ${fileBytes} bytes, too short for an IDX header`);
  if (head[0] !== 0 || head[1] !== 0) {
    throw new DataError(`${path}: not an IDX file: wrong magic number 0x${head.readUInt32BE(0).toString(16).padStart(8, "0")} (IDX files start with 0x0000, then a type byte and the number of dimensions)`);
  }
  const type = IDX_TYPES[head[2]!];
  if (!type) throw new DataError(`${path}: unknown IDX element type 0x${head[2]!.toString(16)} (0x08 u8, 0x09 i8, 0x0b i16, 0x0c i32, 0x0d f32, 0x0e f64)`);
  const ndim = head[3]!;
  if (ndim < 1) throw new DataError(`${path}: the IDX header declares 0 dimensions`);
  const headerBytes = 4 + 4 * ndim;
  if (fileBytes < headerBytes) throw new DataError(`${path}: truncated: the ${what} ends inside the header (${fileBytes} of ${headerBytes} bytes)`);
  const shape = Array.from({ length: ndim }, (_, i) => head.readUInt32BE(4 + 4 * i));
  const count = shape.reduce((a, b) => a * b, 1);
  const dataBytes = count * type.size;
  if (fileBytes - headerBytes === dataBytes) checkCount(path, shape, count);
  if (fileBytes - headerBytes < dataBytes) {
    throw new DataError(`${path}: truncated: the header says [${shape.join(", ")}] ${type.name} = ${dataBytes} bytes of data, but the ${what} has ${fileBytes - headerBytes}`);
  }
  if (fileBytes - headerBytes > dataBytes) {
    throw new DataError(`${path}: ${fileBytes - headerBytes - dataBytes} bytes after the [${shape.join(", ")}] ${type.name} data the header declares (wrong shape in the header?)`);
  }
  const values = new Float32Array(count);
  const put = converter(values, type.size, type.read);
  if (whole) {
    put(whole.subarray(headerBytes));
    whole = null;
  } else readChunks(path, headerBytes, dataBytes, (c) => put(c));
  return { values, shape, dtype: type.name };
}

// ---------- .npy ----------

const NPY_TYPES: Record<string, { name: string; size: number; read: Reader }> = {
  "<f4": { name: "f32", size: 4, read: (b, i) => b.readFloatLE(i) },
  "<f8": { name: "f64", size: 8, read: (b, i) => b.readDoubleLE(i) },
  "|u1": { name: "u8", size: 1, read: (b, i) => b[i]! },
  "<u1": { name: "u8", size: 1, read: (b, i) => b[i]! },
  "|i1": { name: "i8", size: 1, read: (b, i) => b.readInt8(i) },
  "<i4": { name: "i32", size: 4, read: (b, i) => b.readInt32LE(i) },
  "<i8": { name: "i64", size: 8, read: (b, i) => Number(b.readBigInt64LE(i)) },
};

/** A NumPy .npy file (format versions 1-3), C order, little-endian float32/float64/uint8/int. */
export function readNpy(path: string): NumericArray {
  const { fd, size } = openData(path, MAX_BINARY);
  let fileBytes: number;
  let head: Buffer;
  try {
    fileBytes = size;
    head = Buffer.alloc(Math.min(fileBytes, 65536 + 12));
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (fileBytes < 10 || head[0] !== 0x93 || head.toString("latin1", 1, 6) !== "NUMPY") {
    throw new DataError(`${path}: not a .npy file: wrong magic (expected \\x93NUMPY)`);
  }
  const major = head[6]!;
  if (major < 1 || major > 3) throw new DataError(`${path}: unsupported .npy format version ${major}.${head[7]}`);
  const lenBytes = major === 1 ? 2 : 4;
  const hlen = major === 1 ? head.readUInt16LE(8) : head.readUInt32LE(8);
  const start = 8 + lenBytes + hlen;
  if (fileBytes < start || head.length < start) throw new DataError(`${path}: truncated: the file ends inside the .npy header`);
  const header = head.toString(major === 3 ? "utf8" : "latin1", 8 + lenBytes, start);
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new DataError(`${path}: malformed .npy header ${JSON.stringify(header.trim())}`);
  const type = NPY_TYPES[descr];
  if (!type) throw new DataError(`${path}: unsupported dtype '${descr}' (supported: float32 <f4, float64 <f8, uint8 |u1, int8, int32 <i4, int64 <i8; little-endian)`);
  if (fortran === "True") throw new DataError(`${path}: Fortran-order arrays are not supported (save with np.ascontiguousarray)`);
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new DataError(`${path}: malformed shape (${shapeText}) in the .npy header`);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataBytes = count * type.size;
  if (fileBytes - start < dataBytes) throw new DataError(`${path}: truncated: shape (${shape.join(", ")}) ${descr} needs ${dataBytes} bytes of data, the file has ${fileBytes - start}`);
  if (fileBytes - start > dataBytes) throw new DataError(`${path}: ${fileBytes - start - dataBytes} bytes after the (${shape.join(", ")}) ${descr} data the header declares`);
  checkCount(path, shape, count);
  const values = new Float32Array(count);
  const put = converter(values, type.size, type.read);
  readChunks(path, start, dataBytes, (c) => put(c));
  return { values, shape, dtype: type.name };
}

// ---------- CSV ----------

export interface CsvTable {
  values: Float32Array;
  rows: number;
  columns: string[];
  labels: Int32Array | null;
}

/** A CSV of numbers; `label` (a column name, or a 0-based index as number or digit string) is split off as integer labels. */
export function readCsv(path: string, o: { label: string | number | null; header: boolean; delimiter: string }): CsvTable {
  if (o.delimiter.length !== 1) throw new DataError(`csv: delimiter must be one character, got ${JSON.stringify(o.delimiter)}`);
  mustExist(path);
  let text: string;
  try {
    text = readRegularFile(path, READ_LIMITS.csv, "CSV file").toString("utf8");
  } catch (e) {
    if (e instanceof FileError) throw new DataError(e.problem === "size" ? `${e.message}: CSV is parsed whole; convert it to .npy (np.save) for larger data, or raise the limit (${READ_LIMITS_ENV}=csv=400M, up to 512 MiB)` : e.message);
    throw e;
  }
  // A file not named like data (`csv(path: "/etc/passwd")`) may hold anything: its text is never quoted.
  const shown = /\.(csv|tsv|txt)$/i.test(path);
  const quote = (t: string, what: string) => (shown ? t : `${what} (not shown: ${path} is not named .csv, .tsv or .txt)`);
  const lines = text.split(/\r?\n/);
  let li = 0;
  while (li < lines.length && lines[li]!.trim() === "") li++;
  if (li >= lines.length) throw new DataError(`${path}: empty CSV file`);
  let columns: string[];
  const first = lines[li]!.split(o.delimiter).map((s) => s.trim());
  if (o.header) {
    columns = first.map((c) => c.replace(/^"(.*)"$/, "$1"));
    li++;
  } else columns = first.map((_, i) => String(i));
  let labelCol = -1;
  if (o.label !== null) {
    const asIndex = typeof o.label === "number" ? o.label : /^\d+$/.test(o.label) && !columns.includes(o.label) ? Number(o.label) : -1;
    labelCol = asIndex >= 0 ? asIndex : columns.indexOf(String(o.label));
    if (labelCol < 0 || labelCol >= columns.length) throw new DataError(`${path}: no label column ${JSON.stringify(o.label)} (columns: ${quote(columns.join(", "), `${columns.length} of them`)})`);
  }
  const width = columns.length;
  const vals: number[] = [];
  const labels: number[] = [];
  let rows = 0;
  for (; li < lines.length; li++) {
    const line = lines[li]!;
    if (line.trim() === "") continue;
    const cells = line.split(o.delimiter);
    if (cells.length !== width) throw new DataError(`${path}:${li + 1}: ${cells.length} columns, expected ${width}`);
    for (let c = 0; c < width; c++) {
      const text = cells[c]!.trim();
      const v = text === "" ? NaN : Number(text);
      if (!Number.isFinite(v)) throw new DataError(`${path}:${li + 1}: column ${c + 1}${shown ? ` (${columns[c]})` : ""} is ${quote(JSON.stringify(text), "text")}, not a finite number`);
      if (c === labelCol) {
        if (!Number.isInteger(v) || v < 0) throw new DataError(`${path}:${li + 1}: label ${text} is not a class index (an integer ≥ 0)`);
        labels.push(v);
      } else vals.push(v);
    }
    rows++;
  }
  if (rows === 0) throw new DataError(`${path}: no data rows`);
  return { values: Float32Array.from(vals), rows, columns: columns.filter((_, i) => i !== labelCol), labels: labelCol >= 0 ? Int32Array.from(labels) : null };
}

// ---------- checks shared by the sources ----------

/** Throws on NaN/Inf values, naming the file and the datapoint. */
export function checkFinite(path: string, values: Float32Array, pointSize: number): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new DataError(`${path}: value ${values[i]} at datapoint ${Math.floor(i / pointSize)} (index ${i % pointSize}); the data must be finite numbers`);
  }
}

/** Labels: one per datapoint, integers in [0, max). */
export function checkLabels(path: string, values: Float32Array, n: number, max = Infinity): Int32Array {
  if (values.length !== n) throw new DataError(`${path}: ${values.length} labels for ${n} datapoints`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= max) {
      throw new DataError(`${path}: label ${v} of datapoint ${i} is out of range (${max === Infinity ? "labels must be integers ≥ 0" : `expected 0-${max - 1}`})`);
    }
    out[i] = v;
  }
  return out;
}
