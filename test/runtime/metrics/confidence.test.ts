// predictiveConfidence (docs/results-family.md §3): the classifier's mean max-probability, mean
// entropy and predicted class shares on samples, against a hand computation.
import { describe, expect, it } from "vitest";
import { predictiveConfidence } from "../../../runtime/metrics/samples";

describe("predictive confidence of samples", () => {
  it("equals the hand computation on three samples of three classes", () => {
    const probs = Float32Array.from([0.7, 0.2, 0.1, 1, 0, 0, 0.25, 0.25, 0.5]);
    const c = predictiveConfidence(probs, 3, 3);
    expect(c.maxProb).toBeCloseTo((0.7 + 1 + 0.5) / 3, 6);
    const h = (ps: number[]) => -ps.filter((p) => p > 0).reduce((a, p) => a + p * Math.log(p), 0);
    expect(c.entropy).toBeCloseTo((h([0.7, 0.2, 0.1]) + 0 + h([0.25, 0.25, 0.5])) / 3, 6);
    expect(c.shares).toEqual([2 / 3, 0, 1 / 3]);
  });

  it("refuses probabilities of the wrong size", () => {
    expect(() => predictiveConfidence(new Float32Array(5), 2, 3)).toThrow(/5 probabilities for 2 samples/);
  });
});
