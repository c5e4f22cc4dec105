// `intel check --verbose` says what the compiler decided: InteL-VAE or baseline, and whether the KL
// is analytic or Monte Carlo (DESIGN §1: "the compiler decides and says which").
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main";
import { bufferIo } from "../../cli/io";

const check = async (...argv: string[]) => {
  const io = bufferIo();
  const code = await main(["check", ...argv], io);
  return { code, out: io.stdout() };
};

describe("intel check --verbose", () => {
  it("names an analytic KL for N(0, I) and a Monte Carlo KL for a mixture prior", async () => {
    const r = await check("--verbose", "specs/paper/circle-intel.intel", "specs/paper/two-gaussians-mog.intel");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/model circle_intel: an InteL-VAE\n(.*\n)*\s+prior\s+y : Real\[2\] ~ N\(0, I\); KL analytic/);
    expect(r.out).toMatch(/model two_gaussians_mog: a baseline.*\n(.*\n)*\s+prior\s+.*mixture of Gaussians \(2 components, fixed\); KL by Monte Carlo/);
    expect(r.out).toMatch(/mapping\s+\d+ ops → z : Real\[2\]; penalties: none/);
  });

  it("lists the mapping's penalties and counts the parameters", async () => {
    const r = await check("--verbose", "specs/paper/fashion-sparse-g10.intel");
    expect(r.out).toMatch(/penalties: sparsity/);
    expect(r.out).toMatch(/parameters\s+[\d,]+ in \d+ tensors/);
  });

  it("prints no summary without the flag, and none for a spec with errors", async () => {
    expect((await check("specs/paper/circle-intel.intel")).out).not.toContain("KL analytic");
    const bad = await check("--verbose", "test/golden/names/five-errors.intel");
    expect(bad.code).toBe(1);
    expect(bad.out).not.toMatch(/^model /m);
  });
});

describe("intel check lowers clean specs", () => {
  it("reports an argument only the lowering can judge (a flow's rank against D) as IV5004, not an internal error", async () => {
    const f = join(mkdtempSync(join(tmpdir(), "intel-check-")), "rank.intel");
    const spec = readFileSync("specs/paper/circle-vanilla.intel", "utf8").replace("mapping z = identity(y)", 'mapping z = sylvester_flow(y, layers: 2, rank: 3, kind: "orthogonal")');
    expect(spec).toContain("sylvester_flow");
    writeFileSync(f, spec);
    const r = await check(f);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/error IV5004: sylvester_flow's rank must be an integer in \[1, 2\], got 3/);
    expect(r.out).not.toContain("IV9001");
  });
});
