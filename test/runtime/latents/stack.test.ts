// A stack of discrete layers c_L → … → c_1 (the Categorical prior's `layers`, runtime/latents/stack.ts),
// against a float64 enumeration of every configuration: each layer's analytic KL at its parent against
// Monte Carlo; the ELBO's summed KL and IWAE's −log-ratio, averaged over sampled parents, against the
// joint KL(q(c_1:L | x) ‖ p(c_1:L)); IWAE(K = 1) and the straight-through ELBO unbiased for the
// enumerated ELBO; finite-difference gradients through the relaxed path into the evidence and every
// table; ancestral samples' frequencies against the prior's marginals of c_1; and one layer computing
// exactly the single-layer formulas.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileSource } from "../../../compiler/compile";
import type { ModelIR } from "../../../compiler/ir/types";
import { CategoricalPrior, type CategoricalIR } from "../../../runtime/latents/categorical";
import { categoricalKl, gumbelNoise, hardOneHot, logCategorical, logProbs, relaxedOneHot } from "../../../runtime/latents/relaxed";
import { deriveSeed, STREAM } from "../../../runtime/model/random";
import { mulberry32 } from "../../../runtime/random/seeds";
import { gradCheck, useTestBackend } from "../model/gradcheck";
import { estimate } from "../priors/reference";

beforeAll(useTestBackend);

/** Three layers of one group, K = 3, 2, 4 from c_1 up; the top's prior is given. */
const KS = [3, 2, 4];
const TOP_LOG_PRIOR = [0.1, 0.2, 0.3, 0.4].map(Math.log);
/** W_l [K_l, K_{l−1}] and b_l [K_{l−1}] of p(c_{l−1} | c_l), l = 2, 3 (fixed numbers, not a fit) */
const W2 = [[1.2, -0.5, 0.3], [-1, 0.8, 0.1]];
const B2 = [0.2, 0, -0.4];
const W3 = [[0.5, -1.5], [-0.7, 0.9], [2, 0], [0, 1.1]];
const B3 = [0.3, -0.1];
/** one row's evidence: c_1's 3 logits, c_2's 2, c_3's 4 */
const EVIDENCE = [0.4, -1, 0.9, 0.6, -0.2, 1.3, -0.4, 0, 0.8];

