// The IR's `evaluate { … }` metrics on a trained model (compiler/builtins/metrics.ts has the names,
// arguments and meanings). Each metric yields a JSON value; a metric that cannot apply to this model
// or data (no labels, too many values for fid_small's pixels, …) yields { skipped: reason } instead
// of failing the others.
import type { ProgressSink } from "../train/progress";
import * as tf from "@tensorflow/tfjs";
import type { MetricIR, ModelIR, Value } from "../../compiler/ir/types";
import { sizeOf, subset, type Dataset } from "../data/dataset";
import type { CompiledModel } from "../model/compiled";
import { deriveSeed, shuffledIndices } from "../random/seeds";
import type { Classifier } from "./classifier";
import { fewshot, trainClassifier, type ClassifierKind } from "./fewshot";
import { frechetDistance } from "./fid";
import { hoyerSparsity } from "./hoyer";
import { iwaeNll } from "./iwae";
import { factorClasses, mig } from "./mig";
import { activeDims, classProportions, labelProportions, regionMass, sampleUncertainty } from "./samples";
import { latentCodes } from "../run/inference";

export interface MetricContext {
  model: CompiledModel;
  /** the data the model trained on (classifiers for generated samples learn from it) */
  train: Dataset;
  /** where metrics are measured */
  test: Dataset;
  seed: number;
  batch: number;
  /** progress messages */
  log?: (s: string) => void;
  /** where the long metrics (iwae_nll) show their progress line */
  progress?: ProgressSink;
}

/** Most rows a data classifier trains on (a seeded subset beyond that keeps `intel eval` quick). */
export const CLASSIFIER_MAX_TRAIN = 5000;

/** A metric's arguments as the lowering wrote them, every default filled in (compiler/builtins/metrics.ts
 *  is the one place defaults live): a missing or mistyped one is an internal error, not a fallback. */
class Args {
  constructor(
    private readonly metric: string,
    readonly raw: Record<string, Value>,
  ) {}
  private get<T>(k: string, ok: (v: Value) => boolean, what: string): T {
    const v = this.raw[k];
    if (v === undefined || !ok(v)) throw new Error(`internal error: ${this.metric}'s argument '${k}' is ${JSON.stringify(v)} in the IR, not ${what}`);
    return v as T;
  }
  num = (k: string): number => this.get(k, (v) => typeof v === "number", "a number");
  bool = (k: string): boolean => this.get(k, (v) => typeof v === "boolean", "a boolean");
  str = (k: string): string => this.get(k, (v) => typeof v === "string", "a string");
  nums = (k: string): number[] => this.get(k, (v) => Array.isArray(v) && v.every((e) => typeof e === "number"), "a list of numbers");
}


/** `z` names the model's y (the latent's name) or anything else: the representation z. */
const whichLatent = (ir: ModelIR, a: Args): "y" | "z" => (a.raw.z === ir.latent.name ? "y" : "z");

function classifierKind(a: Args): ClassifierKind {
  const c = a.str("classifier");
  if (c !== "logistic" && c !== "forest") throw new Error(`classifier must be "logistic" or "forest", got "${c}"`);
  return c;
}

/** A classifier of data x → label, trained on (at most CLASSIFIER_MAX_TRAIN of) the training data. */
function dataClassifier(ctx: MetricContext, kind: ClassifierKind, cache: Map<string, Classifier>): Classifier | null {
  const { train } = ctx;
  if (!train.labels) return null;
  let clf = cache.get(kind);
  if (!clf) {
    const ds = train.n > CLASSIFIER_MAX_TRAIN ? subset(train, shuffledIndices(train.n, deriveSeed(ctx.seed, "eval", 10 * 2 ** 22)).subarray(0, CLASSIFIER_MAX_TRAIN)) : train;
    ctx.log?.(`training a ${kind} classifier on ${ds.n} labelled datapoints\n`);
    clf = trainClassifier(kind, ds.x, ds.n, sizeOf(ds.shape), ds.labels!, ctx.seed);
    cache.set(kind, clf);
  }
  return clf;
}

