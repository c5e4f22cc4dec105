// Outputs never replace an input or a file the run needs; another existing file needs --force.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEncodeCommand, makeSampleCommand } from "../../cli/inference-commands";
import { main } from "../../cli/main";
import { makeReportCommand } from "../../cli/report-command";
import { selectBackend } from "../../runtime/backend/select";
import { cleanupTmp, startFake, tmp } from "../runtime/train/helpers";
import { call, fakeDeps } from "./fake-deps";

afterAll(cleanupTmp);


let run = "";
beforeAll(async () => {
  await selectBackend("cpu");
  run = tmp();
  await startFake(run, { train: { epochs: 1 } });
});

describe("overwrites", () => {
  it("compile -o SPEC (or a file it imports) is refused and leaves the spec as it was", async () => {
    const dir = tmp();
    const spec = join(dir, "circle.intel");
    const text = readFileSync("specs/examples/circle.intel", "utf8");
    writeFileSync(spec, text);
    const r = await call((a, io) => main(a, io), "compile", spec, "-o", spec);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`intel compile: ${spec} is an input of this command: refusing to overwrite it; choose another output path\n`);
    expect(readFileSync(spec, "utf8")).toBe(text);
    // the same file under another name (./x/../circle.intel) is still the input
    expect((await call((a, io) => main(a, io), "compile", spec, "-o", join(dir, "x", "..", "circle.intel"))).code).toBe(1);
    expect(readFileSync(spec, "utf8")).toBe(text);
  });

  it("compile -o onto another existing file needs --force", async () => {
    const out = join(tmp(), "model.ts");
    writeFileSync(out, "// mine\n");
    const r = await call((a, io) => main(a, io), "compile", "specs/examples/circle.intel", "-o", out);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${out} already exists; pass --force to overwrite it`);
    expect(readFileSync(out, "utf8")).toBe("// mine\n");
    expect((await call((a, io) => main(a, io), "compile", "specs/examples/circle.intel", "-o", out, "--force")).code).toBe(0);
    expect(readFileSync(out, "utf8")).toContain("@tensorflow/tfjs");
  });

  it.each([
    ["sample", "ir.json"],
    ["sample", "checkpoints/last.ckpt"],
    ["encode", "config.json"],
    ["encode", "metrics.jsonl"],
    ["sample", "checkpoints/new.csv"],
  ])("%s -o RUN/%s is refused, even with --force", async (cmd, file) => {
    const make = cmd === "sample" ? makeSampleCommand : makeEncodeCommand;
    const target = join(run, file);
    const before = (() => {
      try {
        return readFileSync(target);
      } catch {
        return null;
      }
    })();
    const r = await call(make(fakeDeps()), run, "-o", target, "--force", "--backend", "cpu");
    expect(r.code).toBe(1);
    expect(r.err).toContain(`intel ${cmd}: ${target} is a file the run needs (its spec, IR, config, metrics, checkpoints or lock): refusing to overwrite it`);
    if (before) expect(readFileSync(target)).toEqual(before);
  });

  it("sample/encode/report -o onto an existing file need --force; their default outputs are replaced freely", async () => {
    const out = join(tmp(), "z.csv");
    writeFileSync(out, "keep me\n");
    for (const make of [makeSampleCommand, makeEncodeCommand]) {
      const r = await call(make(fakeDeps()), run, "-o", out, "--backend", "cpu");
      expect(r.code).toBe(1);
      expect(r.err).toContain(`${out} already exists; pass --force to overwrite it`);
      expect(readFileSync(out, "utf8")).toBe("keep me\n");
    }
    const report = join(tmp(), "r.html");
    writeFileSync(report, "keep\n");
    expect((await call(makeReportCommand(fakeDeps()), run, "-o", report, "--backend", "cpu")).code).toBe(1);
    expect(readFileSync(report, "utf8")).toBe("keep\n");
    expect((await call(makeSampleCommand(fakeDeps()), run, "-o", out, "--force", "--backend", "cpu")).code).toBe(0);
    expect(readFileSync(out, "utf8")).toMatch(/^x0,x1/);
    for (let i = 0; i < 2; i++) expect((await call(makeSampleCommand(fakeDeps()), run, "--backend", "cpu")).code).toBe(0);
  });
});
