// A FlowDecoder run end to end: it trains on 4-value data on 256 levels, `intel eval` reports the
// discrete bound in bits/dim from its −ELBO and IWAE NLL (the constants of
// runtime/objectives/dequantize.ts), `intel sample` draws through the flow's inverse, and export
// (which has no flow) exits 1 saying why.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../runtime/backend/select";
import { mulberry32 } from "../../runtime/random/seeds";
import { cleanupTmp, tmp } from "../runtime/train/helpers";
import { viaMain } from "./fake-deps";

afterAll(cleanupTmp);
beforeAll(async () => {
  await selectBackend("cpu");
});

describe("intel on a FlowDecoder model", () => {
  it("trains; eval's bits_per_dim = (nll + 4·ln 256)/(4·ln 2); sample works; export exits 1 with the reason", async () => {
    const root = tmp();
    const rand = mulberry32(3);
    // grey levels k/255, correlated between the values so that the couplings have something to fit
    const rows = Array.from({ length: 120 }, () => {
      const a = rand();
      return [a, a * 0.8 + 0.2 * rand(), rand(), 1 - a].map((v) => Math.round(v * 255) / 255).join(",");
    });
    writeFileSync(join(root, "grey.csv"), rows.join("\n") + "\n");
    writeFileSync(
      join(root, "fd.intel"),
      `import "prelude"
model fd {
  data x : Real[4] ~ csv(path: "grey.csv", header: false, validation: 20)
  encoder q(y | x) = mlp_encoder(hidden: [8])
  intermediary y : Real[2] ~ Normal(0, I)
  decoder p(x | y) : FlowDecoder(layers: [actnorm(), affine_coupling(hidden: [8]), permute(), affine_coupling(hidden: [8])], sigma: "learned") = mlp_decoder(hidden: [8])
  train { batch: 20, epochs: 2, seed: 1 }
}
`,
    );
    const dir = join(root, "run");
    const t = await viaMain("train", join(root, "fd.intel"), "--out", dir, "--backend", "cpu");
    expect(t.code, t.err).toBe(0);
    const ev = await viaMain("eval", dir, "--k", "4", "--backend", "cpu");
    expect(ev.code, ev.err).toBe(0);
    const json = JSON.parse(ev.out) as { splits: Record<string, { elbo: number; iwae_nll: number; bits_per_dim: { elbo: number; iwae: number } }> };
    const bits = (nll: number) => (nll + 4 * Math.log(256)) / (4 * Math.LN2);
    for (const s of Object.values(json.splits)) {
      expect(s.bits_per_dim.elbo).toBeCloseTo(bits(-s.elbo), 9);
      expect(s.bits_per_dim.iwae).toBeCloseTo(bits(s.iwae_nll), 9);
      // IWAE's bound is the tighter one (K = 4 against the ELBO, up to Monte Carlo noise)
      expect(s.bits_per_dim.iwae).toBeLessThan(s.bits_per_dim.elbo + 0.05);
    }
    const sm = await viaMain("sample", dir, "--n", "4", "-o", join(root, "s.npy"), "--backend", "cpu");
    expect(sm.code, sm.err).toBe(0);
    const ex = await viaMain("export", dir, "--backend", "cpu");
    expect(ex.code).toBe(1);
    expect(ex.err).toContain("FlowDecoder");
    expect(ex.err).not.toMatch(/\n\s+at /);
  });
});
