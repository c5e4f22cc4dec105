// A NaN injected through a spec stops training with the step, the term and the spec line of the op.
// The bias divides by softplus(w - 200): provably positive (so the checker accepts it), but it
// underflows to 0 in float32, so y / 0 is infinite from the first step.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bufferIo } from "../../../cli/io";
import { main } from "../../../cli/main";

const dir = mkdtempSync(join(tmpdir(), "intel-nan-"));
const spec = join(dir, "blowup.intel");
writeFileSync(
  spec,
  `import "${join(process.cwd(), "specs/prelude.intel")}"

bias blowup(y: Real[2]) -> Real[2] {
  param w = zeros(1)
  return y / softplus(w - 200)
}

model nan_model {
  data x : Real[2] ~ ring(n: 200)
  encoder q(y | x) = mlp_encoder(hidden: [8])
  intermediary y : Real[2] ~ Normal(0, I)
  mapping z = blowup(y)
  decoder p(x | z) : Gaussian(sigma: 0.1) = mlp_decoder(hidden: [8])
  train { batch: 50, epochs: 2, seed: 1 }
}
`,
);

describe("non-finite loss from a spec", () => {
  it("is accepted by the checker (the value is provably positive)", async () => {
    const io = bufferIo();
    expect(await main(["check", spec], io)).toBe(0);
  });

  it("stops at step 1 naming the term and the division's spec line", async () => {
    const run = join(dir, "run");
    const io = bufferIo();
    const code = await main(["train", spec, "--backend", "cpu", "--out", run], io);
    expect(code).toBe(1);
    const err = io.stderr();
    expect(err).toMatch(/loss term 'recon' became (NaN|-?Infinity) at step 1 \(epoch 1\)/);
    expect(err).toContain(`first appears in the mapping's 'div' in bias 'blowup' at ${spec}:5:10`);
    expect(err).toContain("no checkpoint was written before it");
    const lines = readFileSync(join(run, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({ type: "diverged", step: 1, term: "recon" });
    expect(existsSync(join(run, "checkpoints", "last.ckpt"))).toBe(false);
  });
});
