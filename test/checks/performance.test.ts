// Bias validation is linear in the size of the spec: a long chain of lets, and many calls.
import { describe, expect, it } from "vitest";
import { checkBiasDefinitions } from "../../compiler/checks/check-biases";
import { memoryHost } from "../../compiler/host";
import { checkNames } from "../../compiler/names/check-names";
import { loadModules } from "../../compiler/names/modules";

function chain(n: number): string {
  const lines = ["bias long(y: Real[2], eps: Real = 1e-7) -> Real[2] {", "  param w = zeros()", "  let v0 = y * w"];
  for (let i = 1; i < n; i++) lines.push(`  let v${i} = v${i - 1} / (norm(v${i - 1}) + eps) + sigmoid(v${i - 1}) * ${i % 7}`);
  lines.push(`  return v${n - 1} + y`, "}");
  for (let i = 0; i < n / 10; i++) lines.push(`bias b${i}(y: Real[2]) -> Real[2] {`, `  return long(y, eps: ${i + 1}e-6)`, "}");
  return lines.join("\n") + "\n";
}

function timeBiasChecks(n: number): { ms: number; count: number } {
  const text = chain(n);
  const host = memoryHost({ "p.intel": text });
  const loaded = loadModules(text, host.absolute("p.intel"), host);
  const names = checkNames(loaded);
  const t = performance.now();
  const { diagnostics } = checkBiasDefinitions(loaded, names);
  return { ms: performance.now() - t, count: diagnostics.length };
}

describe("performance", () => {
  it("grows linearly with the spec", () => {
    timeBiasChecks(100); // warm up
    const small = timeBiasChecks(400);
    const large = timeBiasChecks(1600);
    expect(small.count).toBe(0);
    expect(large.count).toBe(0);
    // 4× the spec: linear is ~4×; allow noise, but not quadratic (16×).
    expect(large.ms).toBeLessThan(10 * small.ms + 100);
  });
});
