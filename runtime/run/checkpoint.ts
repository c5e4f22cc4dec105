// Checkpoints: one self-describing file per checkpoint, written atomically.
//
// Layout (format 2): "INTELCK2" (8 bytes) · header length (uint32 LE) · header (UTF-8 JSON) ·
// payload · sha256 of everything before it (32 bytes). The checksum covers the header too, so a
// flipped bit anywhere is refused, never loaded; the header's structure is then validated (zod):
// each tensor's bytes lie in order, exactly filling the payload. Format 1 ("INTELCK1", no trailer,
// only the payload's sha256) still loads, with its header validated the same way.
import * as tf from "@tensorflow/tfjs";
import { createHash } from "node:crypto";
import { z } from "zod";
import type { ModelIR } from "../../compiler/ir/types";
import type { CompiledModel } from "../model/compiled";
import type { TrainState } from "../train/loop";
import { optimizerState, restoreOptimizerState, type SavedTensor } from "../train/optimizer";
import { READ_LIMITS, readRegularFile } from "../fs/read-file";
import { writeFileAtomic, type AtomicWriteOptions } from "./atomic";

export const CHECKPOINT_MAGIC = "INTELCK2";
export const CHECKPOINT_FORMAT = 2;
const MAGIC_V1 = "INTELCK1";
const SHA_BYTES = 32;

export interface Checkpoint {
  model: { name: string; irVersion: string; sourceSha256: string };
  createdAt: string;
  state: TrainState;
  /** metrics.jsonl lines written when this was saved; a resume drops any after them */
  metricsLines: number;
  optimizerKind: string;
  params: SavedTensor[];
  modelState: SavedTensor[];
  optimizer: SavedTensor[];
}

export class CheckpointError extends Error {
  override readonly name = "CheckpointError";
}

type Group = "param" | "state" | "optimizer";
interface TensorEntry {
  group: Group;
  name: string;
  shape: number[];
  dtype: "float32" | "int32";
  offset: number;
  bytes: number;
}
interface Header extends Omit<Checkpoint, "params" | "modelState" | "optimizer"> {
  format: number;
  tensors: TensorEntry[];
  payloadSha256: string;
}

const count = z.number().int().nonnegative();
const finite = z.number().refine(Number.isFinite, "not finite");
const sums = z.strictObject({ n: count, loss: finite, recon: finite, kl: finite, penalties: z.record(z.string(), finite), estimates: z.record(z.string(), finite).optional() });
const HEADER = z.strictObject({
  format: z.union([z.literal(1), z.literal(2)]),
  model: z.strictObject({ name: z.string().min(1), irVersion: z.string(), sourceSha256: z.string() }),
  createdAt: z.string(),
  state: z.strictObject({
    epoch: count,
    batch: count,
    step: count,
    sums,
    best: z.strictObject({ value: finite, epoch: count }).nullable(),
    badEpochs: count,
    earlyStopped: z.boolean(),
    constraint: z.strictObject({ lambda: finite, average: finite.nullable(), klOn: z.boolean() }).optional(),
  }),
  metricsLines: count,
  optimizerKind: z.string().min(1),
  tensors: z.array(
    z.strictObject({ group: z.enum(["param", "state", "optimizer"]), name: z.string().min(1), shape: z.array(count), dtype: z.enum(["float32", "int32"]), offset: count, bytes: count }),
  ),
  payloadSha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const sha256 = (b: Uint8Array): Buffer => createHash("sha256").update(b).digest();

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  if (!isLittleEndian) throw new CheckpointError("checkpoints are little-endian; this machine is not");
  const groups: [Group, SavedTensor[]][] = [["param", c.params], ["state", c.modelState], ["optimizer", c.optimizer]];
  const tensors: TensorEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [group, list] of groups) {
    for (const t of list) {
      const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      tensors.push({ group, name: t.name, shape: t.shape, dtype: t.dtype, offset, bytes: bytes.length });
      chunks.push(bytes);
      offset += bytes.length;
    }
  }
  const payload = Buffer.concat(chunks);
  const { params: _p, modelState: _s, optimizer: _o, ...rest } = c;
  const header: Header = { format: CHECKPOINT_FORMAT, ...rest, tensors, payloadSha256: sha256(payload).toString("hex") };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  const body = Buffer.concat([Buffer.from(CHECKPOINT_MAGIC, "ascii"), len, json, payload]);
  return Buffer.concat([body, sha256(body)]);
}

/** The header's structure: the schema, then tensors that tile the payload exactly, in order. */
function validateHeader(raw: unknown, payloadBytes: number, path: string): Header {
  const parsed = HEADER.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new CheckpointError(`${path}: malformed header (${first.path.join(".") || "header"}: ${first.message})`);
  }
  const h = parsed.data as Header;
  let at = 0;
  for (const t of h.tensors) {
    const want = t.shape.reduce((a, b) => a * b, 1) * 4;
    if (t.offset !== at || t.bytes !== want) throw new CheckpointError(`${path}: malformed header (tensor '${t.name}' of shape [${t.shape.join(", ")}] at byte ${t.offset}, ${t.bytes} bytes)`);
    at += t.bytes;
  }
  if (at !== payloadBytes) throw new CheckpointError(`${path}: malformed header (its tensors take ${at} bytes, the payload has ${payloadBytes})`);
  return h;
}

