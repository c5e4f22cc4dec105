// The paper's experiments at small scale: which numbers are read from each run's eval.json, and the
// claim each experiment checks. Which specs run (the arms), with which seeds and settings, is the
// experiment's sweep file, bench/reproduce/sweeps/NAME.json. A claim is judged on the mean over
// seeds with a rule written here in advance, never adjusted to the outcome.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { all, beats, clears, fitsAsWell, fmt, gap, stat, type Stats, type Verdict } from "./rules";

export type { Stats, Verdict };

/** One evaluated run's eval.json "metrics" object. */
export type Metrics = Record<string, unknown>;

export interface Arm {
  /** short name used in run folders and tables */
  name: string;
  spec: string;
}

export interface Quantity {
  /** column header */
  label: string;
  /** the number for one run, or null when the metric was skipped */
  read(m: Metrics): number | null;
  digits?: number;
}

export interface Experiment {
  name: string;
  title: string;
  /** what the paper reports or claims */
  paper: string;
  /** how the setup came to be, where that matters for reading the verdict */
  note?: string;
  /** what the rule tests and what changed in it (issue #20), shown in every section */
  rule: string;
  arms: Arm[];
  quantities: Quantity[];
  judge(stats: Stats): Verdict;
  /** the arms' FID is measured after they train (bench/reproduce/fid-conv.ts) */
  fid?: boolean;
}

export const SWEEPS_DIR = join(import.meta.dirname, "sweeps");
export const sweepFile = (experiment: string) => join(SWEEPS_DIR, `${experiment}.json`);

/** The arms of an experiment, from its sweep file. */
function armsOf(experiment: string): Arm[] {
  const s = JSON.parse(readFileSync(sweepFile(experiment), "utf8")) as { arms: Arm[] };
  return s.arms.map((a) => ({ name: a.name, spec: a.spec }));
}

const SYNTHETIC_NOTE =
  "the likelihood σ is fixed at 0.1 in every synthetic spec: a first run with one learned σ collapsed to the data mean (KL ≈ 0.02 nats) in both arms, which makes hole mass meaningless";

