// Every IV6xxx data code, raised by the runtime and rendered in the compiler's diagnostic format.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DataIR } from "../../compiler/ir/types";
import { CATALOG } from "../../compiler/diagnostics/catalog";
import { renderDataError } from "../../cli/data-diagnostic";
import { DataError, makeDataset } from "../../runtime/data/dataset";
import { checkDataset, loadTrainingData } from "../../runtime/data/load";
import { dataChanges, fingerprintData, requireSameData } from "../../runtime/data/fingerprint";

const dir = mkdtempSync(join(tmpdir(), "intel-data-diag-"));
const spec = join(dir, "spec.intel");
const points = join(dir, "points.csv");
writeFileSync(points, "a,b\n1,2\n");
writeFileSync(spec, `model m {\n  data x : Real[2] ~ csv(path: "points.csv")\n}\n`);
const ir = (over: Partial<DataIR> = {}): DataIR => ({
  name: "x",
  source: "csv",
  args: { path: join(dir, "missing.csv") },
  shape: [2],
  range: [0, 1],
  at: { file: spec, line: 2, col: 3 },
  ...over,
});

function raised(f: () => void): DataError {
  try {
    f();
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error("no DataError raised");
}

describe("data diagnostics (IV6xxx)", () => {
  const cases: [string, () => void][] = [
    ["IV6001", () => checkDataset(makeDataset(new Float32Array(0), [2], null), ir())],
    ["IV6002", () => checkDataset(makeDataset(new Float32Array(6), [3], null), ir())],
    ["IV6003", () => checkDataset(makeDataset(new Float32Array([0, NaN]), [2], null), ir())],
    ["IV6004", () => checkDataset(makeDataset(new Float32Array([0, 2]), [2], null), ir())],
    ["IV6005", () => loadTrainingData(ir(), 1, 0)],
    ["IV6010", () => requireSameData(ir().at, [{ path: points, size: 3, mtime: "2024-01-01T00:00:00.000Z", sha256: "0".repeat(64) }])],
  ];

  it.each(cases)("%s is raised with the spec's data line and rendered like a compiler diagnostic", (code, f) => {
    const e = raised(f);
    expect(e.code).toBe(code);
    expect(e.at).toEqual({ file: spec, line: 2, col: 3 });
    const text = renderDataError(e, false)!;
    expect(text.split("\n").slice(0, 3)).toEqual([
      `${spec}:2:3: error ${code}: ${e.message}`,
      `  2 |   data x : Real[2] ~ csv(path: "points.csv")`,
      `    |   ${"^" + "~".repeat(`data x : Real[2] ~ csv(path: "points.csv")`.length - 1)}`,
    ]);
  });

  it("IV6011 (eval on changed data) is a warning, rendered at the data line", () => {
    const [change] = dataChanges([{ path: points, size: 3, mtime: "2024-01-01T00:00:00.000Z", sha256: "0".repeat(64) }]);
    expect(change).toMatch(/points\.csv changed since 2024-01-01T00:00:00\.000Z \(size 3 → 8 bytes, sha256 000000000000… → [0-9a-f]{12}…; modified /);
    const text = renderDataError(new DataError(`the data changed: ${change}`, "IV6011", ir().at), false)!;
    expect(text.split("\n")[0]).toBe(`${spec}:2:3: warning IV6011: the data changed: ${change}`);
    // unchanged: no difference; gone: said so
    expect(dataChanges(fingerprintData(ir({ args: { path: points } })))).toEqual([]);
    expect(dataChanges([{ path: join(dir, "gone.csv"), size: 3, mtime: "x", sha256: "0".repeat(64) }])).toEqual([`${join(dir, "gone.csv")} is gone (it had 3 bytes)`]);
  });

  it("covers every IV6 code of the catalog", () => {
    expect(Object.keys(CATALOG).filter((c) => c.startsWith("IV6"))).toEqual([...cases.map(([c]) => c), "IV6011"]);
  });
});
