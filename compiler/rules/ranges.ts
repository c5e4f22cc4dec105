// Valid ranges of hyperparameters, checked before any tensor exists (IV5004), and the closed sets
// of values of string hyperparameters.
// Keyed "context:builtin.param"; train settings are "train:setting". Interval notation, "int" marks
// whole numbers.
export interface Range {
  lo: number;
  hi: number;
  loOpen: boolean;
  hiOpen: boolean;
  int: boolean;
}

const R = (text: string): Range => {
  const m = /^(int )?([[(])\s*(-?[\d.e+-]+|-inf)\s*,\s*(-?[\d.e+-]+|inf)\s*([\])])$/.exec(text);
  if (!m) throw new Error(`bad range ${text}`);
  const num = (s: string) => (s === "inf" ? Infinity : s === "-inf" ? -Infinity : Number(s));
  return { int: Boolean(m[1]), lo: num(m[3]!), hi: num(m[4]!), loOpen: m[2] === "(", hiOpen: m[5] === ")" };
};

const POSITIVE = "(0, inf)";
const NONNEG = "[0, inf)";
const COUNT = "int [1, inf)";
const NONNEG_INT = "int [0, inf)";

const TABLE: Record<string, string> = {
  "objective:elbo.beta": NONNEG,
  "objective:elbo.warmup": NONNEG_INT,
  "objective:elbo.samples": COUNT,
  "objective:elbo.q_flow_layers": COUNT,
  "objective:iwae.k": COUNT,
  "objective:iwae.warmup": NONNEG_INT,
  "objective:iwae.q_flow_layers": COUNT,
  "optimizer:adam.lr": POSITIVE,
  "optimizer:adam.beta1": "[0, 1)",
  "optimizer:adam.beta2": "[0, 1)",
  "optimizer:adam.eps": POSITIVE,
  "optimizer:sgd.lr": POSITIVE,
  "optimizer:sgd.momentum": "[0, 1)",
  "optimizer:rmsprop.lr": POSITIVE,
  "optimizer:rmsprop.decay": "[0, 1)",
  "optimizer:rmsprop.momentum": "[0, 1)",
  "optimizer:rmsprop.eps": POSITIVE,
  "train:batch": COUNT,
  "train:epochs": COUNT,
  "train:min_epochs": NONNEG_INT,
  "train:early_stop": COUNT,
  "train:seed": NONNEG_INT,
  "train:validation_every": COUNT,
  "train:checkpoint_every": COUNT,
  "train:keep_checkpoints": COUNT,
  "train:log_every": COUNT,
  "train:clip_norm": POSITIVE,
  "train:lr_decay": "(0, 1]",
  "train:lr_warmup": NONNEG_INT,
  "train:max_steps": COUNT,
  "prior:MixtureOfGaussians.k": COUNT,
  "prior:MixtureOfGaussians.std": POSITIVE,
  "prior:VampPrior.k": COUNT,
  "prior:Laplace.scale": POSITIVE,
  "prior:SpikeAndSlab.alpha": "(0, 1)",
  "prior:SpikeAndSlab.sharpness": POSITIVE,
  "prior:SpikeAndSlab.sharpness_end": POSITIVE,
  "likelihood:Gaussian.sigma": POSITIVE,
  "likelihood:Laplace.scale": POSITIVE,
  "metric:iwae_nll.k": COUNT,
  "metric:iwae_nll.points": COUNT,
  "metric:fewshot.repeats": COUNT,
  "metric:sample_uncertainty.threshold": "(0, 1)",
  "metric:sample_uncertainty.samples": COUNT,
  "metric:fid_small.samples": COUNT,
};

export const RANGES: ReadonlyMap<string, Range> = new Map(Object.entries(TABLE).map(([k, v]) => [k, R(v)]));

const Q_FLOWS = ["none", "planar", "sylvester"];

/** String hyperparameters with a closed set of values (also IV5004), keyed like TABLE. */
export const CHOICES: ReadonlyMap<string, readonly string[]> = new Map([
  ["objective:elbo.kl", ["auto", "analytic", "mc"]],
  ["objective:elbo.q_flow", Q_FLOWS],
  ["objective:iwae.q_flow", Q_FLOWS],
]);

/** `"a", "b" or "c"` */
export function describeChoices(cs: readonly string[]): string {
  const q = cs.map((c) => JSON.stringify(c));
  return q.length === 1 ? q[0]! : `${q.slice(0, -1).join(", ")} or ${q.at(-1)}`;
}

export function inRange(r: Range, v: number): boolean {
  if (r.int && !Number.isInteger(v)) return false;
  return (r.loOpen ? v > r.lo : v >= r.lo) && (r.hiOpen ? v < r.hi : v <= r.hi);
}

export function describeRange(r: Range): string {
  const whole = r.int ? "a whole number " : "";
  if (r.hi === Infinity) {
    if (r.lo === 0 && r.loOpen) return `${whole}> 0`;
    return `${whole}≥ ${r.lo}`;
  }
  return `${whole}in ${r.loOpen ? "(" : "["}${r.lo}, ${r.hi}${r.hiOpen ? ")" : "]"}`;
}