export function decodeCheckpoint(bytes: Uint8Array, path = "checkpoint"): Checkpoint {
  let buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = buf.length >= 8 ? buf.subarray(0, 8).toString("latin1") : "";
  if (magic !== CHECKPOINT_MAGIC && magic !== MAGIC_V1) throw new CheckpointError(`${path}: not an intel-vae checkpoint (or its first bytes are damaged)`);
  const v1 = magic === MAGIC_V1;
  if (!v1) {
    if (buf.length < 12 + SHA_BYTES) throw new CheckpointError(`${path}: truncated (${buf.length} bytes)`);
    const body = buf.subarray(0, buf.length - SHA_BYTES);
    if (!sha256(body).equals(buf.subarray(buf.length - SHA_BYTES))) throw new CheckpointError(`${path}: damaged or truncated (checksum mismatch)`);
    buf = body;
  }
  if (buf.length < 12) throw new CheckpointError(`${path}: truncated (header)`);
  const hlen = buf.readUInt32LE(8);
  if (12 + hlen > buf.length) throw new CheckpointError(`${path}: truncated (header)`);
  let raw: unknown;
  try {
    raw = JSON.parse(buf.subarray(12, 12 + hlen).toString("utf8"));
  } catch {
    throw new CheckpointError(`${path}: unreadable header`);
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (format !== (v1 ? 1 : CHECKPOINT_FORMAT)) throw new CheckpointError(`${path}: checkpoint format ${String(format)}, this intel-vae reads formats 1 and ${CHECKPOINT_FORMAT}`);
  const payload = buf.subarray(12 + hlen);
  const header = validateHeader(raw, payload.length, path);
  // format 1's only checksum; in format 2 it is implied by the whole-file one, checked again for free
  if (sha256(payload).toString("hex") !== header.payloadSha256) throw new CheckpointError(`${path}: damaged or truncated (checksum mismatch)`);
  const out: Record<Group, SavedTensor[]> = { param: [], state: [], optimizer: [] };
  for (const e of header.tensors) {
    // Copy into fresh, aligned memory (the payload may sit at any byte offset).
    const raw = new Uint8Array(payload.subarray(e.offset, e.offset + e.bytes));
    const data = e.dtype === "int32" ? new Int32Array(raw.buffer) : new Float32Array(raw.buffer);
    out[e.group].push({ name: e.name, shape: e.shape, dtype: e.dtype, data });
  }
  const { format: _f, tensors: _t, payloadSha256: _h, ...rest } = header;
  return { ...rest, params: out.param, modelState: out.state, optimizer: out.optimizer };
}

export function writeCheckpoint(path: string, c: Checkpoint, options?: AtomicWriteOptions): void {
  writeFileAtomic(path, encodeCheckpoint(c), options);
}

export function readCheckpoint(path: string): Checkpoint {
  let bytes: Buffer;
  const limit = READ_LIMITS.checkpoint; // a bad INTEL_READ_LIMITS is the user's setting, not a damaged file
  try {
    bytes = readRegularFile(path, limit, "checkpoint");
  } catch (e) {
    throw new CheckpointError(`${path}: cannot read (${(e as Error).message})`);
  }
  return decodeCheckpoint(bytes, path);
}

async function saveVariables(vars: Map<string, tf.Variable>): Promise<SavedTensor[]> {
  const out: SavedTensor[] = [];
  for (const [id, v] of vars) {
    const data = await v.data();
    out.push({ name: id, shape: v.shape.slice(), dtype: "float32", data: Float32Array.from(data as Float32Array) });
  }
  return out;
}

/** Snapshots the model's weights and state and the optimizer's slots. */
export async function captureCheckpoint(model: CompiledModel, optimizer: tf.Optimizer | null, optimizerKind: string, state: TrainState, metricsLines: number): Promise<Checkpoint> {
  return {
    model: modelIdentity(model.ir),
    createdAt: new Date().toISOString(),
    state: structuredClone(state),
    metricsLines,
    optimizerKind,
    params: await saveVariables(model.variables),
    modelState: await saveVariables(model.state),
    optimizer: optimizer ? await optimizerState(optimizer) : [],
  };
}

export const modelIdentity = (ir: ModelIR): Checkpoint["model"] => ({ name: ir.name, irVersion: ir.irVersion, sourceSha256: ir.source.sha256 });

function assign(vars: Map<string, tf.Variable>, saved: readonly SavedTensor[], what: string): void {
  const byName = new Map(saved.map((s) => [s.name, s]));
  for (const [id, v] of vars) {
    const s = byName.get(id);
    if (!s) throw new CheckpointError(`the checkpoint has no ${what} '${id}': it was saved from a different model`);
    if (s.shape.length !== v.shape.length || s.shape.some((d, i) => d !== v.shape[i])) {
      throw new CheckpointError(`${what} '${id}' has shape [${s.shape.join(", ")}] in the checkpoint but [${v.shape.join(", ")}] in the model`);
    }
    tf.tidy(() => v.assign(tf.tensor(s.data, s.shape, v.dtype)));
  }
}

/** Loads weights and state into `model` (and the optimizer's slots when given). */
export async function restoreCheckpoint(c: Checkpoint, model: CompiledModel, optimizer?: tf.Optimizer): Promise<void> {
  assign(model.variables, c.params, "parameter");
  assign(model.state, c.modelState, "state tensor");
  if (optimizer) await restoreOptimizerState(optimizer, c.optimizer);
}