const softmax = (l: number[]) => {
  const m = Math.max(...l);
  const e = l.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const add = (a: number[], b: number[]) => a.map((v, i) => v + b[i]!);
/** p(c_{l−1} = · | c_l = k) of one group from a table */
const conditional = (w: number[][], b: number[], k: number) => softmax(add(w[k]!, b));

function stackIR(o: Partial<CategoricalIR> = {}): { ir: CategoricalIR; params: Map<string, tf.Variable> } {
  const params = new Map<string, tf.Variable>([
    ["w2", tf.variable(tf.tensor2d(W2))],
    ["b2", tf.variable(tf.tensor1d(B2))],
    ["w3", tf.variable(tf.tensor2d(W3))],
    ["b3", tf.variable(tf.tensor1d(B3))],
  ]);
  const ir: CategoricalIR = {
    kind: "categorical",
    groups: 1,
    classes: KS[0]!,
    logPrior: TOP_LOG_PRIOR,
    temperature: [1, 0.5],
    straightThrough: true,
    kl: "analytic",
    stack: [
      { classes: KS[1]!, transition: "w2", bias: "b2" },
      { classes: KS[2]!, transition: "w3", bias: "b3" },
    ],
    ...o,
  };
  return { ir, params };
}

/** Every (c_3, c_2, c_1) with q's and p's joint probabilities, float64 (the posterior is top-down). */
function enumerate(): { c1: number; q: number; p: number }[] {
  const s1 = EVIDENCE.slice(0, 3);
  const s2 = EVIDENCE.slice(3, 5);
  const s3 = EVIDENCE.slice(5);
  const out: { c1: number; q: number; p: number }[] = [];
  const q3 = softmax(s3);
  const p3 = TOP_LOG_PRIOR.map(Math.exp);
  for (let c3 = 0; c3 < 4; c3++) {
    const p2 = conditional(W3, B3, c3);
    const q2 = softmax(add(s2, p2.map(Math.log)));
    for (let c2 = 0; c2 < 2; c2++) {
      const p1 = conditional(W2, B2, c2);
      const q1 = softmax(add(s1, p1.map(Math.log)));
      for (let c1 = 0; c1 < 3; c1++) out.push({ c1, q: q3[c3]! * q2[c2]! * q1[c1]!, p: p3[c3]! * p2[c2]! * p1[c1]! });
    }
  }
  return out;
}
const JOINT_KL = enumerate().reduce((s, e) => s + e.q * Math.log(e.q / e.p), 0);
/** a stand-in for log p(x | c_1): one number per class of c_1 */
const LOGLIK = [-1.5, -0.2, -3];
const EXACT_ELBO = enumerate().reduce((s, e) => s + e.q * LOGLIK[e.c1]!, 0) - JOINT_KL;

const tiled = (n: number) => tf.tile(tf.tensor2d([EVIDENCE]), [n, 1]) as tf.Tensor2D;
const logLik = (c1: tf.Tensor2D) => tf.sum(tf.mul(c1, tf.tensor1d(LOGLIK)), 1);

describe("a stack of discrete layers: the KL", () => {
  it("has 3 + 2 + 4 encoder columns, c_1's first", () => {
    const { ir, params } = stackIR();
    expect(new CategoricalPrior(ir, params).encoderUnits).toBe(9);
  });

  it("each layer's analytic KL at its sampled parent matches a float64 Monte Carlo estimate (50k draws, 4 se)", () => {
    const { ir, params } = stackIR();
    const p = new CategoricalPrior(ir, params);
    const table = (id: string) => params.get(id)!;
    // a hard top-down pass over 3 rows, as runtime/latents/stack.ts walks it: each layer's q logits
    // and its prior's log-probabilities at the drawn parent, and the KL the prior computes from them
    const layers = tf.tidy(() => {
      const [s1, s2, s3] = tf.split(p.posterior(tiled(3)).logits!, KS, 1) as tf.Tensor2D[];
      const c3 = hardOneHot(s3!, gumbelNoise(3, 4, 11), 4);
      const lp2 = logProbs(tf.add(tf.matMul(c3, table("w3")), table("b3")) as tf.Tensor2D, 2);
      const l2 = tf.add(s2!, lp2) as tf.Tensor2D;
      const c2 = hardOneHot(l2, gumbelNoise(3, 2, 12), 2);
      const lp1 = logProbs(tf.add(tf.matMul(c2, table("w2")), table("b2")) as tf.Tensor2D, 3);
      const l1 = tf.add(s1!, lp1) as tf.Tensor2D;
      const top = tf.tile(tf.tensor2d([TOP_LOG_PRIOR]), [3, 1]);
      return ([[s3!, top, 4], [l2, lp2, 2], [l1, lp1, 3]] as const).map(([logits, lp, k]) => ({
        k,
        kl: Array.from(categoricalKl(logits, lp, k).dataSync()),
        lq: logProbs(logits, k).arraySync() as number[][],
        lp: lp.arraySync() as number[][],
      }));
    });
    const rand = mulberry32(7);
    layers.forEach(({ k, kl, lq, lp }, layer) =>
      kl.forEach((value, r) => {
        const q = lq[r]!.map(Math.exp);
        const draws = new Float64Array(50_000);
        for (let i = 0; i < draws.length; i++) {
          let u = rand();
          let c = 0;
          while (c < k - 1 && u >= q[c]!) u -= q[c++]!;
          draws[i] = lq[r]![c]! - lp[r]![c]!;
        }
        const e = estimate(draws);
        expect(Math.abs(value - e.mean), `layer c_${3 - layer}, row ${r}: ${value} vs ${e.mean} ± ${e.se}`).toBeLessThan(4 * e.se + 1e-5);
      }),
    );
    p.dispose();
  });

  it("the ELBO's summed KL and IWAE's −log-ratio average to the enumerated joint KL (20k rows, 4 se)", () => {
    const { ir, params } = stackIR();
    const p = new CategoricalPrior(ir, params);
    const n = 20_000;
    const [kl, neg] = tf.tidy(() => {
      const q = p.posterior(tiled(n));
      const eps = tf.zeros([n, 3]) as tf.Tensor2D;
      return [p.elbo(q, eps, { seed: 3, chunk: 0, progress: 0.5 }).kl.dataSync(), tf.neg(p.importance(q, eps, { seed: 4, chunk: 0 }).logRatio).dataSync()];
    });
    for (const [what, xs] of [["ELBO KL", kl], ["−log ratio", neg]] as const) {
      const e = estimate(xs!);
      expect(Math.abs(e.mean - JOINT_KL), `${what}: ${e.mean} ± ${e.se} vs ${JOINT_KL}`).toBeLessThan(4 * e.se);
    }
    // and not the KL of the layers as if independent of their parents (the test can fail)
    const naive = softmax(EVIDENCE.slice(5)).reduce((s, q, k) => s + q * (Math.log(q) - TOP_LOG_PRIOR[k]!), 0);
    expect(Math.abs(estimate(kl!).mean - naive)).toBeGreaterThan(0.05);
    p.dispose();
  });
});

describe("a stack of discrete layers: the bounds", () => {
  it("IWAE(K = 1) reads the straight-through ELBO's sample, and both are unbiased for the enumerated ELBO (20k rows, 4 se)", () => {
    const { ir, params } = stackIR();
    const p = new CategoricalPrior(ir, params);
    const n = 20_000;
    const { same, elbo, iwae } = tf.tidy(() => {
      const q = p.posterior(tiled(n));
      const eps = tf.zeros([n, 3]) as tf.Tensor2D;
      const a = p.elbo(q, eps, { seed: 9, chunk: 0 });
      const b = p.importance(q, eps, { seed: 9, chunk: 0 });
      return {
        same: tf.max(tf.abs(tf.sub(a.y, b.y))).dataSync()[0],
        elbo: tf.sub(logLik(a.y), a.kl).dataSync(),
        iwae: tf.add(logLik(b.y), b.logRatio).dataSync(),
      };
    });
    expect(same).toBe(0);
    for (const [what, xs] of [["ELBO", elbo], ["IWAE(1)", iwae]] as const) {
      const e = estimate(xs);
      expect(Math.abs(e.mean - EXACT_ELBO), `${what}: ${e.mean} ± ${e.se} vs ${EXACT_ELBO}`).toBeLessThan(4 * e.se);
    }
    p.dispose();
  });

  it("gradients through the relaxed path (no straight-through) match finite differences in the evidence and every table", () => {
    const { ir, params } = stackIR({ straightThrough: false });
    const p = new CategoricalPrior(ir, params);
    const h = tf.variable(tf.tensor2d([EVIDENCE, EVIDENCE.map((v) => -0.5 * v)]));
    const w = tf.keep(tf.tensor2d([[1, -2, 0.5], [0.3, 2, -1]]));
    const f = () => tf.tidy(() => {
      const r = p.elbo(p.posterior(h), tf.zeros([2, 3]) as tf.Tensor2D, { seed: 5, chunk: 0, progress: 0.3 });
      return tf.add(tf.sum(tf.mul(w, r.y)), tf.sum(r.kl)) as tf.Scalar;
    });
    const vars = [h, ...["w2", "b2", "w3", "b3"].map((id) => params.get(id)!)];
    const r = gradCheck(f, vars);
    expect(r.checked).toBe(18 + 6 + 3 + 8 + 2);
    expect(r.mismatches).toEqual([]);
    // the top table's gradient reaches through two relaxed layers, and is not zero (the check is not vacuous)
    const g = tf.tidy(() => tf.max(tf.abs(tf.variableGrads(f, [params.get("w3")!]).grads[params.get("w3")!.name]!)).dataSync()[0]!);
    expect(g).toBeGreaterThan(1e-3);
    p.dispose();
  });
});

describe("a stack of discrete layers: ancestral samples", () => {
  it("c_1's class frequencies match the prior's marginals Σ p(c_3) p(c_2 | c_3) p(c_1 | c_2), two groups coupled by the tables (40k draws, 4 se)", () => {
    // G = 2 groups of K = 3 at every layer: W [6, 6] mixes the groups
    const rand = mulberry32(21);
    const table = (r: number, c: number) => Array.from({ length: r }, () => Array.from({ length: c }, () => 2 * rand() - 1));
    const w2 = table(6, 6);
    const w3 = table(6, 6);
    const b2 = table(1, 6)[0]!;
    const b3 = table(1, 6)[0]!;
    const top = [0.5, 0.3, 0.2].map(Math.log);
    const params = new Map<string, tf.Variable>([
      ["w2", tf.variable(tf.tensor2d(w2))],
      ["b2", tf.variable(tf.tensor1d(b2))],
      ["w3", tf.variable(tf.tensor2d(w3))],
      ["b3", tf.variable(tf.tensor1d(b3))],
    ]);
    const ir: CategoricalIR = {
      kind: "categorical",
      groups: 2,
      classes: 3,
      logPrior: top,
      temperature: [1, 0.5],
      straightThrough: false,
      kl: "analytic",
      stack: [
        { classes: 3, transition: "w2", bias: "b2" },
        { classes: 3, transition: "w3", bias: "b3" },
      ],
    };
    // float64: the distribution of a layer (9 configurations of two groups) from its parent's
    const configs = Array.from({ length: 9 }, (_, i) => [Math.floor(i / 3), i % 3] as const);
    const down = (parent: number[], w: number[][], b: number[]) => {
      const out = new Array(9).fill(0);
      configs.forEach(([a, c], pi) => {
        if (!parent[pi]) return;
        const logits = add(add(w[a]!, w[3 + c]!), b);
        const g0 = softmax(logits.slice(0, 3));
        const g1 = softmax(logits.slice(3));
        configs.forEach(([x, y], ci) => (out[ci] += parent[pi]! * g0[x]! * g1[y]!));
      });
      return out;
    };
    const p3 = configs.map(([a, c]) => Math.exp(top[a]! + top[c]!));
    const p1 = down(down(p3, w3, b3), w2, b2);
    // group 0's classes, then group 1's
    const expected = [0, 1].flatMap((g) => [0, 1, 2].map((k) => configs.reduce((sum, cfg, i) => sum + (cfg[g] === k ? p1[i]! : 0), 0)));
    const prior = new CategoricalPrior(ir, params);
    const s = tf.tidy(() => prior.sample(40_000, 8).arraySync());
    let far = 0;
    for (let j = 0; j < 6; j++) {
      const e = estimate(s.map((row) => row[j]!));
      expect(Math.abs(e.mean - expected[j]!), `group ${Math.floor(j / 3)} class ${j % 3}: ${e.mean} ± ${e.se} vs ${expected[j]}`).toBeLessThan(4 * e.se);
      far = Math.max(far, Math.abs(e.mean - Math.exp(top[j % 3]!)) / e.se);
    }
    // the tables matter: c_1 is not distributed as the top layer (the test can fail)
    expect(far).toBeGreaterThan(10);
    for (const row of s.slice(0, 100)) expect(row.reduce((a, b) => a + b, 0)).toBe(2);
    prior.dispose();
  });
});

/** A small model whose c : OneHot[2, 3] has the prior `prior`, compiled (errors throw). */
function compile(prior: string): ModelIR {
  const r = compileSource(
    `import "prelude"
bias code(c: OneHot[2, 3]) -> Real[2] {
  param E = normal(3, 2)
  return sum(matmul(c, E), axis: 0)
}
model m {
  data x : Real[4] ~ gaussian_clusters(dim: 4)
  encoder q(c | x) = mlp_encoder(hidden: [6])
  intermediary c : OneHot[2, 3] ~ ${prior}
  mapping z = code(c)
  decoder p(x | z) : Gaussian(sigma: 0.5) = mlp_decoder(hidden: [6])
}
`,
    { file: "test/runtime/latents/stack.intel" },
  );
  if (!r.ir) throw new Error(r.check.diagnostics.map((d) => d.message).join("\n"));
  return r.ir;
}

describe("one layer is the single-layer model", () => {
  // the source's hash differs with its text
  const lowered = (prior: string) => ({ ...compile(prior), source: null });

  it("`layers: 1` lowers to exactly the IR of no `layers`", () => {
    expect(lowered("Categorical(layers: 1, probs: [1, 2, 3])")).toEqual(lowered("Categorical(probs: [1, 2, 3])"));
    expect(lowered('Categorical(layers: 1, posterior: "responsibility")')).toEqual(lowered('Categorical(posterior: "responsibility")'));
  });

  it("its ELBO, importance weights and samples are the single-layer formulas, bit for bit", () => {
    const logPrior = [0.2, 0.3, 0.5].map(Math.log);
    const p = new CategoricalPrior({ kind: "categorical", groups: 2, classes: 3, logPrior, temperature: [1, 0.5], straightThrough: false, kl: "analytic" });
    const out = tf.tensor2d([[0.5, -1, 2, 0.1, -0.3, 0.3], [-2, 1.5, 0.2, 0.7, 3, -1]]) as tf.Tensor2D;
    const o = { seed: 12, chunk: 1, progress: 0.4 };
    const got = tf.tidy(() => {
      const q = p.posterior(out);
      const e = p.elbo(q, tf.zeros([2, 6]) as tf.Tensor2D, o);
      const i = p.importance(q, tf.zeros([2, 6]) as tf.Tensor2D, o);
      return [e.y, e.kl, i.y, i.logRatio, p.sample(5, 3)].map((t) => Array.from(t.dataSync()));
    });
    const want = tf.tidy(() => {
      const lp = tf.tensor1d(logPrior);
      const g = gumbelNoise(2, 6, deriveSeed(o.seed, STREAM.noise, o.chunk, 2));
      const hard = hardOneHot(out, g, 3);
      const tau = 1 * Math.pow(0.5, 0.4);
      const prior = hardOneHot(tf.tile(tf.reshape(lp, [1, 3]), [5, 2]) as tf.Tensor2D, gumbelNoise(5, 6, deriveSeed(3, STREAM.prior, 2)), 3);
      return [relaxedOneHot(out, g, tau, 3), categoricalKl(out, lp, 3), hard, tf.sub(logCategorical(hard, lp, 3), logCategorical(hard, logProbs(out, 3), 3)), prior].map((t) => Array.from(t.dataSync()));
    });
    expect(got).toEqual(want);
    p.dispose();
  });
});

describe("the stack's lowering", () => {
  it("widens the encoder's head to every layer's evidence and creates one table per layer above c_1", () => {
    const shapes = (ir: ModelIR) => Object.fromEntries(ir.params.filter((q) => q.id.startsWith("prior/")).map((q) => [q.id, q.shape]));
    const head = (ir: ModelIR) => ir.params.filter((q) => q.id.startsWith("encoder/")).at(-1)!.shape;
    const logits = compile("Categorical(layers: 3, layer_classes: [2, 4], probs: [1, 1, 1, 2])");
    expect(head(logits)).toEqual([2 * (3 + 2 + 4)]);
    expect(shapes(logits)).toEqual({ "prior/layer_2/transition": [4, 6], "prior/layer_2/bias": [6], "prior/layer_3/transition": [8, 4], "prior/layer_3/bias": [4] });
    const resp = compile('Categorical(layers: 2, posterior: "responsibility", code_dim: 5)');
    expect(head(resp)).toEqual([2 * 2 * 5]);
    expect(Object.keys(shapes(resp)).sort()).toEqual(["prior/codebook", "prior/layer_2/bias", "prior/layer_2/codebook", "prior/layer_2/transition", "prior/weights"]);
  });
});
