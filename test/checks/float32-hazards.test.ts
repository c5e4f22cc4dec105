// Each float32 / gradient hazard the checker reports is real: tfjs (cpu backend, float32) gives NaN or an
// infinite value or gradient at the witness point, the guarded form stays finite, and the checker agrees.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/check";
import "../../runtime/model/gradients"; // comparisons get a zero gradient, as in training
import { norm as runtimeNorm } from "../../runtime/mapping/ops";

/** the runtime's norm (its gradient at 0 is 0) */
const norm = (y: tf.Tensor) => runtimeNorm({ t: y, batched: false }, { ord: 2, axis: -1, keepdims: true }, [1]).t;

const codes = (body: string) =>
  checkSource(`bias b(y: Real[2]) -> Real[2] {\n${body}\n}\n`).diagnostics.filter((d) => d.severity === "error").map((d) => d.code);

/** value and gradient (w.r.t. y) of a sum of f(y) at one point y, read back as float32 */
function at(f: (y: tf.Tensor) => tf.Tensor, y: number[]): { value: number; grad: number[] } {
  return tf.tidy(() => {
    const t = tf.tensor1d(y);
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => tf.sum(f(x)) as tf.Scalar)(t);
    return { value: value.dataSync()[0]!, grad: Array.from(grad.dataSync()) };
  });
}
const finite = (xs: number[]) => xs.every(Number.isFinite);

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("float32 and gradient hazards, confirmed in tfjs", () => {
  it("atan2(y[1], y[0]) has a NaN gradient at the origin; the prelude's guard does not", () => {
    const bare = at((y) => tf.atan2(y.slice(1, 1), y.slice(0, 1)), [0, 0]);
    expect(finite(bare.grad)).toBe(false);
    const guard = (y: tf.Tensor) => {
      const [u, v] = [y.slice(0, 1), y.slice(1, 1)];
      const c = tf.tensor1d(y.dataSync()); // the condition carries no gradient (the runtime's where neither)
      const cond = tf.greater(tf.add(tf.square(c.slice(0, 1)), tf.square(c.slice(1, 1))), 0);
      return tf.atan2(v, tf.where(cond, u, tf.onesLike(u)));
    };
    expect(finite(at(guard, [0, 0]).grad)).toBe(true);
    expect(codes("  @allow(discontinuous)\n  let a = atan2(y[1], y[0])\n  return y * a")).toEqual(["IV4011"]);
    expect(codes("  let u = y[0]\n  let v = y[1]\n  @allow(discontinuous)\n  let a = atan2(v, where(square(u) + square(v) > 0, u, 1))\n  return y * a")).toEqual([]);
  });

  it("tan has poles: at float32(π/2) its gradient is beyond 1e14; tan(1.5 * tanh(y)) is bounded", () => {
    const r = at((y) => tf.tan(y), [Math.PI / 2, 0]);
    expect(Math.abs(r.grad[0]!)).toBeGreaterThan(1e14);
    expect(codes("  return tan(y)")).toEqual(["IV4007"]);
    expect(codes("  return tan(1.5 * tanh(y))")).toEqual([]);
  });

  it("acos(y[0] / (norm(y) + 1e-7)) reaches exactly 1 in float32 (at |y| = 3) and its gradient is not finite", () => {
    const f = (y: tf.Tensor) => tf.acos(tf.div(y.slice(0, 1), tf.add(tf.norm(y), 1e-7)));
    const r = at(f, [3, 0]);
    expect(r.value).toBe(0); // acos(1)
    expect(finite(r.grad)).toBe(false);
    expect(codes("  let a = acos(y[0] / (norm(y) + 1e-7))\n  return y * a")).toEqual(["IV4007"]);
    // clipped strictly inside (-1, 1), as the hint says, it is finite
    const clipped = (y: tf.Tensor) => tf.acos(tf.clipByValue(tf.div(y.slice(0, 1), tf.add(tf.norm(y), 1e-7)), -1 + 1e-7, 1 - 1e-7));
    expect(finite(at(clipped, [3, 0]).grad)).toBe(true);
    expect(codes("  let a = acos(clip(y[0] / (norm(y) + 1e-7), -1 + 1e-7, 1 - 1e-7))\n  return y * a")).toEqual([]);
  });

  it("y / (norm(y) + 1e-50) divides by 0: 1e-50 is 0 in float32", () => {
    expect(Math.fround(1e-50)).toBe(0);
    const r = at((y) => tf.div(y, tf.add(tf.norm(y), 1e-50)), [0, 0]);
    expect(Number.isNaN(r.value)).toBe(true);
    expect(codes("  return y / (norm(y) + 1e-50)").sort()).toEqual(["IV1012", "IV4004"]);
    expect(codes("  return y / (norm(y) + 1e-7)")).toEqual([]);
  });

  it("the literal 1e999 is infinite (and 1e39 too, in float32)", () => {
    expect(tf.tidy(() => tf.scalar(1e39).dataSync()[0])).toBe(Infinity);
    expect(codes("  return y * 1e999")).toEqual(["IV1012"]);
    expect(codes("  return y * 1e39")).toEqual(["IV1012"]);
    expect(codes("  return y * 3e38")).toEqual([]);
  });
});

