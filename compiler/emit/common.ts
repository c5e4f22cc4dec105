// Shared pieces of the emitter: the error type, number/array/string formatting for emitted code,
// the Lines buffer the emitted text is collected in, and the Emitter context passed between parts.
import { basename } from "node:path";
import type { NodeIR, SourceRef } from "../ir/types";
import { Names } from "./names";

/** What the emitter cannot write out, with the spec place it came from where the IR has one. */
export class EmitError extends Error {
  override readonly name = "EmitError";
  constructor(
    message: string,
    readonly at?: SourceRef,
  ) {
    super(message);
  }
}

// ---------- small formatting helpers ----------

export const num = (n: number): string => (Number.isNaN(n) ? "NaN" : n === Infinity ? "Infinity" : n === -Infinity ? "-Infinity" : Object.is(n, -0) ? "-0" : String(n));
export const arr = (xs: readonly number[]): string => `[${xs.map(num).join(", ")}]`;
export const str = (s: string): string => JSON.stringify(s);
export const at = (a: { file: string; line: number } | undefined): string => (a ? `${basename(a.file)}:${a.line}` : "");
export const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
export const eq = (a: readonly number[] | null, b: readonly number[]): boolean => a !== null && a.length === b.length && a.every((x, i) => x === b[i]);

export function numAttr(attrs: NodeIR["attrs"], key: string, dflt: number): number {
  const v = attrs?.[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== "number") throw new EmitError(`attribute '${key}' must be a number, got ${JSON.stringify(v)}`);
  return v;
}

/** Lines of code, written out at the end with the ts-morph writer. */
export class Lines {
  readonly out: string[] = [];
  line(s = ""): void {
    this.out.push(s);
  }
  comment(s: string): void {
    this.out.push(`// ${s}`);
  }
}

export interface Emitter {
  lines: Lines;
  /** the runtime/support names the emitted code calls */
  imports: Set<string>;
  names: Names;
}
