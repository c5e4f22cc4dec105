// A few thousand mutated specs with a fixed seed; `npm run fuzz` runs many more.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { intelFilesUnder } from "../golden";
import { fuzzOne } from "./invariants";
import { mutate, rng } from "./mutate";

const corpus = [...intelFilesUnder("specs"), ...intelFilesUnder("test/golden")].map((f) => readFileSync(f, "utf8"));

describe("front-end fuzzing", () => {
  it("has a corpus", () => {
    expect(corpus.length).toBeGreaterThan(10);
  });

  it("never throws, never reports a position outside the file, on 3000 mutated specs", () => {
    const next = rng(20221);
    const failures: string[] = [];
    for (let i = 0; i < 3000 && failures.length < 5; i++) {
      const input = mutate(corpus[i % corpus.length]!, next);
      const problems = fuzzOne(input);
      if (problems.length) failures.push(`case ${i}: ${problems.join("; ")}\n--- input ---\n${input}`);
    }
    expect(failures).toEqual([]);
  });
});
