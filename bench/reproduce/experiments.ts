// The paper's experiments at small scale: which numbers are read from each run's eval.json, and the
// claim each experiment checks. Which specs run (the arms), with which seeds and settings, is the
// experiment's sweep file, bench/reproduce/sweeps/NAME.json. A claim is judged on the mean over
// seeds with a rule written here in advance, never adjusted to the outcome.
import { readFileSync } from "node:fs";
import { join } from "node:path";

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

/** Per-arm means over seeds of every quantity, in `quantities` order. */
export type Means = Record<string, (number | null)[]>;

export interface Verdict {
  held: boolean;
  /** the rule, with the numbers that decided it */
  why: string;
}

export interface Experiment {
  name: string;
  title: string;
  /** what the paper reports or claims; numbers are not quoted from memory (see docs/results.md) */
  paper: string;
  /** how the setup came to be, where that matters for reading the verdict */
  note?: string;
  arms: Arm[];
  quantities: Quantity[];
  judge(means: Means): Verdict;
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
const fmt = (v: number | null | undefined, d = 3) => (v === null || v === undefined ? "n/a" : v.toFixed(d));
const first = (means: Means, arm: string, i = 0) => means[arm]?.[i] ?? null;

/** Held when `arm`'s value is below every baseline's and at most `ratio` × the smallest of them. */
function lowestBy(means: Means, arm: string, baselines: string[], ratio: number, i = 0, what = "value"): Verdict {
  const mine = first(means, arm, i);
  const others = baselines.map((b) => first(means, b, i));
  if (mine === null || others.some((o) => o === null)) return { held: false, why: `a ${what} is missing` };
  const best = Math.min(...(others as number[]));
  const held = mine <= ratio * best && mine < best;
  return { held, why: `${arm} ${fmt(mine)} vs ${baselines.map((b, j) => `${b} ${fmt(others[j])}`).join(", ")}; rule: ≤ ${ratio} × the lowest baseline` };
}

/** Table 3: learned proportions with a D-dimensional intermediary (the split acts on y₁ alone). */
function proportionsExperiment(name: string, d: number, note?: string): Experiment {
  return {
    ...(note ? { note } : {}),
    name,
    title: `Learned proportions: MNIST 0s and 1s with 50/40/25/20 % 0s, learnable split, ${d}-D intermediary (Table 3)`,
    paper: "Table 3: the learned cluster proportions track the true ones",
    arms: armsOf(name),
    quantities: [
      q("data share of 0s", (m) => field(m, "cluster_proportions", ["data", 0])),
      q("generated share of 0s", (m) => field(m, "cluster_proportions", ["generated", 0])),
      q("learned prior mass Φ(b)", (m) => field(m, "cluster_proportions", ["learned", "proportions", 0])),
    ],
    judge: proportionsTrack,
  };
}

/** Held when every arm's generated share of 0s is within 0.10 of the data's and they fall together. */
function proportionsTrack(m: Means): Verdict {
  const rows = Object.entries(m).map(([arm, v]) => ({ arm, data: v[0] ?? null, gen: v[1] ?? null }));
  if (rows.some((r) => r.data === null || r.gen === null)) return { held: false, why: "a proportion is missing" };
  const err = Math.max(...rows.map((r) => Math.abs(r.gen! - r.data!)));
  const order = rows.every((r, i) => i === 0 || r.gen! <= rows[i - 1]!.gen! + 0.02);
  return {
    held: err <= 0.1 && order,
    why: `largest |generated − data| = ${fmt(err)}; generated shares ${order ? "fall" : "do not fall"} with the data's; rule: ≤ 0.10 everywhere and in the same order`,
  };
}

export const EXPERIMENTS: Experiment[] = [
  {
    name: "circle",
    note: `${SYNTHETIC_NOTE}. The vamp-normal-init and sylvester-q arms were added after the first runs of the other three and joined the rule's baselines`,
    title: "One hole: ring data (radius 2), circle mapping vs vanilla VAE, VampPrior and a Sylvester-flow posterior (2-D latents)",
    paper: "Fig. 2: the circle mapping's samples lie on the ring; vanilla and VampPrior VAEs (and richer posteriors) fill the hole",
    arms: armsOf("circle"),
    quantities: [q("sample mass in the hole (r < 1)", (m) => field(m, "region_mass")), q("IWAE NLL", (m) => field(m, "iwae_nll"))],
    judge: (m) => lowestBy(m, "intel-circle", ["vanilla", "vamp", "vamp-normal-init", "sylvester-q"], 0.5, 0, "hole mass"),
  },
  {
    name: "infinity",
    note: SYNTHETIC_NOTE,
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
    judge: (m) => lowestBy(m, "intel-infinity", ["vanilla"], 0.5, 0, "hole mass"),
  },
  {
    name: "two-gaussians",
    note: SYNTHETIC_NOTE,
    title: "Two clusters: Gaussians at ±2 (std 0.3), clusters mapping vs vanilla VAE vs MoG prior",
    paper: "Fig. 3: the clusters mapping leaves a gap between the clusters; vanilla and MoG-prior VAEs put samples in it",
    arms: armsOf("two-gaussians"),
    quantities: [q("sample mass between clusters (r < 1)", (m) => field(m, "region_mass")), q("IWAE NLL", (m) => field(m, "iwae_nll"))],
    judge: (m) => lowestBy(m, "intel-clusters", ["vanilla", "mog"], 0.5, 0, "between-cluster mass"),
  },
  {
    name: "mnist01",
    title: "MNIST 0s and 1s, 1-D latent: clusters mapping vs vanilla, MoG prior, VampPrior (Table 2)",
    paper: "Table 2: the clusters mapping gives the fewest ambiguous generated samples",
    arms: armsOf("mnist01"),
    quantities: [
      q("ambiguous samples (max p < 0.8)", (m) => field(m, "sample_uncertainty")),
      q("IWAE NLL", (m) => field(m, "iwae_nll"), 1),
      q("few-shot acc. (100 labels)", (m) => fewshotAt(m, 100)),
    ],
    judge: (m) => lowestBy(m, "intel-clusters", ["vanilla", "mog", "vamp"], 1, 0, "ambiguous share"),
  },
  proportionsExperiment(
    "proportions",
    10,
    "first run at b8aa7ae, whose training loop ignored min_epochs (mean generated vs data share of 0s at 20 %: 0.455 vs 0.217, not held either); these are the reruns after the loop learned every train setting",
  ),
  proportionsExperiment(
    "proportions-1d",
    1,
    "added after the 10-D experiment above did not hold, to test one explanation: with ten coordinates the other nine can carry the class, so nothing ties the split on y₁ to it; with one coordinate the class must follow the split. Same rule, same training",
  ),
  {
    name: "sparsity",
    title: "Sparsity on Fashion-MNIST (50-D): sparse mapping at γ = 0, 10, 30 vs vanilla, vanilla + L_sp, spike-and-slab (Table 4)",
    paper: "Table 4 / Fig. 6: Hoyer sparsity rises with γ; the sparse InteL-VAE is sparser than vanilla + L_sp and VSC at a comparable reconstruction",
    arms: armsOf("sparsity"),
    quantities: [
      q("Hoyer", (m) => field(m, "hoyer")),
      q("recon −log p(x|z)", (m) => field(m, "recon_error"), 1),
      q("few-shot acc. (100 labels)", (m) => fewshotAt(m, 100)),
      q("few-shot acc. (1000 labels)", (m) => fewshotAt(m, 1000)),
    ],
    judge: (m) => {
      const h = (a: string) => first(m, a, 0);
      const r = (a: string) => first(m, a, 1);
      const [g0, g10, g30, lsp] = [h("sparse-g0"), h("sparse-g10"), h("sparse-g30"), h("vanilla+Lsp")];
      if ([g0, g10, g30, lsp, r("sparse-g30"), r("vanilla+Lsp")].some((v) => v === null)) return { held: false, why: "a number is missing" };
      const rises = g0! < g10! && g10! < g30!;
      const beats = g30! > lsp!;
      const comparable = r("sparse-g30")! <= 1.05 * r("vanilla+Lsp")!;
      return {
        held: rises && beats && comparable,
        why: `Hoyer γ=0/10/30: ${fmt(g0)}/${fmt(g10)}/${fmt(g30)} (${rises ? "rises" : "does not rise"}); vs vanilla+L_sp ${fmt(lsp)} at recon ${fmt(r("sparse-g30"), 1)} vs ${fmt(r("vanilla+Lsp"), 1)}; rule: rises, beats L_sp, recon within 5 %`,
      };
    },
  },
  {
    name: "hierarchy",
    title: "Hierarchy on MNIST (10-D, five levels of 2) vs vanilla: few-shot accuracy",
    paper: "Sec. 5: the hierarchical mapping improves downstream (few-shot) accuracy over a vanilla VAE",
    arms: armsOf("hierarchy"),
    quantities: [
      q("few-shot acc. (10 labels)", (m) => fewshotAt(m, 10)),
      q("few-shot acc. (100 labels)", (m) => fewshotAt(m, 100)),
      q("few-shot acc. (1000 labels)", (m) => fewshotAt(m, 1000)),
      q("fid_small", (m) => field(m, "fid_small"), 2),
      q("IWAE NLL", (m) => field(m, "iwae_nll"), 1),
    ],
    judge: (m) => {
      const a = first(m, "intel-hierarchy", 1);
      const b = first(m, "vanilla", 1);
      if (a === null || b === null) return { held: false, why: "a number is missing" };
      return { held: a > b, why: `few-shot accuracy with 100 labels: ${fmt(a)} vs ${fmt(b)}; rule: higher than vanilla` };
    },
  },
];

export function findExperiment(name: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.name === name);
}