describe("float32 overflow at latent values training reaches (|y| ≤ 4)", () => {
  it("y * exp(exp(3 * y)) is infinite at y = 1.5 in tfjs; the checker reports the outer exp (IV4012)", () => {
    const r = at((y) => tf.mul(y, tf.exp(tf.exp(tf.mul(3, y)))), [1.5, 0]);
    expect(r.value).toBe(Infinity);
    expect(finite(r.grad)).toBe(false);
    expect(codes("  return y * exp(exp(3 * y))")).toEqual(["IV4012"]);
    // exp(exp(y)) is finite up to y = 4 (exp(54.6) ≈ 5e23): not reported
    expect(finite([at((y) => tf.exp(tf.exp(y)), [4, -4]).value])).toBe(true);
    expect(codes("  return exp(exp(y))")).toEqual([]);
  });

  it("exp overflows just above 88.72, sinh and cosh above 89.4: exp(30 * y) at y = 3 (90); exp(20 * y) is finite at 4", () => {
    expect(at((y) => tf.exp(y), [88.7, 0]).value).toBeLessThan(Infinity);
    expect(at((y) => tf.exp(y), [88.8, 0]).value).toBe(Infinity);
    expect(at((y) => tf.sinh(y), [89.5, 0]).value).toBe(Infinity);
    expect(at((y) => tf.exp(tf.mul(30, y)), [3, 0]).value).toBe(Infinity);
    expect(codes("  return exp(30 * y)")).toEqual(["IV4012"]);
    expect(codes("  return sinh(25 * y)")).toEqual(["IV4012"]);
    expect(codes("  return cosh(25 * y)")).toEqual(["IV4012"]);
    expect(finite([at((y) => tf.exp(tf.mul(20, y)), [4, 0]).value])).toBe(true);
    expect(codes("  return exp(20 * y)")).toEqual([]);
  });

  it("(10 * y) ** 40 is infinite at y = 4 (1.2e64 > 3.4e38); y ** 3 is not reported", () => {
    expect(at((y) => tf.pow(tf.mul(10, y), 40), [4, 0]).value).toBe(Infinity);
    expect(codes("  return (10 * y) ** 40")).toEqual(["IV4012"]);
    expect(codes("  return pow(1e12, y)")).toEqual(["IV4012"]);
    expect(codes("  return y ** 3")).toEqual([]);
  });

  it("a value that is unbounded only through training (a param, a required hyperparameter) is not blamed", () => {
    expect(codes("  param s: Real = 1.0\n  return exp(s * y)")).toEqual([]);
  });
});

describe("where conditions", () => {
  it("y / where(r > 0, r, 1) is safe: the divisor is never 0, in value or gradient", () => {
    const f = (y: tf.Tensor) => {
      const r = norm(y);
      return tf.div(y, tf.where(tf.greater(r, 0), r, tf.onesLike(r)));
    };
    const r = at(f, [0, 0]);
    expect(finite([r.value, ...r.grad])).toBe(true);
    expect(codes("  let r = norm(y)\n  @allow(discontinuous)\n  let d = where(r > 0, r, 1)\n  return y / d")).toEqual([]);
    expect(codes("  let r = norm(y)\n  @allow(discontinuous)\n  let d = where(0 < r, r, 1)\n  return y / d")).toEqual([]);
  });

  it("where(r > 0, y / r, y) is still reported: its gradient through y / r is NaN at 0", () => {
    const f = (y: tf.Tensor) => {
      const r = norm(y);
      return tf.where(tf.greater(r, 0), tf.div(y, r), y);
    };
    expect(finite(at(f, [0, 0]).grad)).toBe(false);
    expect(codes("  let r = norm(y)\n  @allow(discontinuous)\n  let z = where(r > 0, y / r, y)\n  return z")).toEqual(["IV4004"]);
  });
});
