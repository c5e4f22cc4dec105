// The models of the specs under specs/ (and, on request, of the golden model specs) that lower
// without errors, and which of them are the paper's big conv nets (minutes a step on cpu): shared by
// the parity test (test/emit/parity.test.ts) and the wasm test (test/runtime/wasm-specs.test.ts).
import { compileFile } from "../compiler/compile";
import type { ModelIR } from "../compiler/ir/types";
import { intelFilesUnder } from "./golden";

export function specModels(dirs: readonly string[]): { path: string; ir: ModelIR }[] {
  return dirs
    .flatMap((d) => intelFilesUnder(d))
    .filter((p) => !p.endsWith("prelude.intel"))
    .flatMap((path) => {
      const r = compileFile(path);
      return r.ir && !r.check.diagnostics.some((d) => d.severity === "error") ? [{ path, ir: r.ir }] : [];
    });
}

/** Multiply-adds per datapoint of a network's convolutions (an upper bound for the transposed ones). */
export const convMacs = (ir: ModelIR): number =>
  [...ir.encoder.layers, ...ir.decoder.layers].reduce(
    (n, l) => (l.kind === "conv2d" || l.kind === "conv2d_transpose" ? n + l.out[0]! * l.out[1]! * l.kernel[0] * l.kernel[1] * l.in[2]! * l.filters : n),
    0,
  );

/** The paper's conv nets on 28×28 images (~10⁸ multiply-adds a datapoint): minutes on the cpu backend. */
export const isSlowConv = (ir: ModelIR): boolean => convMacs(ir) > 5e6;