function samples(ctx: MetricContext, n: number, counter: number): Float32Array {
  return tf.tidy(() => ctx.model.sample(n, deriveSeed(ctx.seed, "sample", counter)).dataSync() as Float32Array).slice();
}

type MetricImpl = (a: Args, ctx: MetricContext, cache: Map<string, Classifier>) => unknown;

/** One implementation per metric of compiler/builtins/metrics.ts, except those FROM_SPLIT. */
const METRIC_IMPLS: Record<string, MetricImpl> = {
  hoyer(a, ctx) {
    const { model, test } = ctx;
    const which = whichLatent(model.ir, a);
    const { z, dim } = latentCodes(model, test, which, { batch: ctx.batch, sample: a.bool("sample"), seed: ctx.seed });
    const r = hoyerSparsity(z, test.n, dim);
    return { value: Number.isNaN(r.value) ? null : r.value, latent: which, dims: r.dims, constant_dims: r.constantDims, zero_points: r.zeroPoints, points: test.n };
  },
  iwae_nll(a, ctx) {
    const { model, test } = ctx;
    const r = iwaeNll(model, test, { k: a.num("k"), points: a.num("points"), batch: ctx.batch, seed: ctx.seed, ...(ctx.progress ? { progress: ctx.progress } : {}) });
    return { value: r.nll, k: r.k, points: r.points };
  },
  fewshot(a, ctx) {
    const { model, test } = ctx;
    if (!test.labels) return { skipped: "the data has no labels" };
    const which = whichLatent(model.ir, a);
    const { z, dim } = latentCodes(model, test, which, { batch: ctx.batch });
    const sizes = a.nums("sizes");
    const balanced = a.bool("balanced");
    const r = fewshot(z, test.n, dim, test.labels, { sizes, repeats: a.num("repeats"), classifier: classifierKind(a), seed: ctx.seed, balanced });
    return { latent: which, classifier: r.classifier, balanced, sizes: r.rows, ...(r.notes.length ? { notes: r.notes } : {}) };
  },
  mig(a, ctx) {
    const { model, test } = ctx;
    const f = test.factors;
    if (!f) return { skipped: "the data has no known factors (dsprites has)" };
    const which = whichLatent(model.ir, a);
    const { z, dim } = latentCodes(model, test, which, { batch: ctx.batch });
    const r = mig(z, test.n, dim, f, a.num("bins"));
    const sizes = a.nums("sizes");
    const o = { sizes, repeats: a.num("repeats"), classifier: classifierKind(a), seed: ctx.seed };
    const fewshotBy = factorClasses(f, test.n, a.num("classes")).map((labels, k) => ({ factor: f.names[k]!, ...fewshot(z, test.n, dim, labels, o) }));
    return { value: Number.isNaN(r.value) ? null : r.value, latent: which, bins: a.num("bins"), points: test.n, factors: r.factors, fewshot: fewshotBy };
  },
  cluster_proportions(a, ctx, cache) {
    const { model, test } = ctx;
    const kind = classifierKind(a);
    const clf = dataClassifier(ctx, kind, cache);
    if (!clf) return { skipped: "the data has no labels" };
    const n = a.num("samples");
    const s = samples(ctx, n, 1);
    const learned = learnedSplit(model);
    const split = learned.learned as { b?: number } | undefined;
    if (split?.b !== undefined && test.labels) learned.learned = { ...split, ...zerosSide(model, test, ctx.batch, split.b) };
    return { samples: n, classifier: kind, generated: classProportions(clf, s, n), data: labelProportions(ctx.train.labels!, clf.classes), ...learned };
  },
  sample_uncertainty(a, ctx, cache) {
    const { test } = ctx;
    const kind = classifierKind(a);
    const clf = dataClassifier(ctx, kind, cache);
    if (!clf) return { skipped: "the data has no labels" };
    const n = a.num("samples");
    const threshold = a.num("threshold");
    const s = samples(ctx, n, 2);
    // Table 2's other rows: the share of each class among the samples, and the data's own row (the
    // same classifier on the test images)
    const data = test.labels ? { value: sampleUncertainty(clf, test.x, test.n, threshold), proportions: labelProportions(test.labels, clf.classes), points: test.n } : null;
    return { value: sampleUncertainty(clf, s, n, threshold), threshold, samples: n, classifier: kind, generated: classProportions(clf, s, n), ...(data ? { data } : {}) };
  },
  region_mass(a, ctx) {
    const { model } = ctx;
    const center = a.nums("center");
    const radius = a.num("radius");
    const n = a.num("samples");
    if (center.length !== sizeOf(model.ir.data.shape)) return { skipped: `center has ${center.length} coordinates but datapoints have ${sizeOf(model.ir.data.shape)}` };
    return { value: regionMass(samples(ctx, n, 3), n, center, radius), center, radius, samples: n };
  },
  active_dims(a, ctx) {
    const { model, test } = ctx;
    const which = whichLatent(model.ir, a);
    const { z, dim } = latentCodes(model, test, which, { batch: ctx.batch });
    const r = activeDims(z, test.n, dim, a.num("threshold"));
    return { value: r.count, of: dim, latent: which, threshold: a.num("threshold"), variances: r.variances };
  },
  fid_small(a, ctx, cache) {
    const { model, test } = ctx;
    const n = a.num("samples");
    const features = a.str("features");
    const real = test.n > n ? subset(test, Array.from({ length: n }, (_, i) => i)) : test;
    const gen = samples(ctx, n, 4);
    const shape = model.ir.data.shape;
    if (features === "pixels") {
      const pool = poolFeatures(shape, FID_MAX_FEATURES);
      if (!pool) return { skipped: `pixels: ${sizeOf(shape)} values per datapoint is too many for the covariance (at most ${FID_MAX_FEATURES}, or an image [H, W, C] or square flattened image to pool)` };
      return { value: frechetDistance(pool.apply(gen, n), n, pool.apply(real.x, real.n), real.n, pool.dim), features: pool.describe, samples: n, data: real.n };
    }
    if (features !== "classifier") throw new Error(`fid_small: features must be "classifier" or "pixels", got "${features}"`);
    const clf = dataClassifier(ctx, "logistic", cache);
    if (!clf) return { skipped: "classifier features need labelled data" };
    return {
      value: frechetDistance(clf.predictProba(gen, n), n, clf.predictProba(real.x, real.n), real.n, clf.classes),
      features: `class probabilities of a multinomial logistic regression trained on the data (${clf.classes} features; not a CNN)`,
      samples: n,
      data: real.n,
    };
  },
};

