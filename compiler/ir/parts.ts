// Zod pieces shared by the IR schema (schema.ts) and the node schemas the built-in descriptors own
// (compiler/builtins/layers/): one definition of a shape, a source place, an id.
import { z } from "zod";

export const shape = z.array(z.int().min(-1));
export const at = z.object({ file: z.string(), line: z.int(), col: z.int() });
export const id = z.string().min(1);
export const count = z.int().min(1);
export const pair = z.tuple([count, count]);
export const padding = z.enum(["same", "valid"]);

/** A layer node's schema: its kind, its fields, and the input and output shapes and the spec place every layer has. */
export function layerNode<K extends string, F extends z.core.$ZodLooseShape>(kind: K, fields: F) {
  return z.object({ in: shape, out: shape, at, kind: z.literal(kind), ...fields });
}
export const num = z.number();
export const int = z.int();