function field(m: Metrics, key: string, path: (string | number)[] = ["value"]): number | null {
  let v: unknown = m[key];
  for (const p of path) {
    if (v === null || typeof v !== "object") return null;
    v = (v as Record<string | number, unknown>)[p];
  }
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** few-shot accuracy at a given number of labelled points (fewshot's rows carry size and mean). */
function fewshotAt(m: Metrics, size: number): number | null {
  const rows = (m.fewshot as { sizes?: { size: number; mean: number }[] } | undefined)?.sizes;
  const row = rows?.find((r) => r.size === size);
  return row && Number.isFinite(row.mean) ? row.mean : null;
}

const q = (label: string, read: (m: Metrics) => number | null, digits = 3): Quantity => ({ label, read, digits });

/** The learned share of 0s: the prior mass on the side of b that holds the encoded 0s (cluster_proportions' learned.zeros_share). */
const learnedZeros = (m: Metrics) => field(m, "cluster_proportions", ["learned", "zeros_share"]);

/**
 * Table 3: every mean learned share of 0s within 0.10 of the true share, the means falling with the
 * true shares (0.02 slack per row), and the 50 % row above the 0 % row by ≥ 2 SE (the learned split
 * moves with the data, not by seed noise). Quantities: 0 = data share, 1 = learned share.
 */
function proportionsTrack(s: Stats): Verdict {
  const rows = Object.entries(s).map(([arm, v]) => ({ arm, data: v[0] ?? null, learned: v[1] ?? null }));
  if (rows.some((r) => !r.data || !r.learned)) return { held: false, why: "a proportion is missing" };
  const err = Math.max(...rows.map((r) => Math.abs(r.learned!.mean - r.data!.mean)));
  const order = rows.every((r, i) => i === 0 || r.learned!.mean <= rows[i - 1]!.learned!.mean + 0.02);
  const spread = gap(rows[0]!.learned!, rows[rows.length - 1]!.learned!);
  const moves = clears(spread);
  return {
    held: err <= 0.1 && order && moves,
    why:
      `largest |learned − true share| = ${fmt(err)} (rule ≤ 0.10); learned shares ${order ? "fall" : "do not fall"} with the true ones; ` +
      `${rows[0]!.arm} − ${rows[rows.length - 1]!.arm} = ${fmt(spread?.d)} (rule ≥ 2 SE = ${fmt(spread ? 2 * spread.se : null)})`,
  };
}

const RULE_2SE = "Gaps are judged against 2 standard errors of the gap over seeds (bench/reproduce/rules.ts)";

/** The sparsity experiment (Table 4 / Fig. 7), run at two data scales. */
const SPARSITY: Experiment = {
    name: "sparsity",
    rule: `${RULE_2SE}. Hoyer (headline: on g(y), y ~ q(y | x), as the paper's code) must rise from γ = 0 to 10 and from 10 to 30, each step by ≥ 2 SE; at γ = 30 it must exceed vanilla + L_sp's and VSC's by ≥ 2 SE, at a test −ELBO at most 5 % above the vanilla VAE's. Changed in #20: Hoyer on sampled codes (g(μ(x)) is reported beside it), a 2-SE margin everywhere, and the fit judged on the ELBO instead of the reconstruction term. Few-shot accuracy (Fig. 7) is reported, not judged`,
    title: "Sparsity on Fashion-MNIST (50-D): sparse mapping at γ = 0, 10, 30 vs vanilla, vanilla + L_sp, spike-and-slab (Table 4, Fig. 7)",
    paper: "Table 4 / Fig. 7: Hoyer sparsity rises with γ; the sparse InteL-VAE is sparser than vanilla + L_sp and VSC at a comparable fit, and best at few-shot classification",
    arms: armsOf("sparsity"),
    quantities: [
      q("Hoyer, sampled y (headline)", (m) => field(m, "hoyer")),
      q("Hoyer, g(μ(x))", (m) => field(m, "hoyer#2")),
      q("test −ELBO", (m) => field(m, "elbo"), 1),
      q("few-shot acc. (100 labels)", (m) => fewshotAt(m, 100)),
      q("few-shot acc. (1000 labels)", (m) => fewshotAt(m, 1000)),
    ],
    judge: (s) => {
      const step = (hi: string, lo: string): Verdict => {
        const a = stat(s, hi, 0);
        const b = stat(s, lo, 0);
        const g = a && b ? gap(a, b) : null;
        return { held: clears(g), why: `${hi} − ${lo} = ${fmt(g?.d)} (2 SE = ${fmt(g ? 2 * g.se : null)})` };
      };
      return all(step("sparse-g10", "sparse-g0"), step("sparse-g30", "sparse-g10"), beats(s, "sparse-g30", ["vanilla+Lsp", "vsc"], 0, "higher", "Hoyer"), fitsAsWell(s, "sparse-g30", "vanilla", 2, 0.05, "test −ELBO"));
    },
  };

const TABLE1: Experiment = {
  name: "table1",
  rule: `${RULE_2SE}. FID on the features of the project's own seeded conv classifier (bench/reproduce/fid-conv.ts), 2000 generated vs 2000 test images: the InteL-VAE's must be below every baseline's by ≥ 2 SE. The paper's ordering of the baselines (Sylvester < Vamp < MoG ≈ VAE) is reported, not judged. New in #20`,
  title: "MNIST generation (Table 1): InteL-VAE (clusters mapping) vs VAE, MoG prior, VampPrior, Sylvester-flow posterior; FID on a conv classifier's features",
  paper: "Table 1: InteL-VAE has the lowest FID on MNIST, then the Sylvester-flow VAE, the VampPrior, and the MoG-prior and vanilla VAEs",
  arms: armsOf("table1"),
  quantities: [
    q("FID (conv features)", (m) => field(m, "fid_conv"), 2),
    q("IWAE NLL", (m) => field(m, "iwae_nll"), 1),
    q("FID classifier's test accuracy", (m) => field(m, "fid_conv", ["classifier_accuracy"]), 4),
  ],
  fid: true,
  judge: (s) => beats(s, "intel", ["vanilla", "mog", "vamp", "sylvester"], 0, "lower", "FID", 2),
};

export const EXPERIMENTS: Experiment[] = [
  {
    name: "circle",
    note: `${SYNTHETIC_NOTE}. The VampPrior arm is the paper's, pseudo-inputs initialised from N(0, I) (vamp-normal-init); the data-initialised VampPrior of earlier runs (this tool's default, specs/paper/circle-vamp.intel: 0.000 ± 0.000 hole mass at b8aa7ae, an arm the paper did not run) is not rerun, to save its three runs on the shared machine`,
    rule: `${RULE_2SE}. Changed in #20: the baselines are the paper's (vanilla, the N(0, I)-initialised VampPrior, the Sylvester-flow posterior), not the data-initialised VampPrior, an arm the paper did not run (it tied at 0.000); the old "≤ 0.5 × the lowest baseline" had no noise margin`,
    title: "One hole: ring data (radius 2), circle mapping vs vanilla VAE, VampPrior and a Sylvester-flow posterior (2-D latents)",
    paper: "Fig. 2: the circle mapping's samples lie on the ring; vanilla and VampPrior VAEs (and richer posteriors) fill the hole",
    arms: armsOf("circle"),
    quantities: [q("sample mass in the hole (r < 1)", (m) => field(m, "region_mass")), q("IWAE NLL", (m) => field(m, "iwae_nll"))],
    judge: (s) => beats(s, "intel-circle", ["vanilla", "vamp-normal-init", "sylvester-q"], 0, "lower", "hole mass"),
  },
  {
    name: "infinity",
    note: SYNTHETIC_NOTE,
    rule: `${RULE_2SE}. Changed in #20: a 2-SE margin replaces "≤ 0.5 × the baseline"`,
    title: "Two holes: figure-eight data, infinity mapping vs vanilla VAE",
    paper: "Fig. 2: the two-holes mapping recovers both holes; the vanilla VAE fills them",
    arms: armsOf("infinity"),
    quantities: [
      q("sample mass in both holes", (m) => {
        const a = field(m, "region_mass");
        const b = field(m, "region_mass#2");
        return a === null || b === null ? null : a + b;
      }),
      q("IWAE NLL", (m) => field(m, "iwae_nll")),
    ],
    judge: (s) => beats(s, "intel-infinity", ["vanilla"], 0, "lower", "hole mass"),
  },
  {
    name: "two-gaussians",
    note: SYNTHETIC_NOTE,
    rule: `${RULE_2SE}. Changed in #20: a 2-SE margin replaces "≤ 0.5 × the lowest baseline"`,
    title: "Two clusters: Gaussians at ±2 (std 0.3), clusters mapping vs vanilla VAE vs MoG prior",
    paper: "Fig. 3: the clusters mapping leaves a gap between the clusters; vanilla and MoG-prior VAEs put samples in it",
    arms: armsOf("two-gaussians"),
    quantities: [q("sample mass between clusters (r < 1)", (m) => field(m, "region_mass")), q("IWAE NLL", (m) => field(m, "iwae_nll"))],
    judge: (s) => beats(s, "intel-clusters", ["vanilla", "mog"], 0, "lower", "between-cluster mass"),
  },
  {
    name: "mnist01",
    rule: `${RULE_2SE}. The clusters mapping's ambiguous share must be below every baseline's by ≥ 2 SE, at a fit no worse than the vanilla VAE's: IWAE NLL at most 5 % above it. Changed in #20: the old rule ("≤ 1 × the lowest baseline") had no noise margin and did not look at the fit. The '1' share and the data's own row (Table 2) are reported, not judged`,
    title: "MNIST 0s and 1s, 1-D latent: clusters mapping vs vanilla, MoG prior, VampPrior (Table 2)",
    paper: "Table 2: the clusters mapping gives the fewest ambiguous generated samples, and a share of generated 1s closest to the data's",
    arms: armsOf("mnist01"),
    quantities: [
      q("ambiguous samples (max p < 0.8)", (m) => field(m, "sample_uncertainty")),
      q("'1' share of samples", (m) => field(m, "sample_uncertainty", ["generated", 1])),
      q("IWAE NLL", (m) => field(m, "iwae_nll"), 1),
      q("ambiguous test images (data row)", (m) => field(m, "sample_uncertainty", ["data", "value"])),
      q("'1' share of test images (data row)", (m) => field(m, "sample_uncertainty", ["data", "proportions", 1])),
    ],
    judge: (s) => all(beats(s, "intel-clusters", ["vanilla", "mog", "vamp"], 0, "lower", "ambiguous share"), fitsAsWell(s, "intel-clusters", "vanilla", 2, 0.05, "IWAE NLL")),
  },
  {
    name: "proportions",
    note: "the split is the official code's: z₀ = y₀ + 5·sign(y₀ − b)·|y₀ − b|^0.5, b = 8·sigmoid(w) − 4 (split_learned with c2: 0.5), on a 10-D intermediary, trained for 10⁴ Adam steps at batch 25 with MLPs 784-128-64 (smaller than the other MNIST-01 specs: at the size of those, ten runs of 10⁴ steps did not fit the shared machine, load ≈ 17 on 2 cores) (an independent PyTorch run of this model tracks the shares only after ~10⁴ steps; our earlier 360–600 steps gave 0.44–0.47 everywhere, as PyTorch does at that budget). The 1-D variant of earlier runs was dropped: it settles at a biased value in PyTorch too, so it is no test of the claim",
    rule: "Learned share = Φ(b) or 1 − Φ(b), whichever side of b holds most of the encoded test 0s (for the 0 % row, the side holding fewer encoded 1s). Held when every mean learned share is within 0.10 of the true share, the means fall with the true shares (0.02 slack), and the 50 % row's learned share exceeds the 0 % row's by ≥ 2 SE. Changed in #20: judged on Φ(b), the proportion the paper reports, not on the share of generated 0s (reported beside it); the 0 % row added",
    title: "Learned proportions: MNIST 0s and 1s with 50/40/25/20/0 % 0s, learnable split (c₂ = 0.5), 10-D intermediary (Table 3)",
    paper: "Table 3: the learned proportion of 0s tracks the true one",
    arms: armsOf("proportions"),
    quantities: [
      q("data share of 0s", (m) => field(m, "cluster_proportions", ["data", 0])),
      q("learned share of 0s (Φ(b), side checked)", learnedZeros),
      q("generated share of 0s", (m) => field(m, "cluster_proportions", ["generated", 0])),
      q("split b", (m) => field(m, "cluster_proportions", ["learned", "b"])),
    ],
    judge: proportionsTrack,
  },
  SPARSITY,
  {
    ...SPARSITY,
    name: "sparsity-full",
    note: "the same arms, rule and metrics as sparsity, on the full Fashion-MNIST training set (`data.limit=60000` in the sweep file: 59 000 training images, 1 000 for validation, 4 720 steps at 8 epochs) instead of its first 10 000; written before the runs. Matrix products by OpenBLAS (INTEL_MATMUL=openblas): the same computation as XNNPACK's, rounded differently",
    title: "Sparsity on the full Fashion-MNIST (59 000 images, 50-D): the same arms as sparsity",
    arms: armsOf("sparsity-full"),
  },
  {
    name: "hierarchy",
    rule: `${RULE_2SE}. The hierarchical mapping's few-shot accuracy with 100 labels (random forest, depth 4, 50 trees, class-balanced draws, as the paper) must exceed the vanilla VAE's by ≥ 2 SE, at an IWAE NLL at most 5 % above it. Changed in #20: the paper's forest and balanced draws instead of logistic regression on unbalanced draws; a 2-SE margin; the fit guard`,
    title: "Hierarchy on MNIST (10-D, five levels of 2) vs vanilla: few-shot accuracy",
    paper: "Sec. 5 / Table B.1: the hierarchical mapping improves downstream (few-shot) accuracy over a vanilla VAE",
    arms: armsOf("hierarchy"),
    quantities: [
      q("few-shot acc. (10 labels)", (m) => fewshotAt(m, 10)),
      q("few-shot acc. (100 labels)", (m) => fewshotAt(m, 100)),
      q("few-shot acc. (1000 labels)", (m) => fewshotAt(m, 1000)),
      q("IWAE NLL", (m) => field(m, "iwae_nll"), 1),
    ],
    judge: (s) => all(beats(s, "intel-hierarchy", ["vanilla"], 1, "higher", "few-shot accuracy (100 labels)"), fitsAsWell(s, "intel-hierarchy", "vanilla", 3, 0.05, "IWAE NLL")),
  },
  TABLE1,
  {
    ...TABLE1,
    name: "table1-conv",
    note: "the same arms, rule, budget (10 epochs, 700 steps) and FID classifier as table1, with the paper's convolutional networks (the prelude's conv_encoder / conv_decoder: filters 32-64-128, k4 s2, batch norm) on 28 × 28 × 1 images instead of MLPs, and the paper's amortised Sylvester posterior (`q_flow: sylvester(amortised: true)`) where table1 has a global one; written before the runs. Batch norm at momentum 0.9 (`bn_momentum`), set after a first launch was stopped in its first arm: at Keras' 0.99 the running statistics still lagged after 280 steps (eval-mode loss 348 against 132 in training mode). Matrix products and convolutions by OpenBLAS (INTEL_MATMUL=openblas)",
    title: "MNIST generation (Table 1) with the paper's conv networks: the same arms as table1",
    arms: armsOf("table1-conv"),
  },
];

export function findExperiment(name: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.name === name);
}