/** The metrics evaluateSplit computes with the loss terms (elbo, kl, recon_error). */

/** The metrics evaluateSplit computes with the loss terms (elbo, kl, recon_error). */
export const FROM_SPLIT = new Set(["elbo", "kl", "recon_error"]);

/** Every metric name the runtime knows (a test checks the compiler's list against it). */
export const RUNTIME_METRICS: readonly string[] = [...Object.keys(METRIC_IMPLS), ...FROM_SPLIT];

/** One metric's value; null for those FROM_SPLIT. */
export function computeMetric(m: MetricIR, ctx: MetricContext, cache: Map<string, Classifier> = new Map()): unknown {
  if (FROM_SPLIT.has(m.name)) return null;
  const impl = METRIC_IMPLS[m.name];
  if (!impl) throw new Error(`internal error: the metric '${m.name}' has no runtime implementation`);
  return impl(new Args(m.name, m.args), ctx, cache);
}

/**
 * The mapping's learned cluster proportions, read from its parameters when the prelude's learnable
 * biases are recognisable by their param ids: split_learned (param …/split_learned/u, split point
 * b = 8·sigmoid(u) − 4, prior mass Φ(b) below b, 1 − Φ(b) above) and clusters_learned (param
 * …/clusters_learned/logits, sector masses softmax(logits)). Otherwise a note says none was found.
 */
