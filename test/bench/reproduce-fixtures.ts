// Finished reproduction runs as `npm run reproduce` leaves them (EXPERIMENT/ARM-sSEED/reproduce.json),
// with made-up but fixed numbers: enough for the results table to be regenerated and compared.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** name → [arm names] of every experiment, as in bench/reproduce/sweeps/ when this fixture was made */
export const FIXTURE_ARMS: Record<string, string[]> = {
  circle: ["intel-circle", "vanilla", "vamp-normal-init", "sylvester-q"],
  infinity: ["intel-infinity", "vanilla"],
  "two-gaussians": ["intel-clusters", "vanilla", "mog"],
  mnist01: ["intel-clusters", "vanilla", "mog", "vamp"],
  proportions: ["zeros-50", "zeros-40", "zeros-25", "zeros-20", "zeros-0"],
  sparsity: ["vanilla", "vanilla+Lsp", "vsc", "sparse-g0", "sparse-g10", "sparse-g30"],
  // one arm has not finished: the experiment is "incomplete"
  hierarchy: ["intel-hierarchy"],
  table1: ["intel", "vanilla", "mog", "vamp", "sylvester"],
};

export function writeReproduceFixtures(root: string): void {
  let state = 12345;
  const u = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (const [exp, arms] of Object.entries(FIXTURE_ARMS)) {
    for (const arm of arms) {
      for (const seed of exp === "circle" ? [1, 2, 3] : [1, 2]) {
        const dir = join(root, exp, `${arm}-s${seed}`);
        mkdirSync(dir, { recursive: true });
        const share = 0.2 + 0.3 * u();
        const metrics = {
          region_mass: { value: u() * 0.2 },
          "region_mass#2": { value: u() * 0.2 },
          iwae_nll: { value: 1 + 100 * u() },
          sample_uncertainty: { value: u(), generated: [share, 1 - share], data: { value: 0.01 * u(), proportions: [0.5, 0.5] } },
          fewshot: { sizes: [10, 100, 1000].map((size) => ({ size, mean: 0.5 + 0.5 * u() })) },
          cluster_proportions: { data: [share, 1 - share], generated: [share + 0.05 * u(), 0], learned: { proportions: [share, 1 - share], zeros_share: share + 0.05 * u(), b: u() } },
          hoyer: { value: u() },
          recon_error: { value: 100 + 50 * u() },
          fid_small: { value: 10 * u() },
          fid_conv: { value: 30 * u(), classifier_accuracy: 0.98 },
          elbo: { value: 100 + 50 * u() },
          "hoyer#2": { value: u() },
          skipped_one: { skipped: "not implemented" },
        };
        const result = { spec: `specs/paper/${exp}-${arm}.intel`, seed, backend: "wasm", code: "abc1234", dir, trainSeconds: 10 + 100 * u(), evalSeconds: 5 * u(), metrics };
        writeFileSync(join(dir, "reproduce.json"), JSON.stringify(result, null, 2) + "\n");
      }
    }
  }
}
