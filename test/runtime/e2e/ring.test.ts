// The paper's one-hole claim at toy scale: on ring data the circle mapping's samples lie on a ring
// (their radius concentrates), the identity mapping's fill the disc. Fixed seed, cpu backend.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bufferIo } from "../../../cli/io";
import { main } from "../../../cli/main";

const dir = mkdtempSync(join(tmpdir(), "intel-ring-"));

function spec(mapping: string): string {
  const path = join(dir, `${mapping}.intel`);
  writeFileSync(
    path,
    `import "${join(process.cwd(), "specs/prelude.intel")}"
model ring_${mapping} {
  data x : Real[2] ~ ring(n: 1000, radius: 2, noise: 0.05)
  encoder q(y | x) = mlp_encoder(hidden: [16, 16])
  intermediary y : Real[2] ~ Normal(0, I)
  mapping z = ${mapping}(y)
  decoder p(x | z) : Gaussian(sigma: 0.1) = mlp_decoder(hidden: [16, 16])
  train { optimizer: adam(lr: 5e-3), batch: 50, epochs: 25, seed: 3 }
}
`,
  );
  return path;
}

/** Trains the spec, draws 500 samples, returns the spread of their radius: std / mean. */
async function radiusSpread(mapping: string): Promise<{ mean: number; cv: number }> {
  const run = join(dir, `run-${mapping}`);
  const io = bufferIo();
  expect(await main(["train", spec(mapping), "--backend", "cpu", "--out", run], io), io.stderr()).toBe(0);
  const csv = join(dir, `${mapping}.csv`);
  expect(await main(["sample", run, "--backend", "cpu", "-n", "500", "-o", csv], io), io.stderr()).toBe(0);
  const rows = readFileSync(csv, "utf8").trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
  const r = rows.map(([a, b]) => Math.hypot(a!, b!));
  const mean = r.reduce((s, v) => s + v, 0) / r.length;
  const sd = Math.sqrt(r.reduce((s, v) => s + (v - mean) ** 2, 0) / r.length);
  return { mean, cv: sd / mean };
}

describe("circle mapping on ring data", () => {
  it("learns a ring: the samples' radius concentrates, unlike the identity mapping's", async () => {
    const circle = await radiusSpread("circle");
    const identity = await radiusSpread("identity");
    console.log(`radius of 500 samples: circle mean ${circle.mean.toFixed(3)} cv ${circle.cv.toFixed(3)}; identity mean ${identity.mean.toFixed(3)} cv ${identity.cv.toFixed(3)}`);
    expect(circle.cv).toBeLessThan(0.15);
    expect(identity.cv).toBeGreaterThan(2 * circle.cv);
    expect(Math.abs(circle.mean - 2)).toBeLessThan(0.4);
  }, 300_000);
});
