// ir.json is checked against the IR schema when a run is read (IV9010): a stale version, a missing
// field and a wrong type are refused with the field named, exit 1 and no stack trace; the compiler's
// own output for every spec passes (test/lower/specs.test.ts compiles them all through lower()).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bufferIo } from "../../../cli/io";
import { main } from "../../../cli/main";
import { compileSource } from "../../../compiler/compile";
import { validateIR } from "../../../compiler/ir/schema";
import { IR_VERSION, type ModelIR } from "../../../compiler/ir/types";
import { IRFileError, openRunDir } from "../../../runtime/run/run-dir";
import { RING_SMALL, tinySpec } from "../../tiny-spec";
import { cleanupTmp, tmp } from "../train/helpers";

afterAll(cleanupTmp);

const ir = (): ModelIR => {
  const r = compileSource(tinySpec({ data: RING_SMALL, prior: "StudentT(df: 3)" }), { file: "test/runtime/run/m.intel" });
  return JSON.parse(JSON.stringify(r.ir)) as ModelIR;
};

function runDir(json: unknown): string {
  const dir = join(tmp(), "run");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "ir.json"), JSON.stringify(json));
  writeFileSync(join(dir, "config.json"), JSON.stringify({ name: "m" }));
  return dir;
}

const broken: [string, (j: Record<string, any>) => void, string, RegExp | string][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
  ["a stale version", (j) => (j.irVersion = "0.1"), "irVersion", `"0.1", this intel-vae reads IR ${IR_VERSION}`],
  ["a missing field", (j) => delete j.train.settings.monitor, "train.settings.monitor", /expected one of/],
  ["a wrong type", (j) => (j.latent.prior.df = "three"), "latent.prior.df", /expected number/],
  ["a wrong attrs type", (j) => (j.mapping.nodes.push({ op: "sum", inputs: [0], attrs: { axis: "last", keepdims: false }, shape: [], at: j.latent.at })), "mapping.nodes.1.attrs.axis", /expected/],
];

describe("the IR schema", () => {
  it("fills a metric argument an older ir.json lacks with the table's default", () => {
    const j = ir();
    j.evaluate = [{ name: "hoyer", args: { z: "z" }, at: j.latent.at }];
    expect(validateIR(j).ir!.evaluate[0]!.args).toEqual({ z: "z", sample: false });
  });
  it("accepts what the compiler writes", () => {
    expect(validateIR(ir()).issues).toBeUndefined();
  });

  it.each(broken)("refuses %s, naming the field", (_what, edit, path, message) => {
    const j = ir() as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    edit(j);
    const issues = validateIR(j).issues!;
    expect(issues.map((i) => i.path)).toContain(path);
    expect(issues.find((i) => i.path === path)!.message).toMatch(message);
    const dir = runDir(j);
    expect(() => openRunDir(dir)).toThrow(IRFileError);
  });

  it("intel sample on a stale run: IV9010 with the file and the field, exit 1, no stack trace", async () => {
    const j = ir() as unknown as Record<string, unknown>;
    j.irVersion = "0.1";
    const dir = runDir(j);
    const io = bufferIo();
    const code = await main(["sample", dir, "-n", "2", "-o", join(dir, "s.csv")], io);
    expect(code).toBe(1);
    const err = io.stderr();
    expect(err).toContain(`${join(dir, "ir.json")}: error IV9010`);
    expect(err).toContain(`irVersion: is "0.1", this intel-vae reads IR ${IR_VERSION}`);
    expect(err).toContain("hint: train the run again");
    expect(err).not.toMatch(/\n\s+at /);
  });
});
