// Checkpoints: one self-describing file per checkpoint, written atomically.
//
// Layout: "INTELCK1" (8 bytes) · header length (uint32 LE) · header (UTF-8 JSON) · payload.
// The header says where each tensor's bytes lie in the payload (little-endian float32/int32) and
// carries the payload's sha256, so a truncated or corrupted file is refused, never half-loaded.
import * as tf from "@tensorflow/tfjs";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ModelIR } from "../../compiler/ir/types";
import type { CompiledModel } from "../model/compiled";
import type { TrainState } from "../train/loop";
import { optimizerState, restoreOptimizerState, type SavedTensor } from "../train/optimizer";
import { writeFileAtomic, type AtomicWriteOptions } from "./atomic";

export const CHECKPOINT_MAGIC = "INTELCK1";
export const CHECKPOINT_FORMAT = 1;

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

const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

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
  const header: Header = { format: CHECKPOINT_FORMAT, ...rest, tensors, payloadSha256: createHash("sha256").update(payload).digest("hex") };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  return Buffer.concat([Buffer.from(CHECKPOINT_MAGIC, "ascii"), len, json, payload]);
}

export function decodeCheckpoint(bytes: Uint8Array, path = "checkpoint"): Checkpoint {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 12 || buf.subarray(0, 8).toString("ascii") !== CHECKPOINT_MAGIC) throw new CheckpointError(`${path}: not an intel-vae checkpoint`);
  const hlen = buf.readUInt32LE(8);
  if (12 + hlen > buf.length) throw new CheckpointError(`${path}: truncated (header)`);
  let header: Header;
  try {
    header = JSON.parse(buf.subarray(12, 12 + hlen).toString("utf8")) as Header;
  } catch {
    throw new CheckpointError(`${path}: unreadable header`);
  }
  if (header.format !== CHECKPOINT_FORMAT) throw new CheckpointError(`${path}: checkpoint format ${header.format}, this intel-vae reads ${CHECKPOINT_FORMAT}`);
  const payload = buf.subarray(12 + hlen);
  if (createHash("sha256").update(payload).digest("hex") !== header.payloadSha256) throw new CheckpointError(`${path}: truncated or corrupted (checksum mismatch)`);
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
  try {
    bytes = readFileSync(path);
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
