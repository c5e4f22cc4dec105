// Emit benchmark: `intel compile` of the spec with the largest IR, median after warm-up (goal: well under a second).
import { performance } from "node:perf_hooks";
import { compileFile } from "../compiler/compile";
import { emitModel } from "../compiler/emit/emit";
import { intelFilesUnder } from "../test/golden";

export function benchEmit(): void {
  const irs = intelFilesUnder("specs")
    .map((f) => ({ f, ir: compileFile(f).ir }))
    .filter((x): x is { f: string; ir: NonNullable<typeof x.ir> } => x.ir !== undefined)
    .sort((a, b) => JSON.stringify(b.ir).length - JSON.stringify(a.ir).length);
  const largest = irs[0];
  if (!largest) return console.log("emit: no spec compiles to an IR");
  let lines = 0;
  for (let i = 0; i < 5; i++) lines = emitModel(largest.ir).split("\n").length; // warm-up
  const ts: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    emitModel(largest.ir);
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  console.log(`emit, largest IR ${largest.f} (${lines} lines of TypeScript): ${ts[15]!.toFixed(1)} ms (median of 30; goal well under 1000 ms)`);
}

if (import.meta.url === `file://${process.argv[1]}`) benchEmit();
