// `intel check --probe`: the mapping run numerically, forward and backward, on y ~ N(0, I) and at
// adversarial points. Its text is pinned by a golden (cpu backend, fixed seeds: the same numbers).
import { describe, expect, it } from "vitest";
import { bufferIo } from "../../cli/io";
import { main } from "../../cli/main";
import { expectGolden } from "../golden";

describe("intel check --probe", () => {
  it("finds what the static checks cannot: exp(y·y) overflows at |y| = 10 (op and spec line named), exit 1", async () => {
    const io = bufferIo();
    const code = await main(["check", "--probe", "test/cli/fixtures/blow.intel"], io);
    expect(code).toBe(1);
    const out = io.stdout();
    expect(out).toContain("1 file checked: no problems"); // the static analysis passes it
    expect(out).toMatch(/z is NaN or infinite at y = .* first at 'exp' in bias 'blow' \(test\/cli\/fixtures\/blow\.intel:5:14\)/);
    expectGolden("test/cli/fixtures/blow.probe.txt", out);
  }, 60_000);

  it("an inline mapping (blow.intel's bias written in the model): the same finding, at the mapping line", async () => {
    const io = bufferIo();
    expect(await main(["check", "--probe", "test/cli/fixtures/blow-inline.intel"], io)).toBe(1);
    const out = io.stdout();
    expect(out).toMatch(/z is NaN or infinite at y = .* first at 'exp' \(test\/cli\/fixtures\/blow-inline\.intel:8:19\)/);
    expectGolden("test/cli/fixtures/blow-inline.probe.txt", out);
  }, 60_000);

  it("a safe mapping: every set finite, gradient norms and a Lipschitz estimate, exit 0", async () => {
    const io = bufferIo();
    expect(await main(["check", "--probe", "specs/examples/circle.intel"], io)).toBe(0);
    const out = io.stdout();
    expect(out).not.toContain("PROBLEM");
    expect(out).toMatch(/y ~ N\(0, I\) \(256 points\): finite; gradient norm median [\d.]+, max [\d.e+]+/);
    // the circle map y/‖y‖ has slope ~1/‖y‖: the estimate must be finite and above 0.1
    const lip = Number(/Lipschitz estimate on y ~ N\(0, I\): median ([\d.]+)/.exec(out)?.[1]);
    expect(lip).toBeGreaterThan(0.1);
    expect(lip).toBeLessThan(10);
  }, 60_000);

  it("does not combine with --json (usage)", async () => {
    expect(await main(["check", "--probe", "--json", "specs/examples/circle.intel"], bufferIo())).toBe(2);
  });
});
