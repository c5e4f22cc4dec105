// A run whose mapping reads the data (IV5090): it trains, encodes and reports; what needs samples of
// the prior (sample, export, explore) exits 1 saying why, never with a stack trace.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../runtime/backend/select";
import { cleanupTmp, tmp } from "../runtime/train/helpers";
import { viaMain } from "./fake-deps";

afterAll(cleanupTmp);
beforeAll(async () => {
  await selectBackend("cpu");
});

describe("intel on a mapping conditioned on x", () => {
  it("trains and encodes; sample, export and explore exit 1 with the reason; the report leaves samples out", async () => {
    const dir = join(tmp(), "run");
    const t = await viaMain("train", "specs/family/ring-x-conditioned.intel", "--epochs", "1", "--out", dir, "--backend", "cpu");
    expect(t.code, t.err).toBe(0);
    expect(t.err).toContain("IV5090");
    const e = await viaMain("encode", dir, "-o", join(tmp(), "z.npy"), "--backend", "cpu");
    expect(e.code, e.err).toBe(0);
    for (const cmd of ["sample", "export", "explore"]) {
      const r = await viaMain(cmd, dir, "--backend", "cpu");
      expect(r.code, `${cmd}: ${r.err}`).toBe(1);
      expect(r.err).toMatch(/the mapping reads the data x \(z = g\(y, x\), IV5090\)/);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    const rep = await viaMain("report", dir, "--backend", "cpu");
    expect(rep.code, rep.err).toBe(0);
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).toContain("there is no z without a datapoint, so no samples from the prior");
    expect(existsSync(join(dir, "export"))).toBe(false);
  });
});