export function learnedSplit(model: CompiledModel): Record<string, unknown> {
  const value = (id: string) => Array.from(model.variables.get(id)?.dataSync() ?? []);
  const split = model.ir.params.find((q) => /(^|\/)split_learned\/u$/.test(q.id) && sizeOf(q.shape) === 1);
  if (split && model.variables.has(split.id)) {
    const u = value(split.id)[0]!;
    const b = 8 / (1 + Math.exp(-u)) - 4;
    return { learned: { param: split.id, b, proportions: [normalCdf(b), 1 - normalCdf(b)], meaning: "prior mass of y₁ < b and of y₁ > b: Φ(b), 1 − Φ(b)" } };
  }
  const logits = model.ir.params.find((q) => /(^|\/)clusters_learned\/logits$/.test(q.id));
  if (logits && model.variables.has(logits.id)) {
    const l = value(logits.id);
    const m = Math.max(...l);
    const e = l.map((v) => Math.exp(v - m));
    const z = e.reduce((a, c) => a + c, 0);
    return { learned: { param: logits.id, proportions: e.map((v) => v / z), meaning: "prior mass of each sector: softmax(logits)" } };
  }
  return { learned_note: "the mapping has no learned proportions (split_learned or clusters_learned)" };
}

/**
 * Which side of the split b holds the 0s (the learned share of 0s is the prior mass of that side):
 * the side of y₁ = μ(x)₁ where most encoded test 0s fall; with no 0s (Table 3's 0 % row), the side
 * holding fewer of the other classes' codes.
 */
export function zerosSide(model: CompiledModel, test: Dataset, batch: number, b: number): { zeros_below: boolean; zeros_share: number; zeros_side_evidence: string } {
  const { z, dim } = latentCodes(model, test, "y", { batch });
  let zeros = 0, zerosBelow = 0, others = 0, othersBelow = 0;
  for (let i = 0; i < test.n; i++) {
    const below = z[i * dim]! < b;
    if (test.labels![i] === 0) {
      zeros++;
      if (below) zerosBelow++;
    } else {
      others++;
      if (below) othersBelow++;
    }
  }
  const below = zeros > 0 ? zerosBelow / zeros > 0.5 : othersBelow / Math.max(1, others) < 0.5;
  const evidence = zeros > 0 ? `${zerosBelow} of ${zeros} encoded test 0s below b` : `no 0s; ${othersBelow} of ${others} encoded test 1s below b`;
  return { zeros_below: below, zeros_share: below ? normalCdf(b) : 1 - normalCdf(b), zeros_side_evidence: evidence };
}

/** Φ(x), Abramowitz–Stegun 7.1.26 erf (|error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/** Most features fid_small fits a covariance to (its eigendecompositions are O(d³) in plain JS). */
export const FID_MAX_FEATURES = 128;

/**
 * Pixel features for fid_small: the values as they are when there are at most `max`; for an image
 * [H, W, C] (or a flat vector of a square number of values, taken as a flattened [s, s, 1] image),
 * average pooling over f×f blocks (f the smallest that fits, edge blocks partial); else null.
 */
export function poolFeatures(shape: readonly number[], max: number): { dim: number; describe: string; apply(x: Float32Array, n: number): Float32Array } | null {
  const size = sizeOf(shape);
  if (size <= max) return { dim: size, describe: `raw values (${size})`, apply: (x) => x };
  const side = Math.round(Math.sqrt(size));
  const img = shape.length === 3 ? shape : shape.length === 1 && side * side === size ? [side, side, 1] : null;
  if (!img) return null;
  const [h, w, c] = img as [number, number, number];
  let f = 2;
  while (Math.ceil(h / f) * Math.ceil(w / f) * c > max) f++;
  const ph = Math.ceil(h / f);
  const pw = Math.ceil(w / f);
  const dim = ph * pw * c;
  return {
    dim,
    describe: `pixels average-pooled ${f}×${f} (${dim} features)`,
    apply(x, n) {
      const out = new Float32Array(n * dim);
      const cnt = new Float32Array(dim);
      for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) cnt[(Math.floor(i / f) * pw + Math.floor(j / f)) * c + k]!++;
      for (let p = 0; p < n; p++)
        for (let i = 0; i < h; i++)
          for (let j = 0; j < w; j++)
            for (let k = 0; k < c; k++) {
              const o = (Math.floor(i / f) * pw + Math.floor(j / f)) * c + k;
              out[p * dim + o]! += x[p * size + (i * w + j) * c + k]! / cnt[o]!;
            }
      return out;
    },
  };
}

