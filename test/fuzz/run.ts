// `npm run fuzz [-- --cases N --seed S]`: many more mutated and deeply nested specs than the unit tests; prints failures.
import { readFileSync, writeFileSync } from "node:fs";
import { intelFilesUnder } from "../golden";
import { deepSpec } from "./deep";
import { fuzzOne } from "./invariants";
import { mutate, rng } from "./mutate";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const cases = arg("cases", 50_000);
const seed = arg("seed", Date.now() % 1_000_000);
const corpus = [...intelFilesUnder("specs"), ...intelFilesUnder("test/golden")].map((f) => readFileSync(f, "utf8"));
const next = rng(seed);
let failures = 0;
const started = Date.now();
for (let i = 0; i < cases; i++) {
  // one case in ten is a deeply nested spec (up to 5,000 levels), the rest mutated corpus specs
  const input = i % 10 === 9 ? deepSpec(1 + Math.floor(next() ** 2 * 5000), next) : mutate(corpus[i % corpus.length]!, next);
  const problems = fuzzOne(input);
  if (problems.length) {
    failures++;
    const file = `fuzz-failure-${seed}-${i}.intel`;
    writeFileSync(file, input);
    console.log(`case ${i}: ${problems.join("; ")} (input saved to ${file})`);
  }
  if ((i + 1) % 5000 === 0) console.log(`${i + 1}/${cases} cases, ${failures} failures, ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
console.log(`fuzz: seed ${seed}, ${cases} cases, ${failures} failures`);
process.exitCode = failures ? 1 : 0;
