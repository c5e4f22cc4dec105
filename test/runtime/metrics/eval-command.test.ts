// `intel eval RUN` computes the IR's `evaluate { … }` metrics (with the fake model) into eval.json.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvalCommand } from "../../../cli/inference-commands";
import { bufferIo } from "../../../cli/io";
import { makeTrainCommand } from "../../../cli/train-command";
import { selectBackend } from "../../../runtime/backend/select";
import { fakeDeps } from "../../cli/fake-deps";
import { fakeIR } from "../train/fake-model";
import { cleanupTmp, tmp } from "../train/helpers";
import { metricIR } from "../fixtures/ir";

afterAll(cleanupTmp);
beforeAll(async () => {
  await selectBackend("cpu");
});

const metric = metricIR;

describe("intel eval: the IR's evaluate metrics", () => {
  it("all metrics land in eval.json and on stdout", async () => {
    const ir = fakeIR({ data: { source: "two_gaussians", args: { n: 96 } } });
    ir.evaluate = [
      metric("hoyer", { z: "z", sample: false }),
      metric("iwae_nll", { k: 10, points: 50 }),
      metric("elbo"),
      metric("kl"),
      metric("recon_error", { kind: "mse" }),
      metric("fewshot", { z: "z", sizes: [10, 50, 1000], classifier: "forest", repeats: 2 }),
      metric("fewshot", { z: "y", sizes: [10], classifier: "logistic", repeats: 2 }),
      metric("cluster_proportions", { samples: 200, classifier: "logistic" }),
      metric("sample_uncertainty", { threshold: 0.8, samples: 200, classifier: "logistic" }),
      metric("region_mass", { center: [0, 0], radius: 1, samples: 200 }),
      metric("active_dims", { z: "y", threshold: 0.01 }),
      metric("fid_small", { samples: 100, features: "classifier" }),
      metric("fid_small", { samples: 100, features: "pixels" }),
    ];
    const spec = join(tmp(), "fake.intel");
    writeFileSync(spec, "model fake {}\n");
    const dir = join(tmp(), "run");
    const io = bufferIo();
    expect(await makeTrainCommand(fakeDeps(ir))([spec, "--out", dir, "--backend", "cpu"], io), io.stderr()).toBe(0);
    const eio = bufferIo();
    expect(await makeEvalCommand(fakeDeps(ir))([dir, "--k", "5", "--backend", "cpu"], eio), eio.stderr()).toBe(0);
    const json = JSON.parse(eio.stdout());
    expect(JSON.parse(readFileSync(join(dir, "eval.json"), "utf8"))).toEqual(json);
    const m = json.metrics;
    expect(Object.keys(m)).toEqual(["hoyer", "iwae_nll", "elbo", "kl", "recon_error", "fewshot", "fewshot#2", "cluster_proportions", "sample_uncertainty", "region_mass", "active_dims", "fid_small", "fid_small#2"]);
    expect(m.hoyer.value).toBeGreaterThanOrEqual(0);
    expect(m.hoyer.value).toBeLessThanOrEqual(1);
    expect(m.iwae_nll.k).toBe(10);
    expect(m.iwae_nll.points).toBe(50);
    expect(Number.isFinite(m.iwae_nll.value)).toBe(true);
    expect(m.elbo.value).toBeCloseTo(-json.splits.test.elbo, 10);
    expect(m.kl.value).toBe(json.splits.test.kl);
    expect(m.recon_error.value).toBe(json.splits.test.recon_mse);
    expect(m.fewshot.sizes.map((r: { size: number }) => r.size)).toEqual([10, 50]);
    expect(m.fewshot.notes[0]).toMatch(/1000 skipped/);
    expect(m["fewshot#2"].latent).toBe("y");
    expect(m.cluster_proportions.generated).toHaveLength(2);
    expect(m.cluster_proportions.data[0]).toBeCloseTo(0.5, 1);
    expect(m.sample_uncertainty.value).toBeGreaterThanOrEqual(0);
    expect(m.region_mass.value).toBeGreaterThanOrEqual(0);
    expect(m.active_dims.of).toBe(2);
    expect(m.fid_small.value).toBeGreaterThanOrEqual(0);
    expect(m.fid_small.features).toMatch(/class probabilities of a multinomial logistic regression/);
    expect(m["fid_small#2"].features).toBe("raw values (2)");
    expect(m["fid_small#2"].value).toBeGreaterThanOrEqual(0);
  });
});
