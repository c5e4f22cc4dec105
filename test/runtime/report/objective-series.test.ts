// The report's series of the family objectives: tc_elbo's estimates become per-epoch terms, and
// GECO's λ and ĉ of the step lines become the rows of its two charts (runtime/report/series.ts).
import { describe, expect, it } from "vitest";
import { metricSeries } from "../../../runtime/report/series";

describe("metric series of the family objectives", () => {
  it("plots tc_elbo's estimates per epoch and GECO's λ and ĉ per step", () => {
    const terms = { loss: 3, recon: 2, kl: 1, penalties: {}, estimates: { mi: 0.5, tc: 0.25, dim_kl: 0.25 } };
    const recs = [
      { type: "step", step: 1, loss: 3, lambda: 1, constraint: 2 },
      { type: "step", step: 2, loss: 2.5, lambda: 1.1, constraint: 1.5 },
      { type: "epoch", epoch: 1, train: terms, validation: null, lambda: 1.1, constraint: 1.5 },
    ];
    const s = metricSeries(recs);
    expect(s.terms).toEqual(["loss", "recon", "kl", "mi", "tc", "dim_kl"]);
    expect(s.epochRows.find((r) => r.term === "tc")).toEqual({ epoch: 1, split: "train", term: "tc", value: 0.25 });
    expect(s.constraintRows).toEqual([
      { step: 1, lambda: 1, constraint: 2 },
      { step: 2, lambda: 1.1, constraint: 1.5 },
    ]);
    expect(metricSeries([{ type: "step", step: 1, loss: 3 }]).constraintRows).toEqual([]);
  });
});
