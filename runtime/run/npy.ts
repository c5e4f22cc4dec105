// NumPy .npy files (format 1.0): what `intel encode/sample -o F.npy` write and the data loader
// (runtime/data/files.ts readNpy) reads. Little-endian float32 or int32, C order.
const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]); // \x93NUMPY v1.0

const DESCR = { float32: "<f4", int32: "<i4" } as const;

/** An .npy file's bytes for `values` of `shape` (row-major). */
export function encodeNpy(values: Float32Array | Int32Array, shape: readonly number[]): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== values.length) throw new Error(`encodeNpy: shape (${shape.join(", ")}) holds ${count} values, got ${values.length}`);
  const dtype = values instanceof Float32Array ? "float32" : "int32";
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(", ");
  let header = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': (${dims}), }`;
  // NumPy pads with spaces and a final newline so that the data starts on a 64-byte boundary.
  const unpadded = MAGIC.length + 2 + header.length + 1;
  header += " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  if (header.length > 0xffff) throw new Error("encodeNpy: header too long for format 1.0");
  const head = Buffer.alloc(MAGIC.length + 2 + header.length);
  MAGIC.copy(head, 0);
  head.writeUInt16LE(header.length, MAGIC.length);
  head.write(header, MAGIC.length + 2, "latin1");
  const data = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    if (dtype === "float32") data.writeFloatLE(values[i]!, i * 4);
    else data.writeInt32LE(values[i]!, i * 4);
  }
  return Buffer.concat([head, data]);
}
