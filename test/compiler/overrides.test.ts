// Overrides (`--set PATH=VALUE`): where each path lands in the spec, that the edited spec is checked
// like a hand-written one, and the exact text of their diagnostics (test/golden/overrides/*.set).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderDiagnostics, summary } from "../../compiler/diagnostics/render";
import { compileWithOverrides, overridesFromArgs } from "../../compiler/overrides/compile";
import { suggestPath } from "../../compiler/overrides/suggest-path";
import { memoryHost } from "../../compiler/host";
import { expectGolden } from "../golden";
import { tinySpec } from "../tiny-spec";

const DIR = "test/golden/overrides";
const BASE = join(DIR, "base.intel");

function withSets(sets: string[], spec = BASE, host?: ReturnType<typeof memoryHost>) {
  const p = overridesFromArgs(sets);
  expect(p.diagnostics).toEqual([]);
  return compileWithOverrides(spec, p.overrides, p.sources, host);
}

describe("overrides", () => {
  it("set existing arguments and entries, insert missing ones, and reach the IR", () => {
    const r = withSets(["objective.beta=4", "train.batch=64", "mapping.gamma=30", "latent.dim=32", "train.min_epochs=2", "optimizer.lr=0.01", "likelihood.sigma=0.25", "encoder.hidden=[8, 8]"]);
    expect(r.check.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const ir = r.ir!;
    expect(ir.objective).toMatchObject({ kind: "elbo", beta: 4 });
    expect(ir.train.batch).toBe(64);
    expect(ir.train.optimizer.lr).toBe(0.01); // no optimizer written: adam(lr: …) inserted
    expect(ir.latent.dim).toBe(32);
    expect(r.effectiveText).toContain("mapping z = sparse(y, gamma: 30)");
    expect(r.effectiveText).toContain("train { batch: 64, epochs: 5, min_epochs: 2, optimizer: adam(lr: 0.01) }");
    expect(r.effectiveText).toContain("encoder q(y | x) = mlp_encoder(hidden: [8, 8])");
    expect(r.effectiveText).toContain("Gaussian(sigma: 0.25)");
    expect(r.applied).toEqual({ "objective.beta": "4", "train.batch": "64", "mapping.gamma": "30", "latent.dim": "32", "train.min_epochs": "2", "optimizer.lr": "0.01", "likelihood.sigma": "0.25", "encoder.hidden": "[8, 8]" });
    // the IR's source hash is the effective spec's, so a resumed run checks against what was trained
    expect(ir.source.file).toBe(BASE);
  });

  it("adds an objective and a train block to a spec that has neither, and sets positional arguments by name", () => {
    const file = "mem/tiny.intel";
    const host = memoryHost({ [file]: tinySpec({ prior: "MixtureOfGaussians(3)" }) });
    const r = withSets(["objective.beta=2", "train.epochs=3", "prior.k=5"], file, host);
    expect(r.ir?.objective).toMatchObject({ beta: 2 });
    expect(r.ir?.train.epochs).toBe(3);
    expect(r.effectiveText).toContain("MixtureOfGaussians(5)");
    expect(r.effectiveText).toMatch(/objective elbo\(beta: 2\)\n\s*train \{ epochs: 3 \}\n\}/);
  });

  it("without overrides compiles the spec as it is", () => {
    const r = withSets([]);
    expect(r.ir?.objective).toMatchObject({ beta: 1 });
    expect(r.effectiveText).toBe(readFileSync(BASE, "utf8"));
  });

  const sets = readdirSync(DIR).filter((f) => f.endsWith(".set")).sort();
  it.each(sets)("diagnostics of %s", (f) => {
    const lines = readFileSync(join(DIR, f), "utf8").split("\n").filter(Boolean);
    const spec = join(DIR, f === "not-a-call.set" ? "plain-mapping.intel" : "base.intel");
    const p = overridesFromArgs(lines);
    const r = p.diagnostics.length && p.overrides.length === 0 ? { check: { diagnostics: p.diagnostics, sources: p.sources } } : compileWithOverrides(spec, p.overrides, p.sources);
    const ds = [...p.diagnostics, ...r.check.diagnostics];
    expect(ds.some((d) => d.severity === "error")).toBe(true);
    expectGolden(join(DIR, f.replace(/\.set$/, ".set.errors.txt")), renderDiagnostics(ds, r.check.sources) + `-- ${summary(ds)}\n`);
  });

  it("suggests paths block by block", () => {
    const known = ["objective.beta", "objective.warmup", "train.batch", "mapping.gamma", "latent.dim"];
    expect(suggestPath("objective.bta", known)).toBe("objective.beta");
    expect(suggestPath("objectiv.beta", known)).toBe("objective.beta");
    expect(suggestPath("trian.bach", known)).toBe("train.batch");
    expect(suggestPath("latent.dims", known)).toBe("latent.dim");
    expect(suggestPath("decoder.zzz", known)).toBeUndefined();
  });
});
